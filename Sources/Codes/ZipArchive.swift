/// A ZIP archive (PKWARE APPNOTE 6.3) of stored, uncompressed entries: what an XLSX file needs, without a
/// compressor. Office documents are small; readers accept stored entries.
public struct ZipArchive {
    private var data: [UInt8] = []
    private var central: [UInt8] = []
    private var count = 0

    public init() {}

    public mutating func add(_ name: String, _ content: [UInt8]) {
        let nameBytes = Array(name.utf8)
        let crc = CRC32.checksum(content)
        let offset = UInt32(data.count)
        // Local file header.
        data.appendLE32(0x0403_4B50)
        data.appendLE16(20); data.appendLE16(0x0800)  // version 2.0; flag: names are UTF-8
        data.appendLE16(0)  // stored
        data.appendLE16(0); data.appendLE16(0x21)  // time 00:00, date 1980-01-01: a fixed stamp keeps output reproducible
        data.appendLE32(crc); data.appendLE32(UInt32(content.count)); data.appendLE32(UInt32(content.count))
        data.appendLE16(UInt16(nameBytes.count)); data.appendLE16(0)
        data += nameBytes
        data += content
        // Central directory entry.
        central.appendLE32(0x0201_4B50)
        central.appendLE16(20); central.appendLE16(20); central.appendLE16(0x0800); central.appendLE16(0)
        central.appendLE16(0); central.appendLE16(0x21)
        central.appendLE32(crc); central.appendLE32(UInt32(content.count)); central.appendLE32(UInt32(content.count))
        central.appendLE16(UInt16(nameBytes.count)); central.appendLE16(0); central.appendLE16(0)
        central.appendLE16(0); central.appendLE16(0); central.appendLE32(0)
        central.appendLE32(offset)
        central += nameBytes
        count += 1
    }

    public func bytes() -> [UInt8] {
        var out = data + central
        out.appendLE32(0x0605_4B50)
        out.appendLE16(0); out.appendLE16(0)
        out.appendLE16(UInt16(count)); out.appendLE16(UInt16(count))
        out.appendLE32(UInt32(central.count)); out.appendLE32(UInt32(data.count))
        out.appendLE16(0)
        return out
    }
}

extension Array where Element == UInt8 {
    mutating func appendLE16(_ v: UInt16) { append(UInt8(v & 0xFF)); append(UInt8(v >> 8)) }
    mutating func appendLE32(_ v: UInt32) { for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((v >> UInt32(shift)) & 0xFF)) } }
}
