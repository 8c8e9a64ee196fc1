import Foundation

/// How a candidate's evidence is kept in `trace_candidates.evidence`: a JSON array of number arrays,
/// `[[venueId, indexFrom, indexTo, contactFrom, contactTo, from, to], …]` with instants as seconds since 1970.
///
/// Why not `JSONEncoder` on `[Evidence]`: a factory worker's run has tens of thousands of candidates with a score of
/// shared shifts each; keyed objects made one run 74 MB in the database and their encoding cost 90 µs a candidate
/// (docs/performance.md). The arrays carry the same numbers in about 60 % of the bytes (that run: 74.5 → 46.5 MB), written and read here
/// without a generic coder. Runs stored before this format (keyed objects) are still read, through `JSONDecoder`.
public enum EvidenceCodec {
    public static func encode(_ evidence: [Evidence]) -> String {
        var text = "["
        text.reserveCapacity(evidence.count * 96 + 2)
        for (i, e) in evidence.enumerated() {
            if i > 0 { text += "," }
            text += "[" + String(e.venueId)
            for instant in [e.indexFrom, e.indexTo, e.contactFrom, e.contactTo, e.from, e.to] {
                text += ","
                text += number(instant.timeIntervalSince1970)
            }
            text += "]"
        }
        return text + "]"
    }

    /// Whole seconds without a fraction; others in Swift's shortest form that reads back to the same Double.
    static func number(_ seconds: Double) -> String {
        if seconds == seconds.rounded(), abs(seconds) < 1e15 { return String(Int64(seconds)) }
        return String(seconds)
    }

    public static func decode(_ text: String) throws -> [Evidence] {
        var bytes = Array(text.utf8)
        if bytes.count >= 2, bytes[0] == UInt8(ascii: "["), bytes.dropFirst().first(where: { $0 != UInt8(ascii: " ") }) == UInt8(ascii: "{") {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .secondsSince1970
            return try decoder.decode([Evidence].self, from: Data(bytes))
        }
        bytes.append(0)  // a terminator for strtod
        var reader = NumberReader(bytes: bytes)
        var result: [Evidence] = []
        try reader.expect("[")
        if try reader.peek() == UInt8(ascii: "]") { return result }
        repeat {
            try reader.expect("[")
            var values: [Double] = []
            values.reserveCapacity(7)
            repeat { values.append(try reader.number()) } while try reader.comma(orEnd: "]")
            guard values.count == 7, let venue = Int64(exactly: values[0]) else { throw MalformedEvidence(text: text) }
            let instant = { Date(timeIntervalSince1970: values[$0]) }
            result.append(Evidence(venueId: venue, indexFrom: instant(1), indexTo: instant(2), contactFrom: instant(3), contactTo: instant(4),
                                   from: instant(5), to: instant(6)))
        } while try reader.comma(orEnd: "]")
        guard reader.atEnd else { throw MalformedEvidence(text: text) }
        return result
    }

    /// A cursor over `[`, `]`, `,` and numbers — all this format holds.
    struct NumberReader {
        let bytes: [UInt8]
        var at = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { at == bytes.count - 1 }

        mutating func peek() throws -> UInt8 {
            guard at < bytes.count - 1 else { throw MalformedEvidence(text: "") }
            return bytes[at]
        }

        mutating func expect(_ character: Unicode.Scalar) throws {
            guard try peek() == UInt8(ascii: character) else { throw MalformedEvidence(text: "") }
            at += 1
        }

        /// Past a comma: true; past the closing `end`: false.
        mutating func comma(orEnd end: Unicode.Scalar) throws -> Bool {
            let byte = try peek()
            at += 1
            if byte == UInt8(ascii: ",") { return true }
            if byte == UInt8(ascii: end) { return false }
            throw MalformedEvidence(text: "")
        }

        mutating func number() throws -> Double {
            try bytes.withUnsafeBufferPointer { buffer in
                let start = UnsafeMutableRawPointer(mutating: buffer.baseAddress! + at).assumingMemoryBound(to: CChar.self)
                var end: UnsafeMutablePointer<CChar>?
                let value = strtod(start, &end)
                guard let end, end != start else { throw MalformedEvidence(text: "") }
                at += end - start
                guard value.isFinite else { throw MalformedEvidence(text: "") }
                return value
            }
        }
    }
}

public struct MalformedEvidence: Error, CustomStringConvertible {
    public let text: String
    public var description: String { "stored tracing evidence is not readable: \(text.prefix(80))" }
}
