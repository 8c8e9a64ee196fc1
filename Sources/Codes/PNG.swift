import CompressNIO
import NIOCore

/// A minimal PNG writer for black-and-white images (1 bit per pixel, greyscale), written by the project:
/// chunks with CRC-32, image data compressed with zlib through compress-nio.
public enum PNG {
    public enum Failure: Error { case compression(String) }

    /// `pixel(x, y)` is true for black.
    public static func encode(width: Int, height: Int, pixel: (Int, Int) -> Bool) throws -> [UInt8] {
        precondition(width > 0 && height > 0)
        let rowBytes = (width + 7) / 8
        var raw = ByteBuffer()
        raw.reserveCapacity((rowBytes + 1) * height)
        var row = [UInt8](repeating: 0, count: rowBytes)
        for y in 0..<height {
            for i in row.indices { row[i] = 0xFF }  // white
            for x in 0..<width where pixel(x, y) { row[x >> 3] &= ~(0x80 >> UInt8(x & 7)) }
            raw.writeInteger(UInt8(0))  // filter: none
            raw.writeBytes(row)
        }
        let compressed: ByteBuffer
        do {
            compressed = try raw.compress(with: .zlib(configuration: .init(windowSize: 15, compressionLevel: 9)))
        } catch {
            throw Failure.compression(String(describing: error))
        }

        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header += [1, 0, 0, 0, 0]  // bit depth 1, greyscale, deflate, adaptive filtering, no interlace
        chunk("IHDR", header, into: &out)
        chunk("IDAT", Array(compressed.readableBytesView), into: &out)
        chunk("IEND", [], into: &out)
        return out
    }

    static func chunk(_ type: String, _ data: [UInt8], into out: inout [UInt8]) {
        out.appendBigEndian(UInt32(data.count))
        let typeAndData = Array(type.utf8) + data
        out += typeAndData
        out.appendBigEndian(CRC32.checksum(typeAndData))
    }
}

/// CRC-32 (ISO 3309, polynomial 0xEDB88320 reflected), as PNG and zlib's gzip use it.
public enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 { update(0, bytes) }

    /// The checksum of everything so far (`crc`, 0 to begin) followed by `bytes`: content checked piece by piece.
    public static func update(_ crc: UInt32, _ bytes: some Sequence<UInt8>) -> UInt32 {
        var c = crc ^ 0xFFFF_FFFF
        table.withUnsafeBufferPointer { t in
            for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        }
        return c ^ 0xFFFF_FFFF
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian(_ value: UInt32) {
        append(UInt8(value >> 24)); append(UInt8((value >> 16) & 0xFF)); append(UInt8((value >> 8) & 0xFF)); append(UInt8(value & 0xFF))
    }
}
