import ArgumentParser
@preconcurrency import Crypto
import Foundation
import HealthCertificates

/// `sentinel bench-certificates`: issuing and verifying in process, each beside the bare swift-crypto P-256
/// operation it is built on, in the same run (docs/performance.md). Hidden: a measuring tool, not an operation.
struct BenchCertificatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-certificates", shouldDisplay: false)

    @Option(help: "Key directory (made if empty).") var keys = "/tmp/sentinel-bench-keys"
    @Option(help: "Operations per measurement.") var count = 5000
    @Option(help: "Measurements; the median is reported.") var rounds = 5
    @Option(help: "Write one issued HC1 text here (for the HTTP benchmark).") var sample: String?
    @Flag(help: "Also time each stage of the pipeline.") var stages = false

    func run() throws {
        let store = KeyStore(directory: URL(fileURLWithPath: keys))
        if !store.isInitialised { try store.initialise() }
        let (signer, key) = try store.currentSigner()
        let issuer = try DCCIssuer(signer: signer, key: key)
        let payload = DCCPayload.payload(
            person: .init(surname: "Nguyễn", givenNames: "Thị Ngọc Ánh", dateOfBirth: "1987-03-09"), kind: .test,
            entry: DCCPayload.testEntry(type: "LP6464-4", name: "RT-PCR", device: nil, sampledAt: Date(), result: "260415000",
                                        centre: "CDC Đồng Nai", issuer: "Sở Y tế Đồng Nai", uvci: UVCI.random()))
        let now = Date()
        let text = try issuer.issue(payload: payload, issuedAt: now, expiresAt: now.addingTimeInterval(86400))
        if let sample { try Data(text.utf8).write(to: URL(fileURLWithPath: sample)) }
        let verifier = DCCVerifier(trust: try store.trustList())
        precondition(verifier.verify(text).valid)

        // The bare operations sign and verify a message of the same size as the COSE Sig_structure.
        let message = Data(repeating: 0x5A, count: COSESign1.toBeSigned(protectedBytes: [0xA2, 1, 0x26, 4, 0x48] + signer.keyID,
                                                                         payload: DCCPayload.claims(payload: payload, issuer: "VN", issuedAt: now,
                                                                                                    expiresAt: now).encoded()).count)
        let signature = try key.signature(for: SHA256.hash(data: message))
        let publicKey = key.publicKey

        func once(_ body: () throws -> Void) rethrows -> Double {
            let start = ContinuousClock.now
            for _ in 0..<count { try body() }
            let elapsed = ContinuousClock.now - start
            return Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        func rate(_ body: () throws -> Void) rethrows -> Double {
            var rates: [Double] = []
            for _ in 0..<rounds { rates.append(try once(body)) }
            return rates.sorted()[rates.count / 2]
        }
        // Each pipeline is timed in the same round as its bare operation, alternately, and the ratio is the median of
        // the rounds' ratios: on a shared machine the speed drifts between phases more than between neighbours.
        func paired(_ bare: () throws -> Void, _ ours: () throws -> Void) rethrows -> (bare: Double, ours: Double, ratio: Double) {
            var pairs: [(bare: Double, ours: Double)] = []
            for _ in 0..<rounds {
                let b = try once(bare), o = try once(ours)
                pairs.append((b, o))
            }
            func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
            return (median(pairs.map(\.bare)), median(pairs.map(\.ours)), median(pairs.map { $0.ours / $0.bare }))
        }
        let signing = try paired({ _ = try key.signature(for: SHA256.hash(data: message)) },
                                 { _ = try issuer.issue(payload: payload, issuedAt: now, expiresAt: now.addingTimeInterval(86400)) })
        let verifying = paired({ precondition(publicKey.isValidSignature(signature, for: SHA256.hash(data: message))) },
                               { precondition(verifier.verify(text, at: now).valid) })
        print(String(format: "bare P-256 sign      %9.0f /s", signing.bare))
        print(String(format: "issue (payload→HC1)  %9.0f /s   %.2f× bare sign (median of %d paired rounds)", signing.ours, signing.ratio, rounds))
        print(String(format: "bare P-256 verify    %9.0f /s", verifying.bare))
        print(String(format: "verify (HC1→result)  %9.0f /s   %.2f× bare verify (median of %d paired rounds)", verifying.ours, verifying.ratio, rounds))
        print("HC1 text: \(text.count) characters")
        if stages {
            // Where the time goes, stage by stage (microseconds per operation).
            let claims = DCCPayload.claims(payload: payload, issuer: "VN", issuedAt: now, expiresAt: now).encoded()
            let cose = try COSESign1.signES256(payload: claims, keyID: signer.keyID, key: key)
            let compressed = Zlib.compress(cose)
            let base45 = Base45.encode(compressed)
            let stagesToTime: [(String, () throws -> Void)] = [
                ("schema check", { _ = DCCSchema.bundled.violations(of: payload) }),
                ("value-set check", { _ = ValueSets.bundled.unknownCodes(in: payload) }),
                ("CBOR encode claims", { _ = DCCPayload.claims(payload: payload, issuer: "VN", issuedAt: now, expiresAt: now).encoded() }),
                ("CBOR decode claims", { _ = try CBORDecoder.decode(claims) }),
                ("zlib compress", { _ = Zlib.compress(cose) }),
                ("zlib decompress", { _ = try Zlib.decompress(compressed) }),
                ("Base45 encode", { _ = Base45.encode(compressed) }),
                ("Base45 decode", { _ = try Base45.decode(base45) }),
                ("COSE parse", { _ = try COSESign1.parse(cose) }),
                ("COSE sign (ES256)", { _ = try COSESign1.signES256(payload: claims, keyID: signer.keyID, key: key) }),
                ("issue, no schema", { _ = try issuer.issue(payload: payload, issuedAt: now, expiresAt: now.addingTimeInterval(86400), validate: false) }),
            ]
            for (name, body) in stagesToTime {
                let perSecond = try rate(body)
                print(String(format: "  %-20@ %7.1f µs", name, 1e6 / perSecond))
            }
        }
    }
}
