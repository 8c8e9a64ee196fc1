import CompressNIO
import NIOCore

/// A ZIP archive (PKWARE APPNOTE 6.3) built in memory of stored, uncompressed entries: what a small XLSX file needs.
/// Office documents are small; readers accept stored entries.
public struct ZipArchive {
    private var writer = ZipWriter()
    private var data: [UInt8] = []

    public init() {}

    public mutating func add(_ name: String, _ content: [UInt8]) { data += writer.stored(name, content) }

    public func bytes() -> [UInt8] {
        var copy = writer
        return data + copy.finish()
    }
}

/// Writes a ZIP archive front to back, returning each piece's bytes for the caller to send, so an archive of any size
/// streams without being held: stored entries whole, and one deflated entry at a time whose sizes and CRC follow its
/// data (a data descriptor, flag bit 3). Offsets and sizes are 32-bit: an archive past 4 GiB is refused.
public struct ZipWriter {
    public struct TooLarge: Error {}

    private var central: [UInt8] = []
    private var count = 0
    private var offset: UInt64 = 0
    private var open: (name: [UInt8], start: UInt64)?

    public init() {}

    /// A whole stored entry: its local header and content.
    public mutating func stored(_ name: String, _ content: [UInt8]) -> [UInt8] {
        let nameBytes = Array(name.utf8)
        let crc = CRC32.checksum(content)
        let start = offset
        var out = Self.localHeader(nameBytes, method: 0, flags: 0x0800, crc: crc, compressed: UInt32(content.count), size: UInt32(content.count))
        out += content
        record(nameBytes, method: 0, flags: 0x0800, crc: crc, compressed: UInt32(content.count), size: UInt32(content.count), at: start)
        offset += UInt64(out.count)
        return out
    }

    /// Starts a deflated entry: its local header, sizes left to the descriptor. The caller then sends the raw DEFLATE
    /// bytes of its content, then `endDeflated`.
    public mutating func beginDeflated(_ name: String) -> [UInt8] {
        precondition(open == nil, "one entry at a time")
        let nameBytes = Array(name.utf8)
        let out = Self.localHeader(nameBytes, method: 8, flags: 0x0808, crc: 0, compressed: 0, size: 0)
        open = (nameBytes, offset)
        offset += UInt64(out.count)
        return out
    }

    /// Ends the open deflated entry: `compressed` bytes were sent for `size` bytes of content with `crc`.
    public mutating func endDeflated(crc: UInt32, compressed: UInt64, size: UInt64) throws -> [UInt8] {
        guard let entry = open else { preconditionFailure("no open entry") }
        offset += compressed
        guard compressed <= UInt64(UInt32.max), size <= UInt64(UInt32.max), offset < UInt64(UInt32.max) else { throw TooLarge() }
        var out: [UInt8] = []
        out.appendLE32(0x0807_4B50)
        out.appendLE32(crc); out.appendLE32(UInt32(compressed)); out.appendLE32(UInt32(size))
        record(entry.name, method: 8, flags: 0x0808, crc: crc, compressed: UInt32(compressed), size: UInt32(size), at: entry.start)
        offset += UInt64(out.count)
        open = nil
        return out
    }

    /// The central directory and its end record.
    public mutating func finish() -> [UInt8] {
        var out = central
        out.appendLE32(0x0605_4B50)
        out.appendLE16(0); out.appendLE16(0)
        out.appendLE16(UInt16(count)); out.appendLE16(UInt16(count))
        out.appendLE32(UInt32(central.count)); out.appendLE32(UInt32(offset))
        out.appendLE16(0)
        return out
    }

    static func localHeader(_ name: [UInt8], method: UInt16, flags: UInt16, crc: UInt32, compressed: UInt32, size: UInt32) -> [UInt8] {
        var out: [UInt8] = []
        out.appendLE32(0x0403_4B50)
        out.appendLE16(20); out.appendLE16(flags)  // version 2.0; bit 11: names are UTF-8; bit 3: sizes follow the data
        out.appendLE16(method)
        out.appendLE16(0); out.appendLE16(0x21)  // time 00:00, date 1980-01-01: a fixed stamp keeps output reproducible
        out.appendLE32(crc); out.appendLE32(compressed); out.appendLE32(size)
        out.appendLE16(UInt16(name.count)); out.appendLE16(0)
        out += name
        return out
    }

    private mutating func record(_ name: [UInt8], method: UInt16, flags: UInt16, crc: UInt32, compressed: UInt32, size: UInt32, at start: UInt64) {
        central.appendLE32(0x0201_4B50)
        central.appendLE16(20); central.appendLE16(20); central.appendLE16(flags); central.appendLE16(method)
        central.appendLE16(0); central.appendLE16(0x21)
        central.appendLE32(crc); central.appendLE32(compressed); central.appendLE32(size)
        central.appendLE16(UInt16(name.count)); central.appendLE16(0); central.appendLE16(0)
        central.appendLE16(0); central.appendLE16(0); central.appendLE32(0)
        central.appendLE32(UInt32(start))
        central += name
        count += 1
    }
}

extension Array where Element == UInt8 {
    mutating func appendLE16(_ v: UInt16) { append(UInt8(v & 0xFF)); append(UInt8(v >> 8)) }
    mutating func appendLE32(_ v: UInt32) { for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((v >> UInt32(shift)) & 0xFF)) } }
}
