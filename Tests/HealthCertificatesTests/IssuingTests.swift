@preconcurrency import Crypto
import Codes
import Foundation
import HealthCertificates
import TestSupport
import Testing

/// Sentinel's own certificates, from key creation to a QR code, checked by things we did not write: Python's
/// base45 + zlib + cbor2 + cryptography + jsonschema, and zbarimg for the picture.
@Suite struct IssuingTests {
    static let schemaPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/testdata/dcc/schema/DCC.combined-schema.json").standardized.path
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Independent/verify_dcc.py").path

    static func temporaryStore() throws -> KeyStore {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-keys-\(UUID().uuidString)")
        return KeyStore(directory: dir)
    }

    static let person = DCCPayload.Person(surname: "Nguyễn", givenNames: "Thị Ngọc Ánh", dateOfBirth: "1987-03-09")

    static func payloads(uvci: () -> String) -> [CBOR] {
        [
            DCCPayload.payload(person: person, kind: .test, entry: DCCPayload.testEntry(
                type: "LP6464-4", name: "SARS-CoV-2 RT-PCR", device: nil, sampledAt: Date(timeIntervalSince1970: 1_700_000_000),
                result: "260415000", centre: "CDC Đồng Nai", issuer: "Sở Y tế Đồng Nai", uvci: uvci())),
            DCCPayload.payload(person: person, kind: .recovery, entry: DCCPayload.recoveryEntry(
                firstPositive: "2021-08-02", validFrom: "2021-08-13", validUntil: "2022-01-29", issuer: "Sở Y tế Đồng Nai", uvci: uvci())),
            DCCPayload.payload(person: person, kind: .vaccination, entry: DCCPayload.vaccinationEntry(
                prophylaxis: "1119305005", product: "EU/1/21/1529", manufacturer: "ORG-100001699", dose: 2, series: 2,
                date: "2021-09-15", issuer: "Sở Y tế Đồng Nai", uvci: uvci())),
        ]
    }

    @Test func keysAreCreatedPrivatelyAndRotate() throws {
        let store = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let first = try store.initialise()
        for name in ["csca.key.pem", "dsc-0001.key.pem"] {
            let mode = try FileManager.default.attributesOfItem(atPath: store.directory.appendingPathComponent(name).path)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600, "\(name)")
        }
        #expect(throws: KeyStore.Failure.alreadyInitialised(store.directory.path)) { try store.initialise() }
        #expect(first.allowedKinds == Set(CertificateKind.allCases))
        #expect(first.keyID == SignerCertificate.keyID(der: first.der))

        let issuer1 = try DCCIssuer(signer: first, key: store.currentSigner().1)
        let now = Date()
        let old = try issuer1.issue(payload: Self.payloads { UVCI.random() }[0], issuedAt: now, expiresAt: now.addingTimeInterval(86400))

