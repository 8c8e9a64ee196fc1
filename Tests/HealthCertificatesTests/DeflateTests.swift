import CompressNIO
import Foundation
import HealthCertificates
import NIOCore
import TestSupport
import Testing

/// zlib itself (through compress-nio), level 9: the reference the project's fixed-Huffman compressor is measured
/// against, and the maker of real zlib bombs for the decompression tests.
enum ReferenceZlib {
    static func compress(_ bytes: [UInt8]) throws -> [UInt8] {
        let compressor = CompressionAlgorithm.zlib(configuration: .init(windowSize: 15, compressionLevel: 9)).compressor
        try compressor.startStream()
        defer { try? compressor.finishStream() }
        var input = ByteBuffer(bytes: bytes)
        var output = ByteBuffer()
        output.reserveCapacity(compressor.maxSize(from: input))
        try compressor.streamDeflate(from: &input, to: &output, flush: .finish)
        return output.readBytes(length: output.readableBytes) ?? []
    }
}

@Suite struct FixedHuffmanDeflateTests {
    /// Inputs of every kind the LZ77 search meets: empty, shorter than a match, random (no matches), a small
    /// alphabet (many short matches), long runs (matches of 258 at distance 1), a repeated phrase, text.
    static func samples() -> [[UInt8]] {
        var random = SystemRandomNumberGenerator()
        var out: [[UInt8]] = [[], [7], [1, 2], [0, 0, 0], [1, 2, 3, 1, 2, 3, 1, 2, 3]]
        for size in [10, 100, 257, 258, 259, 1000, 4000, 40_000] {
            out.append((0..<size).map { _ in UInt8.random(in: 0...255, using: &random) })
            out.append((0..<size).map { _ in UInt8.random(in: 65...68, using: &random) })
            out.append([UInt8](repeating: 0x41, count: size))
            out.append((0..<size).map { UInt8(truncatingIfNeeded: $0 % 37) })
        }
        out.append(Array(String(repeating: "Sở Y tế Đồng Nai — giấy chứng nhận xét nghiệm. ", count: 40).utf8))
        // Repeats farther apart than the 32 KiB window, and just inside it.
        let block = (0..<20_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        out.append(block + (0..<15_000).map { _ in UInt8.random(in: 0...255, using: &random) } + block)
        out.append(block + block + block)
        for vector in PublicVectorTests.vectors { if let cose = vector.bytes("COSE") { out.append(cose) } }
        return out
    }

    @Test func compressNIOInflatesWhatWeCompress() throws {
        for sample in Self.samples() {
            #expect(try Zlib.decompress(Zlib.compress(sample), limit: 1 << 20) == sample, "\(sample.count) bytes")
        }
    }

    /// Python's zlib (which we did not write) reads every stream back to its input.
    @Test func pythonZlibInflatesWhatWeCompress() throws {
        let samples = Self.samples()
        let lines = samples.map { hexString(Zlib.compress($0)) }.joined(separator: "\n") + "\n"
        // All input is read before any output is written: the pipes are not drained while we write (a deadlock else).
        let script = "import sys, zlib\nlines = sys.stdin.read().split()\nfor line in lines:\n    print(zlib.decompress(bytes.fromhex(line)).hex())\n"
        let run = try ExternalTool.run("python3", ["-c", script], stdin: Data(lines.utf8))
        #expect(run.status == 0, "\(run.stderr)")
        let answers = String(decoding: run.stdout, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(answers.count == samples.count)
        for (sample, answer) in zip(samples, answers) { #expect(String(answer) == hexString(sample), "\(sample.count) bytes") }
    }

    /// What the fixed codes cost in size: on the public DCC vectors' COSE structures, a few bytes over zlib's level 9
    /// on average (which sends Huffman trees fitted to each input), and never far over.
    @Test func certificatesStayNearZlibsSize() throws {
        let coses = PublicVectorTests.vectors.compactMap { $0.bytes("COSE") }
        try #require(coses.count >= 20)
        var excess: [Int] = []
        for cose in coses { excess.append(Zlib.compress(cose).count - (try ReferenceZlib.compress(cose)).count) }
        let mean = Double(excess.reduce(0, +)) / Double(excess.count)
        #expect(mean <= 8, "mean excess \(mean) bytes over zlib -9: \(excess)")
        #expect(excess.max()! <= 32, "\(excess)")
    }

    /// Compression does something: long runs and repeats shrink as LZ77 should, random bytes grow only by the
    /// fixed codes' cost (9 bits for bytes ≥ 144) and the container.
    @Test func ratios() {
        #expect(Zlib.compress([UInt8](repeating: 0, count: 100_000)).count < 700)  // 258-byte matches at 13 bits each
        let random = (0..<10_000).map { _ in UInt8.random(in: 0...255) }
        #expect(Zlib.compress(random).count < 10_000 * 9 / 8 + 16)
        #expect(Zlib.compress(random + random).count < 10_000 * 9 / 8 + 200)
    }
}
