import CompressNIO
import NIOCore

/// A one-sheet XLSX workbook written as its rows arrive: the fixed parts first, then the sheet as one deflated ZIP entry
/// fed page by page, then the directory. Nothing but the current page and zlib's window is held, so a million-row
/// list streams in bounded memory. A sheet holds 1,048,576 rows: rows past that are dropped and counted, and the last
/// row says so (the CSV of the same list has them all).
/// Not Sendable: one export task owns it from `start` to `finish`.
public final class XLSXStream {
    private var zip = ZipWriter()
    private let compressor: NIOCompressor
    private let header: [String]
    private let sheet: String
    private let capacity: Int
    private var rowNumber = 0
    private var crc: UInt32 = 0
    private var size: UInt64 = 0
    private var compressed: UInt64 = 0
    public private(set) var dropped = 0

    /// `capacity`: rows the sheet may hold, the header's included (a smaller one in tests).
    public init(sheet: String, header: [String], capacity: Int = Spreadsheet.maxRows) throws {
        self.sheet = sheet
        self.header = header
        self.capacity = max(3, capacity)
        // Level 1: a district's day of check-ins streams at ~58,000 rows/s instead of ~47,000 at level 6, for a file
        // ~15 % larger (7 MB instead of 6 for 111,552 rows; docs/performance.md).
        compressor = CompressionAlgorithm.deflate(configuration: .init(windowSize: 15, compressionLevel: 1)).compressor
        try compressor.startStream()
    }

    /// The workbook's fixed parts, the sheet's local header, and the header row.
    public func start() throws -> [UInt8] {
        var out: [UInt8] = []
        for (name, content) in Spreadsheet.parts(sheet: sheet) { out += zip.stored(name, content) }
        out += zip.beginDeflated(Spreadsheet.sheetPath)
        var xml = Spreadsheet.sheetStart
        rowNumber = 1
        Spreadsheet.appendRow(header.map(Spreadsheet.Cell.text), number: 1, header: true, to: &xml)
        out += try deflate(xml, finish: false)
        return out
    }

    /// The compressed bytes of these rows (possibly few or none: zlib keeps a window until it has enough).
    public func append(_ rows: [[Spreadsheet.Cell]]) throws -> [UInt8] {
        var xml = ""
        xml.reserveCapacity(rows.count * 160)
        for row in rows {
            // The last row of a full sheet is kept for the note `finish` writes.
            guard rowNumber < capacity - 1 else { dropped += 1; continue }
            rowNumber += 1
            Spreadsheet.appendRow(row, number: rowNumber, header: false, to: &xml)
        }
        return xml.isEmpty ? [] : try deflate(xml, finish: false)
    }

    /// The rest of the sheet (with the note of dropped rows, if any), its data descriptor, and the ZIP directory.
    public func finish() throws -> [UInt8] {
        var xml = ""
        if dropped > 0 {
            Spreadsheet.appendRow([.text("… \(dropped) dòng nữa không vừa một trang tính (tối đa \(capacity) dòng): hãy tải bản CSV.")],
                                  number: rowNumber + 1, header: false, to: &xml)
        }
        xml += Spreadsheet.sheetEnd
        var out = try deflate(xml, finish: true)
        out += try zip.endDeflated(crc: crc, compressed: compressed, size: size)
        out += zip.finish()
        try compressor.finishStream()
        return out
    }

    private func deflate(_ xml: String, finish: Bool) throws -> [UInt8] {
        let bytes = Array(xml.utf8)
        crc = CRC32.update(crc, bytes)
        size += UInt64(bytes.count)
        var input = ByteBuffer(bytes: bytes)
        var out: [UInt8] = []
        // zlib may owe output for input it buffered earlier, beyond this input's bound: call again until it has taken
        // all the input (and, finishing, until the stream's end is written).
        while true {
            var output = ByteBuffer()
            output.reserveCapacity(max(65_536, compressor.maxSize(from: input) + 64))
            var more = false
            do {
                try compressor.streamDeflate(from: &input, to: &output, flush: finish ? .finish : .no)
                more = !finish && input.readableBytes > 0
            } catch let error as CompressNIOError where error == .bufferOverflow && finish {
                more = true
            }
            out += output.readBytes(length: output.readableBytes) ?? []
            if !more { break }
        }
        compressed += UInt64(out.count)
        return out
    }
}