        let second = try store.rotate(kinds: [.test])
        #expect(try store.currentSigner().0.keyID == second.keyID)
        #expect(second.allowedKinds == [.test])
        let trust = try store.trustList()
        #expect(trust.all.count == 2)
        // The retired signer no longer signs but what it signed still verifies.
        #expect(DCCVerifier(trust: trust).verify(old).valid)
        let issuer2 = try DCCIssuer(signer: second, key: store.currentSigner().1)
        #expect(throws: DCCIssuer.IssuingError.notAllowed(.recovery)) {
            try issuer2.issue(payload: Self.payloads { UVCI.random() }[1], issuedAt: now, expiresAt: now.addingTimeInterval(86400))
        }

        // A key file others can read is refused.
        let keyFile = store.directory.appendingPathComponent("dsc-0002.key.pem").path
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyFile)
        #expect(throws: KeyStore.Failure.unsafePermissions(keyFile)) { try store.currentSigner() }
    }

    /// Several servers (or test processes) starting at once on one empty directory: every one of them sees either
    /// no store or the whole one, and they all end up with the same signer. Before the store was staged and renamed,
    /// a reader could catch a key file between its creation and its chmod and refuse it (a CI failure on umask 022).
    @Test func startingManyAtOnceMakesOneCompleteStore() async throws {
        let store = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let signers = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try store.initialiseIfMissing()
                    return try store.currentSigner().0.keyID
                }
            }
            return try await group.reduce(into: Set<[UInt8]>()) { $0.insert($1) }
        }
        #expect(signers.count == 1, "the racing starts kept different signers")
        let names = try FileManager.default.contentsOfDirectory(atPath: store.directory.path).sorted()
        #expect(names == ["csca.cert.pem", "csca.key.pem", "dsc-0001.cert.pem", "dsc-0001.key.pem"])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.directory.deletingLastPathComponent().path)
            .filter { $0.hasPrefix(".\(store.directory.lastPathComponent).staging-") }
        #expect(leftovers.isEmpty, "staging directories left behind: \(leftovers)")
    }

    @Test func issuedCertificatesVerifyIndependently() throws {
        try #require(ExternalTool.pythonHas("cbor2") && ExternalTool.pythonHas("base45") && ExternalTool.pythonHas("jsonschema")
            || ProcessInfo.processInfo.environment["CI"] != nil, "python cbor2/base45/jsonschema not installed")
        let store = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let signer = try store.initialise()
        let issuer = try DCCIssuer(signer: signer, key: store.currentSigner().1)
        let now = Date()
        let payloads = Self.payloads { UVCI.random() }
        var lines = ""
        var texts: [String] = []
        for payload in payloads {
            let text = try issuer.issue(payload: payload, issuedAt: now, expiresAt: now.addingTimeInterval(365 * 86400))
            texts.append(text)
            // Our verifier agrees.
            let result = DCCVerifier(trust: TrustList([signer])).verify(text)
            #expect(result.valid, "\(result.reasons)")
            #expect(result.payload == payload)
            let request: [String: String] = ["qr": text, "certificate": Data(signer.der).base64EncodedString(), "schema": Self.schemaPath]
            lines += String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self) + "\n"
        }
        let run = try ExternalTool.run("python3", [Self.script], stdin: Data(lines.utf8))
        #expect(run.status == 0, "\(run.stderr)")
        let answers = String(decoding: run.stdout, as: UTF8.self).split(separator: "\n")
        #expect(answers.count == payloads.count)
        for (answer, payload) in zip(answers, payloads) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any])
            #expect(object["ok"] as? Bool == true, "\(object["reason"] ?? "")")
            #expect(object["kid_ok"] as? Bool == true)
            #expect(object["iss"] as? String == "VN")
            #expect(CBOR(json: object["payload"] ?? NSNull()) == payload)
            #expect((object["eku"] as? [String])?.count == 3)
            #expect((object["exp"] as? Int).map { $0 <= object["not_after"] as? Int ?? 0 } == true)
        }
        // The QR code we draw (alphanumeric mode, level Q) reads back to the exact text.
        if ExternalTool.required("zbarimg") {
            for text in texts {
                let code = try QRCode(text: text, errorCorrection: .quartile)
                #expect(code.mode == .alphanumeric)
                #expect(try ExternalTool.zbar(png: code.png(moduleSize: 4)) == [text])
            }
        }
    }

    /// Each failure has its own reason and nothing crashes.
    @Test func everyBadInputHasItsReason() throws {
        let store = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let signer = try store.initialise()
        let (_, key) = try store.currentSigner()
        let issuer = try DCCIssuer(signer: signer, key: key)
        let uvci = UVCI.random()
        let now = Date()
        let payload = Self.payloads { uvci }[0]
        let good = try issuer.issue(payload: payload, issuedAt: now, expiresAt: now.addingTimeInterval(86400))
        let verifier = DCCVerifier(trust: TrustList([signer]))
        func codes(_ text: String, at date: Date = now, with verifier: DCCVerifier = verifier) -> [DCCVerifier.ReasonCode] {
            verifier.verify(text, at: date).reasons.map(\.code)
        }
        #expect(codes(good) == [])
        #expect(codes(String(good.prefix(good.count / 2))).first.map { [.base45, .zlib].contains($0) } == true)  // truncated
        #expect(codes(good + String(repeating: "A", count: 4096)) == [.size])
        #expect(codes(good.lowercased().replacingOccurrences(of: "hc1:", with: "HC1:")) == [.base45])
        #expect(codes("HC2:" + good.dropFirst(4)) == [.prefix])
        #expect(codes(String(good.dropFirst(4))) == [.prefix])
        #expect(codes("HC1:" + Base45.encode(Array("garbage, not compressed".utf8))) == [.zlib])
        #expect(codes("HC1:" + Base45.encode(try ReferenceZlib.compress([UInt8](repeating: 0, count: 1_000_000)))) == [.zlib])
        let deep = Zlib.compress([UInt8](repeating: 0x81, count: 1000) + [0])
        #expect(codes("HC1:" + Base45.encode(deep)) == [.cose])
        #expect(verifier.verify("HC1:" + Base45.encode(deep)).reasons.first?.detail.contains("deeper") == true)
        // Expired; not yet valid (beyond the clock-skew tolerance, and within it).
        #expect(codes(good, at: now.addingTimeInterval(2 * 86400)) == [.expired])
        #expect(codes(good, at: now.addingTimeInterval(-3600)) == [.notYetValid])
        #expect(codes(good, at: now.addingTimeInterval(-120)) == [])
        // Revoked.
        #expect(codes(good, with: DCCVerifier(trust: TrustList([signer]), revokedHashes: [DCCVerifier.revocationHash(uvci: uvci)])) == [.revoked])
        // Signed by a key that is not in the trust list.
        let strangerStore = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: strangerStore.directory) }
        let stranger = try strangerStore.initialise()
        let forged = try DCCIssuer(signer: stranger, key: strangerStore.currentSigner().1)
            .issue(payload: payload, issuedAt: now, expiresAt: now.addingTimeInterval(86400))
        #expect(codes(forged) == [.unknownKid])
        // Our kid, someone else's signature.
        let claims = DCCPayload.claims(payload: payload, issuer: "VN", issuedAt: now, expiresAt: now.addingTimeInterval(86400))
        let wrongKey = try COSESign1.signES256(payload: claims.encoded(), keyID: signer.keyID, key: P256.Signing.PrivateKey())
        #expect(codes("HC1:" + Base45.encode(Zlib.compress(wrongKey))) == [.badSignature])
        // A DSC whose EKU allows tests only, signing a recovery certificate by going around the issuer.
        let testOnly = try store.rotate(kinds: [.test])
        let recovery = Self.payloads { UVCI.random() }[1]
        let sneaky = try COSESign1.signES256(
            payload: DCCPayload.claims(payload: recovery, issuer: "VN", issuedAt: now, expiresAt: now.addingTimeInterval(86400)).encoded(),
            keyID: testOnly.keyID, key: store.currentSigner().1)
        #expect(codes("HC1:" + Base45.encode(Zlib.compress(sneaky)), with: DCCVerifier(trust: TrustList([signer, testOnly]))) == [.ekuMismatch])
        // A payload that breaks the schema is refused by the issuer, and flagged by the verifier.
        let broken = CBOR.map([(.text("ver"), .text("1.3.3")), (.text("dob"), .text("1987"))])
        #expect(throws: DCCIssuer.IssuingError.self) { try issuer.issue(payload: broken, issuedAt: now, expiresAt: now) }
        let signedBroken = try COSESign1.signES256(
            payload: DCCPayload.claims(payload: broken, issuer: "VN", issuedAt: now, expiresAt: now.addingTimeInterval(60)).encoded(),
            keyID: signer.keyID, key: key)
        #expect(codes("HC1:" + Base45.encode(Zlib.compress(signedBroken))) == [.schema])
    }
}
