import Codes
import Foundation
import TestSupport
import Testing

@Suite struct QRCodeTests {
    /// ISO/IEC 18004 Annex I: "01234567" at version 1-M gives these data and error-correction codewords.
    @Test func theStandardsWorkedExample() throws {
        let code = try QRCode(text: "01234567", errorCorrection: .medium)
        #expect(code.version == 1)
        #expect(code.mode == .numeric)
        let codewords = try QRCode.codewords(text: "01234567", errorCorrection: .medium)
        #expect(codewords == [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11,
                              0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }

    @Test func picksTheSmallestVersionAndModeThatFit() throws {
        #expect(try QRCode(text: "HELLO WORLD", errorCorrection: .quartile).version == 1)
        #expect(try QRCode(text: "HELLO WORLD").mode == .alphanumeric)
        #expect(try QRCode(text: "https://sentinel.example/c/abc").mode == .byte)
        // Version 40-L holds 2,953 bytes; one more does not fit.
        #expect(try QRCode(bytes: Array(repeating: 0x61, count: 2953), errorCorrection: .low).version == 40)
        #expect(throws: QRCode.EncodingError.dataTooLong(bytes: 2954, level: "L")) {
            try QRCode(bytes: Array(repeating: 0x61, count: 2954), errorCorrection: .low)
        }
    }

    static let versions = [1, 2, 3, 5, 7, 9, 10, 14, 20, 26, 27, 33, 40]

    /// zbarimg (which we did not write) reads back what we encode, across versions, levels, masks and modes.
    @Test(.enabled(if: ExternalTool.required("zbarimg")), arguments: versions)
    func zbarReadsEveryLevelAtVersion(version: Int) throws {
        for (i, level) in QRCode.ErrorCorrection.allCases.enumerated() {
            // Short enough for version 1-H, so `minimumVersion` decides the version.
            let payloads = ["c/\(version)\(level.rawValue)x", "S \(version) \(level.rawValue):", "0123456789\(version)"]
            let payload = payloads[(version + i) % payloads.count]
            let code = try QRCode(text: payload, errorCorrection: level, minimumVersion: version)
            #expect(code.version == version)
            #expect(try ExternalTool.zbar(png: code.png(moduleSize: 3)) == [payload], "version \(version) \(level) mask \(code.mask)")
        }
    }

    @Test(.enabled(if: ExternalTool.required("zbarimg")), arguments: 0..<8)
    func zbarReadsEachMask(mask: Int) throws {
        let payload = "Nguyễn Văn An — Phường Trảng Dài, Biên Hòa (mặt nạ \(mask))"
        let code = try QRCode(text: payload, errorCorrection: .quartile, minimumVersion: 4, mask: mask)
        #expect(code.mask == mask)
        #expect(try ExternalTool.zbar(png: code.png(moduleSize: 4)) == [payload])
    }

    @Test(.enabled(if: ExternalTool.required("zbarimg")))
    func zbarReadsALongVietnameseText() throws {
        let payload = String(repeating: "Sở Y tế Đồng Nai — khai báo y tế điện tử. ", count: 30)
        let code = try QRCode(text: payload, errorCorrection: .low)
        #expect(code.version > 20)
        #expect(try ExternalTool.zbar(png: code.png(moduleSize: 3)) == [payload])
    }

    /// Python's `qrcode` (lincolnloop), an independent encoder, builds the same matrix for the same version, level,
    /// mode and mask. (segno was tried first: it adds a whole zero codeword after a byte-aligned terminator, which
    /// is legal but not the standard's padding, so its byte-mode matrices differ from the standard's.)
    @Test(.enabled(if: ExternalTool.pythonHas("qrcode") || ProcessInfo.processInfo.environment["CI"] != nil),
          arguments: [(1, "M", 0, "01234567"), (3, "H", 5, "HELLO SENTINEL"), (7, "Q", 2, "https://sentinel.example/c/tok"),
                      (12, "L", 7, "Trần Thị Bích Ngọc, 1987"), (25, "M", 3, String(repeating: "X", count: 300))])
    func segnoBuildsTheSameMatrix(version: Int, level: String, mask: Int, text: String) throws {
        let ours = try QRCode(text: text, errorCorrection: QRCode.ErrorCorrection(rawValue: level)!, minimumVersion: version, mask: mask)
        let script = """
            import sys, qrcode, qrcode.util as u, qrcode.constants as c
            data = sys.stdin.buffer.read()
            mode = {'numeric': u.MODE_NUMBER, 'alphanumeric': u.MODE_ALPHA_NUM, 'byte': u.MODE_8BIT_BYTE}[sys.argv[4]]
            level = {'L': c.ERROR_CORRECT_L, 'M': c.ERROR_CORRECT_M, 'Q': c.ERROR_CORRECT_Q, 'H': c.ERROR_CORRECT_H}[sys.argv[2]]
            q = qrcode.QRCode(version=int(sys.argv[1]), error_correction=level, border=0, mask_pattern=int(sys.argv[3]))
            q.add_data(u.QRData(data, mode=mode))
            q.make(fit=False)
            for row in q.get_matrix():
                print(''.join('1' if v else '0' for v in row))
            """
        let mode = ours.mode == .numeric ? "numeric" : ours.mode == .alphanumeric ? "alphanumeric" : "byte"
        let result = try ExternalTool.run("python3", ["-c", script, String(version), level, String(mask), mode], stdin: Data(text.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        let theirs = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        let mine = (0..<ours.size).map { y in String((0..<ours.size).map { ours.isDark(x: $0, y: y) ? "1" : "0" }) }
        #expect(mine == theirs)
    }

    @Test func svgHasTheQuietZoneAndEscapesTheTitle() throws {
        let code = try QRCode(text: "A")
        let svg = code.svg(moduleSize: 4, title: "<Chợ> & \"Trảng Dài\"")
        let full = code.size + 8
        #expect(svg.contains("viewBox=\"0 0 \(full) \(full)\""))
        #expect(svg.contains("<title>&lt;Chợ&gt; &amp; &quot;Trảng Dài&quot;</title>"))
    }

    @Test func pngStartsWithTheSignatureAndHasValidChunkCRCs() throws {
        let png = try QRCode(text: "check").png(moduleSize: 2)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var offset = 8
        var types: [String] = []
        while offset < png.count {
            let length = Int(png[offset]) << 24 | Int(png[offset + 1]) << 16 | Int(png[offset + 2]) << 8 | Int(png[offset + 3])
            let typeAndData = Array(png[(offset + 4)..<(offset + 8 + length)])
            let crc = png[(offset + 8 + length)..<(offset + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(CRC32.checksum(typeAndData) == crc)
            types.append(String(decoding: typeAndData.prefix(4), as: UTF8.self))
            offset += 12 + length
        }
        #expect(types == ["IHDR", "IDAT", "IEND"])
        #expect(CRC32.checksum(Array("IEND".utf8)) == 0xAE42_6082)
    }
}

@Suite struct Code128Tests {
    @Test(.enabled(if: ExternalTool.required("zbarimg")),
          arguments: ["TUBE-000123", "12345678", "A1B2C3", "DN75-2021-0000042", "9", "x", "ab 12345 cd 6"])
    func zbarReadsIt(text: String) throws {
        let code = try Code128(text)
        #expect(try ExternalTool.zbar(png: code.png(moduleWidth: 2, height: 40)) == [text])
    }

    @Test func usesCodeSetCForDigitsAndComputesTheCheck() throws {
        // Start C, 12, 34, 56, check, stop: (105 + 1·12 + 2·34 + 3·56) mod 103 = 353 mod 103 = 44.
        #expect(try Code128("123456").symbols == [105, 12, 34, 56, 44, 106])
        #expect(throws: Code128.EncodingError.unsupportedCharacter("ễ")) { try Code128("Nguyễn") }
        #expect(throws: Code128.EncodingError.empty) { try Code128("") }
    }
}
