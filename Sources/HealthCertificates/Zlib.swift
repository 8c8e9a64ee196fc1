import CompressNIO
import NIOCore

/// The zlib container (RFC 1950) around DEFLATE, as the DCC pipeline needs it: compression when issuing (written in
/// the project), and a capped, checked decompression when verifying (compress-nio; a QR code is untrusted input, and
/// 64 KB is far above any real DCC).
public enum Zlib {
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case notZlib
        case corrupt
        case tooLarge(limit: Int)

        public var description: String {
            switch self {
            case .notZlib: "the data is not a zlib stream"
            case .corrupt: "the zlib stream is broken or truncated"
            case .tooLarge(let limit): "the zlib stream expands beyond \(limit) bytes"
            }
        }
    }

    public static let defaultLimit = 64 * 1024

    /// A zlib stream of `bytes`, compressed by the project's fixed-Huffman DEFLATE (`FixedHuffmanDeflate`: on a
    /// certificate-sized input zlib's own per-stream work cost as much as the rest of issuing but the signature).
    public static func compress(_ bytes: [UInt8]) -> [UInt8] {
        FixedHuffmanDeflate.zlib(bytes)
    }

    public static func decompress(_ bytes: [UInt8], limit: Int = defaultLimit) throws(Failure) -> [UInt8] {
        // RFC 1950 header: CM 8 (deflate), CINFO ≤ 7, FCHECK makes the first two bytes a multiple of 31, no preset
        // dictionary. Checking it first gives "not compressed" its own answer (test vector Z2).
        guard bytes.count >= 6, bytes[0] & 0x0F == 8, bytes[0] >> 4 <= 7, (UInt16(bytes[0]) << 8 | UInt16(bytes[1])) % 31 == 0,
              bytes[1] & 0x20 == 0
        else { throw .notZlib }
        var input = ByteBuffer(bytes: bytes)
        var output: ByteBuffer
        do {
            output = try input.decompress(with: .zlib(), maxSize: limit)
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw .tooLarge(limit: limit)
        } catch {
            throw .corrupt
        }
        let result = output.readBytes(length: output.readableBytes) ?? []
        // compress-nio returns what it inflated when the input runs out early; the Adler-32 trailer tells a
        // complete stream from a truncated one (and catches bytes after the end).
        let trailer = bytes.suffix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard input.readableBytes == 0 else { throw .corrupt }
        guard trailer == adler32(result) else { throw .corrupt }
        return result
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        var index = 0
        while index < bytes.count {
            let end = min(index + 5552, bytes.count)  // the largest run before b can overflow 32 bits
            while index < end { a &+= UInt32(bytes[index]); b &+= a; index += 1 }
            a %= 65521; b %= 65521
        }
        return b << 16 | a
    }
}
