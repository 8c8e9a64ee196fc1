import Accounts
import App
import ContactTracing
import Domain
import Foundation
import HealthCertificates
import Hummingbird
import HummingbirdTesting
import Laboratory
import People
import Storage
import Testing
import TestSupport

/// A result once given is corrected only with a reason, and everything that stood on it follows: the people's
/// outcomes, the cases it confirmed, the certificates issued on it, the counts, the texts to the people.
@Suite struct ResultCorrectionTests {
    static func items(_ body: Any?) -> [[String: Any]] { ((body as? [String: Any])?["items"] as? [[String: Any]]) ?? [] }

    static func caseRow(_ app: TestApp, person: Int64) async throws -> (classification: String, reference: String?, quarantineEnd: String?)? {
        try await app.database.read { db in
            try await db.raw("SELECT classification, test_reference, quarantine_end FROM cases WHERE person_id = \(bind: person)").first().map {
                (try $0.decode(column: "classification", as: String.self), try $0.decode(column: "test_reference", as: String?.self),
                 try $0.decode(column: "quarantine_end", as: String?.self))
            }
        }
    }

    /// The server's own verification (the router's certificate service holds the revocations in memory).
    static func verifyReasons(_ client: some TestClientProtocol, _ qr: String) async throws -> [String] {
        let body = try JSONSerialization.data(withJSONObject: ["qr": qr])
        let (_, answer, _) = try await call(client, .post, "/api/v1/certificates/verify", token: "", body: String(decoding: body, as: UTF8.self))
        return ((answer as? [String: Any])?["reasons"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }

    @Test(arguments: TestDatabases.kinds)
    func aCorrectionCarriesThroughCasesCertificatesCountsAndTexts(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            let (cdcAccount, cdc) = try await app.account(.epidemiologist, area: "75")
            let (_, sampler) = try await app.account(.sampler, area: "25993")
            let (labAccount, lab) = try await app.account(.lab, area: "75")
            let (_, otherLab) = try await app.account(.lab, area: "732")
            let p = try await LabAPITests.people(app, by: cdcAccount.principal, count: 6, prefix: "33")
            // p1 was an F1 contact in home quarantine before its positive test.
            var quarantine = CaseFacts()
            quarantine.quarantineSetting = .home
            quarantine.quarantineStart = LocalDay.adding(-2, to: LocalDay.string(Date()))
            _ = try await CaseStore(database: app.database)
                .open(NewCase(personId: p[1], classification: .f1, facts: quarantine), by: cdcAccount.principal, trace: .cli("test"))
            let tubes: [(String, [Int64], String)] = [
                ("CORR-A", [p[0]], "positive"), ("CORR-E", [p[0]], "positive"),   // p0: two positive tests
                ("CORR-B", [p[1]], "positive"),                                   // p1: F1 confirmed by B alone
                ("CORR-C", [p[2], p[3]], "negative"),                             // a negative pool
                ("CORR-D", [p[4]], "negative"),
                ("CORR-F", [p[5]], "positive"),                                   // p5: opened as F0 by F
                ("CORR-N", [p[5]], ""),                                           // collected, no result yet
            ]
            for (tube, ids, result) in tubes {
                let list = ids.map(String.init).joined(separator: ",")
                #expect(try await call(client, .post, "/api/v1/samples", token: sampler,
                                       body: #"{"tubeBarcode":"\#(tube)","personIds":[\#(list)],"method":"rt_pcr","specimenType":"np_swab","collectedAt":"\#(ISO8601DateFormatter().string(from: Date().addingTimeInterval(-7200)))"}"#).0 == .created)
                if !result.isEmpty {
                    #expect(try await call(client, .post, "/api/v1/samples/\(tube)/result", token: lab,
                                           body: #"{"result":"\#(result)","ct":[{"target":"E","value":24}]}"#).0 == .created)
                }
            }
            #expect(try await Self.caseRow(app, person: p[0])?.reference == "CORR-A")
            #expect(try await Self.caseRow(app, person: p[1])?.classification == "F0")
            // Certificates for the six individual results; p5 recovers and gets a recovery certificate too.
            let services = try app.services()
            #expect(try await services.certificates.issuePending(linkBase: "https://sentinel.example") == 5)
            let p5case = try #require(try await app.database.read { try await CaseStore.record(person: p[5], on: $0) })
            var recovered = CaseFacts()
            recovered.outcome = .recovered
            recovered.outcomeOn = LocalDay.string(Date())
            _ = try await CaseStore(database: app.database).update(p5case.id, facts: recovered, by: cdcAccount.principal,
                                                                                                    trace: .cli("test"))
            let (recoveryStatus, recovery, _) = try await call(client, .post, "/api/v1/certificates", token: cdc,
                                                               body: #"{"kind":"recovery","sourceId":"\#(p5case.id)"}"#)
            #expect(recoveryStatus == .created)
            let recoveryQR = try #require((recovery as? [String: Any])?["qr"] as? String)
            let testQR = try await app.database.read { db in
                try await db.raw("""
                    SELECT c.qr_text FROM certificates c JOIN person_tests t ON CAST(t.id AS TEXT) = c.source_id JOIN samples s ON s.id = t.sample_id
                    WHERE c.source_type = 'test' AND s.tube_barcode = 'CORR-B'
                    """).first()!.decode(column: "qr_text", as: String.self)
            }
            #expect(try await Self.verifyReasons(client, testQR).isEmpty)

            // Bad corrections, each refused with its reason and nothing written.
            let correction = "/api/v1/samples/CORR-B/correction"
            #expect(try await call(client, .post, correction, token: lab, body: #"{"result":"negative","reason":"  "}"#).0 == .unprocessableContent)
            #expect(try await call(client, .post, correction, token: lab, body: #"{"result":"negative"}"#).0 == .badRequest)
            #expect(try await call(client, .post, correction, token: lab, body: #"{"result":"negativ","reason":"x"}"#).0 == .badRequest)
            #expect(try await call(client, .post, correction, token: lab, body: #"{"result":"negative","reason":"#).0 == .badRequest)
            #expect(try await call(client, .post, "/api/v1/samples/NOPE/correction", token: lab, body: #"{"result":"negative","reason":"x"}"#).0 == .notFound)
            let (none, noneBody, _) = try await call(client, .post, "/api/v1/samples/CORR-N/correction", token: lab, body: #"{"result":"negative","reason":"x"}"#)
            #expect(none == .conflict && ((noneBody as? [String: Any])?["detail"] as? String)?.contains("no result yet") == true)
            let (same, sameBody, _) = try await call(client, .post, correction, token: lab,
                                                     body: #"{"result":"positive","ct":[{"target":"E","value":24}],"reason":"x"}"#)
            #expect(same == .conflict && ((sameBody as? [String: Any])?["detail"] as? String)?.contains("changes nothing") == true)
            #expect(try await call(client, .post, correction, token: otherLab, body: #"{"result":"negative","reason":"x"}"#).0 == .forbidden)
            #expect(try await call(client, .post, correction, token: sampler, body: #"{"result":"negative","reason":"x"}"#).0 == .forbidden)
            #expect(try await app.database.read { try await $0.raw("SELECT COUNT(*) AS n FROM result_corrections").first()!.decode(column: "n", as: Int.self) } == 0)

            // B: p1's only positive is taken back → back to F1, in the quarantine it had; its test certificate revoked.
            let (okB, bodyB, _) = try await call(client, .post, correction, token: lab,
                                                 body: #"{"result":"negative","reason":"mẫu bị nhiễm chéo — chạy lại âm tính","operator":"KTV Lan"}"#)
            #expect(okB == .ok)
            let answerB = try #require(bodyB as? [String: Any])
            #expect(answerB["previous"] as? String == "positive" && answerB["result"] as? String == "negative")
            #expect((answerB["casesWithdrawn"] as? [Int])?.count == 1 && (answerB["certificatesRevoked"] as? [String])?.count == 1)
            #expect(((answerB["tests"] as? [[String: Any]])?.first?["correctedAt"] as? String) != nil)
            let p1 = try #require(try await Self.caseRow(app, person: p[1]))
            #expect(p1.classification == "F1" && p1.reference == nil && p1.quarantineEnd != nil)
            #expect(try await Self.verifyReasons(client, testQR) == ["revoked"])

            // A: p0's confirmation moves to E; nothing of p0's case is withdrawn.
            let (_, bodyA, _) = try await call(client, .post, "/api/v1/samples/CORR-A/correction", token: lab, body: #"{"result":"invalid","reason":"ống vỡ"}"#)
            #expect((bodyA as? [String: Any])?["confirmationsMoved"] as? [Int] != nil && ((bodyA as? [String: Any])?["casesWithdrawn"] as? [Int])?.isEmpty == true)
            let p0 = try #require(try await Self.caseRow(app, person: p[0]))
            #expect(p0.classification == "F0" && p0.reference == "CORR-E")

            // F: p5's case was opened by F → suspected; its recovery certificate goes with it.
            #expect(try await call(client, .post, "/api/v1/samples/CORR-F/correction", token: lab, body: #"{"result":"negative","reason":"nhầm mẫu"}"#).0 == .ok)
            #expect(try await Self.caseRow(app, person: p[5])?.classification == "suspected")
            #expect(try await Self.verifyReasons(client, recoveryQR) == ["revoked"])
            let history = try await app.database.read { db in
                try await db.raw("SELECT h.classification, h.reason FROM case_classifications h WHERE h.case_id = \(bind: p5case.id) ORDER BY h.id").all()
                    .map { try $0.decode(column: "classification", as: String.self) + ": " + $0.decode(column: "reason", as: String.self) }
            }
            #expect(history.count == 2 && history[1].hasPrefix("suspected: F0 withdrawn: tube CORR-F corrected from positive to negative — nhầm mẫu"), "\(history)")

            // C: the negative pool was positive after all → both members called back; D: negative → positive = a new F0.
            #expect(try await call(client, .post, "/api/v1/samples/CORR-C/correction", token: lab, body: #"{"result":"positive","reason":"đọc lại"}"#).0 == .ok)
            for person in p[2...3] {
                let (_, tests, _) = try await call(client, .get, "/api/v1/persons/\(person)/tests", token: cdc)
                #expect(Self.items(tests).map { $0["outcome"] as? String } == ["retest"])
                #expect(try await Self.caseRow(app, person: person) == nil, "a pool's positive is never a person's")
            }
            let (_, bodyD, _) = try await call(client, .post, "/api/v1/samples/CORR-D/correction", token: lab, body: #"{"result":"positive","reason":"đọc lại"}"#)
            #expect(((bodyD as? [String: Any])?["casesConfirmed"] as? [Int])?.count == 1)
            #expect(try await Self.caseRow(app, person: p[4])?.classification == "F0")

            // What was kept: each correction with what the tube said before; one audit row each; a text to every
            // person whose outcome changed; the counts equal a rebuild from the records.
            let kept = try await app.database.read { db in
                try await db.raw("""
                    SELECT s.tube_barcode, r.previous_outcome, r.outcome, r.corrected_by FROM result_corrections r JOIN samples s ON s.id = r.sample_id
                    ORDER BY r.id
                    """).all().map { "\(try $0.decode(column: "tube_barcode", as: String.self)) \(try $0.decode(column: "previous_outcome", as: String.self))>\(try $0.decode(column: "outcome", as: String.self)) \(try $0.decode(column: "corrected_by", as: Int64.self))" }
            }
            let labID = try #require(labAccount.principal.accountID)
            #expect(kept == ["CORR-B positive>negative \(labID)", "CORR-A positive>invalid \(labID)", "CORR-F positive>negative \(labID)",
                             "CORR-C negative>positive \(labID)", "CORR-D negative>positive \(labID)"])
            let (audited, texts) = try await app.database.read { db in
                (try await db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'result_correction:%'").first()!.decode(column: "n", as: Int.self),
                 try await db.raw("SELECT body FROM outbox WHERE template = 'test_result_corrected' ORDER BY id").all().map { try $0.decode(column: "body", as: String.self) })
            }
            #expect(audited == 5)
            #expect(texts.count == 6 && texts.allSatisfy { $0.hasPrefix("ĐÍNH CHÍNH") }, "\(texts)")
            let (current, rebuilt) = try await app.database.read { (try await Aggregates.current(on: $0), try await Aggregates.recomputed(on: $0)) }
            #expect(current == rebuilt)

            // Certificates for the corrected results are issued anew (B, A is invalid: none, F, D); E's still stands.
            #expect(try await services.certificates.issuePending(linkBase: "https://sentinel.example") == 3)
            #expect(try await services.certificates.issuePending(linkBase: "https://sentinel.example") == 0)
            // The citizen's page shows the corrected result and its standing certificate, not the revoked one.
            let (_, own, _) = try await call(client, .post, "/api/v1/results/lookup", token: "", body: #"{"idNumber":"075190033001","phone":"0933000001"}"#)
            let entry = try #require(((own as? [String: Any])?["results"] as? [[String: Any]])?.first)
            #expect(entry["outcome"] as? String == "negative" && entry["correctedAt"] != nil)
            let uvci = try #require(entry["certificate"] as? String)
            let revoked = try await app.database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM certificate_revocations WHERE uvci = \(bind: uvci)").first()!.decode(column: "n", as: Int.self)
            }
            #expect(revoked == 0)
        }
    }

    /// An instrument resends a result with OBX-11 "C": a correction through the same path; a resend of the same
    /// result changes nothing and is refused; a "C" for a tube without a result is just its result.
    @Test(arguments: TestDatabases.kinds)
    func anInstrumentsCorrectionGoesThroughTheSamePath(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            let (cdcAccount, _) = try await app.account(.epidemiologist, area: "75")
            let (_, sampler) = try await app.account(.sampler, area: "25993")
            let (_, lab) = try await app.account(.lab, area: "75")
            let p = try await LabAPITests.people(app, by: cdcAccount.principal, count: 2, prefix: "44")
            for (tube, person) in [("HL7-C1", p[0]), ("HL7-C2", p[1])] {
                #expect(try await call(client, .post, "/api/v1/samples", token: sampler,
                                       body: #"{"tubeBarcode":"\#(tube)","personIds":[\#(person)],"method":"rt_pcr","specimenType":"np_swab","collectedAt":"2021-08-12T07:00:00Z"}"#).0 == .created)
            }
            func post(_ text: String) async throws -> [String] {
                let response = try await client.execute(uri: "/api/v1/lab/hl7", method: .post,
                                                        headers: [.authorization: "Bearer \(lab)", .contentType: "application/hl7-v2"], body: ByteBuffer(string: text))
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                return (body?["results"] as? [[String: Any]] ?? []).map { "\($0["status"] as? String ?? "?") \($0["reason"] as? String ?? "")" }
            }
            #expect(try await post(LabAPITests.hl7(tube: "HL7-C1", code: "260415000", control: "M1")) == ["recorded "])
            let corrected = LabAPITests.hl7(tube: "HL7-C1", code: "260373001", control: "M2").replacingOccurrences(of: "||||||F", with: "||||||C")
            #expect(try await post(corrected) == ["corrected "])
            #expect(try await post(corrected).first?.hasPrefix("refused Tube HL7-C1 already has this result") == true)
            let first = LabAPITests.hl7(tube: "HL7-C2", code: "260373001", control: "M3").replacingOccurrences(of: "||||||F", with: "||||||C")
            #expect(try await post(first) == ["recorded "])
            #expect(try await Self.caseRow(app, person: p[0])?.reference == "HL7-C1", "the corrected positive confirms the case")
            let reason = try await app.database.read { db in
                try await db.raw("SELECT reason, source, message_id FROM result_corrections").all().map {
                    "\(try $0.decode(column: "reason", as: String.self)) | \(try $0.decode(column: "source", as: String.self)) | \(try $0.decode(column: "message_id", as: String?.self) ?? "")"
                }
            }
            #expect(reason == ["instrument correction (OBX-11 C), message M2 | hl7 | M2"])
        }
    }
}
