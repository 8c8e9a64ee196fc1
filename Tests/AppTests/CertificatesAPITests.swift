import Accounts
import App
import ContactTracing
@preconcurrency import Crypto
import Domain
import Foundation
import HTTPTypes
import HealthCertificates
import Hummingbird
import HummingbirdTesting
import People
import Storage
import Testing
import TestSupport

@Suite struct CertificatesAPITests {
    /// A recovered F0 (confirmed `daysAgo` days ago) in `commune`.
    static func recoveredCase(_ app: TestApp, by principal: Principal, name: String, id: String, commune: String, phone: String? = nil,
                              daysAgo: Int = 20, outcome: Outcome? = .recovered, classification: Classification = .f0) async throws -> (person: Int64, case: Int64) {
        let person = try await PersonRegistry(database: app.database).create(
            NewPerson(fullName: name, birthDate: "1987-03-09", idNumber: id, phones: phone.map { [$0] }, communeCode: commune),
            by: principal, trace: .cli("test"))
        var facts = CaseFacts()
        facts.confirmedOn = LocalDay.adding(-daysAgo, to: LocalDay.string(Date()))
        facts.outcome = outcome
        facts.outcomeOn = outcome == nil ? nil : LocalDay.string(Date())
        let opened = try await CaseStore(database: app.database)
            .open(NewCase(personId: person.id, classification: classification, facts: classification == .f0 ? facts : CaseFacts()),
                  by: principal, trace: .cli("test"))
        return (person.id, opened.id)
    }

    @Test(arguments: TestDatabases.kinds)
    func aRecoveredCaseGetsACertificateThatVerifiesUntilRevoked(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            let (cdcAccount, cdc) = try await app.account(.epidemiologist, area: "75")
            let (_, longKhanh) = try await app.account(.districtOfficer, area: "732")
            let recovered = try await Self.recoveredCase(app, by: cdcAccount.principal, name: "Nguyễn Thị <b>Ánh</b>", id: "075187000001", commune: "25993")

            let (status, body, _) = try await call(client, .post, "/api/v1/certificates", token: cdc,
                                                   body: #"{"kind":"recovery","sourceId":"\#(recovered.case)"}"#)
            #expect(status == .created)
            let issued = try #require(body as? [String: Any])
            let uvci = try #require(issued["uvci"] as? String)
            let qr = try #require(issued["qr"] as? String)
            #expect(uvci.hasPrefix("URN:UVCI:01:VN:") && UVCI.hasValidCheck(uvci))
            #expect(qr.hasPrefix("HC1:"))

            // Anyone may verify; the answer names the holder only because the signature holds.
            let verifyBody = String(decoding: try JSONSerialization.data(withJSONObject: ["qr": qr]), as: UTF8.self)
            let (checked, answer, _) = try await call(client, .post, "/api/v1/certificates/verify", token: "", body: verifyBody)
            #expect(checked == .ok)
            let verdict = try #require(answer as? [String: Any])
            #expect(verdict["valid"] as? Bool == true, "\(verdict)")
            #expect(verdict["type"] as? String == "recovery")
            #expect(verdict["name"] as? String == "Nguyễn Thị <b>Ánh</b>")
            #expect(verdict["dateOfBirth"] as? String == "1987-03-09")
            #expect(verdict["uvci"] as? String == uvci)

            // The holder's page (escaped), the QR image zbarimg reads back exactly, and the person's list.
            try await client.execute(uri: "/api/v1/certificates/\(UVCI.pathSegment(uvci))", method: .get) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("Nguyễn Thị &lt;b&gt;Ánh&lt;/b&gt;") && !html.contains("<b>Ánh"))
                #expect(html.contains(uvci) && html.contains("<svg"))
            }
            if ExternalTool.required("zbarimg") {
                try await client.execute(uri: "/api/v1/certificates/\(UVCI.pathSegment(uvci))/qr.png", method: .get) { response throws in
                    #expect(response.headers[.contentType] == "image/png")
                    #expect(try ExternalTool.zbar(png: Array(buffer: response.body)) == [qr])
                }
            }
            let (listed, list, _) = try await call(client, .get, "/api/v1/persons/\(recovered.person)/certificates", token: cdc)
            #expect(listed == .ok && ((list as? [String: Any])?["items"] as? [[String: Any]])?.first?["uvci"] as? String == uvci)

            // The trust list is signed by the CSCA named in x5c and holds the signer that signed this certificate.
            try await client.execute(uri: "/api/v1/trustlist", method: .get) { response throws in
                let jws = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String])
                let header = try #require(try JSONSerialization.jsonObject(with: Self.unbase64url(jws["protected"]!)) as? [String: Any])
                let csca = try SignerCertificate(der: Array(try #require(Data(base64Encoded: (header["x5c"] as? [String])?.first ?? ""))))
                guard case .p256(let key) = csca.publicKey else { Issue.record("CSCA is not P-256"); return }
                let signature = try P256.Signing.ECDSASignature(rawRepresentation: Self.unbase64url(jws["signature"]!))
                #expect(key.isValidSignature(signature, for: SHA256.hash(data: Data((jws["protected"]! + "." + jws["payload"]!).utf8))))
                let payload = try #require(try JSONSerialization.jsonObject(with: Self.unbase64url(jws["payload"]!)) as? [String: Any])
                let kids = (payload["certificates"] as? [[String: Any]])?.compactMap { $0["kid"] as? String } ?? []
                #expect(kids.contains(Data(try #require(verdict["kid"] as? String).hexBytes).base64EncodedString()))
            }

            // Another district may not revoke it; the CDC may, once, with a reason; then it no longer verifies.
            #expect(try await call(client, .post, "/api/v1/certificates/\(UVCI.pathSegment(uvci))/revoke", token: longKhanh, body: #"{"reason":"x"}"#).0 == .forbidden)
            #expect(try await call(client, .post, "/api/v1/certificates/\(UVCI.pathSegment(uvci))/revoke", token: cdc, body: #"{"reason":"  "}"#).0 == .unprocessableContent)
            #expect(try await call(client, .post, "/api/v1/certificates/\(UVCI.pathSegment(uvci))/revoke", token: cdc, body: #"{"reason":"wrong date of birth"}"#).0 == .ok)
            #expect(try await call(client, .post, "/api/v1/certificates/\(UVCI.pathSegment(uvci))/revoke", token: cdc, body: #"{"reason":"again"}"#).0 == .conflict)
            let (_, after, _) = try await call(client, .post, "/api/v1/certificates/verify", token: "", body: verifyBody)
            let reasons = ((after as? [String: Any])?["reasons"] as? [[String: Any]])?.compactMap { $0["code"] as? String }
            #expect(reasons == ["revoked"])
            let (_, revocations, _) = try await call(client, .get, "/api/v1/revocations", token: "")
            #expect(((revocations as? [String: Any])?["hashes"] as? [String]) == [Data(DCCVerifier.revocationHash(uvci: uvci)).base64EncodedString()])
            try await client.execute(uri: "/api/v1/certificates/\(UVCI.pathSegment(uvci))", method: .get) { response in
                #expect(String(buffer: response.body).contains("đã bị thu hồi"))
            }
            // The issue, the other district's refused attempt and the revocation are in the audit log.
            let audited = try await app.database.read { db in
                try await db.raw("SELECT action, account_id FROM audit_log WHERE entity = 'certificate' AND entity_id = \(bind: uvci) ORDER BY id").all()
                    .map { (try $0.decode(column: "action", as: String.self), try $0.decode(column: "account_id", as: Int64?.self)) }
            }
            #expect(audited.map(\.0).filter { $0 != "read" } == ["issue", "denied:certificates.manage", "revoke"])
            // The holder's page and image views are audited too, without an account.
            let reads = audited.filter { $0.0 == "read" }
            #expect(reads.count >= 2 && reads.allSatisfy { $0.1 == nil })
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func aComplaintIsReviewedCorrectedAndTheCertificateReissued(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            let (cdcAccount, cdc) = try await app.account(.epidemiologist, area: "75")
            let (_, longKhanh) = try await app.account(.districtOfficer, area: "732")
            let recovered = try await Self.recoveredCase(app, by: cdcAccount.principal, name: "Võ Văn Dũng", id: "075187000009", commune: "25993")
            let (_, issued, _) = try await call(client, .post, "/api/v1/certificates", token: cdc, body: #"{"kind":"recovery","sourceId":"\#(recovered.case)"}"#)
            let uvci = try #require((issued as? [String: Any])?["uvci"] as? String)
            func complain(_ body: String) async throws -> (HTTPResponse.Status, [String: Any]?) {
                let (status, answer, _) = try await call(client, .post, "/api/v1/certificates/\(UVCI.pathSegment(uvci))/complaints", token: "", body: body)
                return (status, answer as? [String: Any])
            }
            // A wrong date of birth answers exactly like an unknown certificate (no oracle); a bad phone is a 422.
            let wrongBirth = try await complain(#"{"category":"wrong_name","description":"Tên tôi là Dũng","contact":"0901234567","dateOfBirth":"1990-01-01"}"#)
            let unknown = try await call(client, .post, "/api/v1/certificates/URN:UVCI:01:VN:00%23A/complaints", token: "",
                                         body: #"{"category":"wrong_name","description":"x","contact":"0901234567","dateOfBirth":"1987-03-09"}"#)
            #expect(wrongBirth.0 == .notFound && unknown.0 == .notFound)
            #expect(wrongBirth.1?["detail"] as? String == (unknown.1 as? [String: Any])?["detail"] as? String)
            #expect(try await complain(#"{"category":"wrong_name","description":"x","contact":"hello","dateOfBirth":"1987-03-09"}"#).0 == .unprocessableContent)
            #expect(try await complain(#"{"category":"nonsense","description":"x","contact":"0901234567","dateOfBirth":"1987-03-09"}"#).0 == .badRequest)
            let (filed, complaint) = try await complain(#"{"category":"wrong_name","description":"Tên tôi là <Dũng>","contact":"+84 901 234 567","dateOfBirth":"1987-03-09"}"#)
            #expect(filed == .created)
            let id = try #require(complaint?["id"] as? Int)
            #expect(complaint?["status"] as? String == "new" && complaint?["contact"] as? String == "0901234567")

            // Another district neither sees it nor may act on it.
            let (_, theirs, _) = try await call(client, .get, "/api/v1/certificate-complaints", token: longKhanh)
            #expect(((theirs as? [String: Any])?["items"] as? [Any])?.isEmpty == true)
            #expect(try await call(client, .post, "/api/v1/certificate-complaints/\(id)", token: longKhanh, body: #"{"status":"in_review"}"#).0 == .forbidden)

            // The CDC reviews, then corrects: the old certificate is revoked, a new one replaces it, the citizen is texted.
            #expect(try await call(client, .post, "/api/v1/certificate-complaints/\(id)", token: cdc, body: #"{"status":"in_review"}"#).0 == .ok)
            #expect(try await call(client, .post, "/api/v1/certificate-complaints/\(id)", token: cdc, body: #"{"status":"corrected"}"#).0 == .unprocessableContent)
            let (done, resolved, _) = try await call(client, .post, "/api/v1/certificate-complaints/\(id)", token: cdc,
                                                     body: #"{"status":"corrected","resolution":"Đã sửa tên trong hồ sơ ca bệnh"}"#)
            #expect(done == .ok)
            let reissued = try #require((resolved as? [String: Any])?["reissuedUVCI"] as? String)
            #expect(reissued != uvci)
            #expect(try await call(client, .post, "/api/v1/certificate-complaints/\(id)", token: cdc, body: #"{"status":"rejected","resolution":"x"}"#).0 == .conflict)
            let (_, list, _) = try await call(client, .get, "/api/v1/persons/\(recovered.person)/certificates", token: cdc)
            let items = try #require((list as? [String: Any])?["items"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(items.first { $0["uvci"] as? String == uvci }?["revoked"] as? Bool == true)
            #expect(items.first { $0["uvci"] as? String == reissued }?["replaces"] as? String == uvci)
            let texts = try await app.database.read { db in
                try await db.raw("SELECT recipient, body FROM outbox WHERE template = 'certificate_complaint_corrected'").all()
                    .map { (try $0.decode(column: "recipient", as: String.self), try $0.decode(column: "body", as: String.self)) }
            }
            #expect(texts.count == 1 && texts.first?.0 == "0901234567" && texts.first?.1.contains(reissued) == true)

            // The staff page lists it, escaped; the citizen's form works without JavaScript.
            let web = try await app.sessions.issue(for: cdcAccount, kind: .web, lifetime: 600)
            try await client.execute(uri: "/certificates/complaints", method: .get, headers: [.cookie: "sentinel_session=\(web.token)"]) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("Tên tôi là &lt;Dũng&gt;") && html.contains(reissued))
            }
            let form = "_csrf=tok&category=wrong_date&description=Sai%20ng%C3%A0y&contact=0907654321&dateOfBirth=1987-03-09"
            try await client.execute(uri: "/chung-nhan/\(UVCI.pathSegment(reissued))/phan-anh", method: .post,
                                     headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "sentinel_csrf=tok"],
                                     body: ByteBuffer(string: form)) { response in
                #expect(response.status == .created)
                #expect(String(buffer: response.body).contains("Đã gửi phản ánh"))
            }
        }
    }

    /// The server issues recovery certificates by itself for cases marked recovered, once each, and texts the link.
    @Test(arguments: TestDatabases.kinds)
    func recoveredCasesGetTheirCertificateAutomatically(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, _ in
            let (cdcAccount, _) = try await app.account(.epidemiologist, area: "75")
            let recent = try await Self.recoveredCase(app, by: cdcAccount.principal, name: "Đỗ Thị Em", id: "075187000021", commune: "25993",
                                                      phone: "0912345678")
            _ = try await Self.recoveredCase(app, by: cdcAccount.principal, name: "Lâu Rồi", id: "075187000022", commune: "25993", daysAgo: 400)
            _ = try await Self.recoveredCase(app, by: cdcAccount.principal, name: "Chưa Khỏi", id: "075187000023", commune: "25993", outcome: nil)
            let service = try CertificateService(database: app.database, cases: CaseStore(database: app.database),
                                                 keys: KeyStore(directory: TestApp.keys), rules: .bundled())
            #expect(try await service.issuePending(linkBase: "https://sentinel.example") == 1)
            #expect(try await service.issuePending(linkBase: "https://sentinel.example") == 0)

            let rows = try await app.database.read { db in
                try await db.raw("SELECT uvci, source_id, issued_by, qr_text FROM certificates").all()
            }
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(try row.decode(column: "source_id", as: String.self) == String(recent.case))
            #expect(try row.decode(column: "issued_by", as: Int64?.self) == nil)
            let uvci = try row.decode(column: "uvci", as: String.self)
            let result = service.verify(try row.decode(column: "qr_text", as: String.self))
            let payload = try #require(result.payload)
            #expect(result.valid && result.kind == .recovery && DCCPayload.holderName(of: payload) == "Đỗ Thị Em")
            let texts = try await app.database.read { db in
                try await db.raw("SELECT recipient, body FROM outbox WHERE template = 'certificate_issued'").all()
                    .map { (try $0.decode(column: "recipient", as: String.self), try $0.decode(column: "body", as: String.self)) }
            }
            #expect(texts.count == 1 && texts.first?.0 == "0912345678")
            #expect(texts.first?.1.contains("https://sentinel.example/api/v1/certificates/\(UVCI.pathSegment(uvci))") == true)
        }
    }

    @Test func badRequestsGetClearAnswers() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (cdcAccount, cdc) = try await app.account(.epidemiologist, area: "75")
            let notRecovered = try await Self.recoveredCase(app, by: cdcAccount.principal, name: "Trần Văn Bình", id: "075187000002",
                                                            commune: "25993", outcome: nil)
            let longAgo = try await Self.recoveredCase(app, by: cdcAccount.principal, name: "Lê Thị Cúc", id: "075187000003",
                                                       commune: "25993", daysAgo: 400)
            func issue(_ body: String) async throws -> (HTTPResponse.Status, String) {
                let (status, answer, _) = try await call(client, .post, "/api/v1/certificates", token: cdc, body: body)
                return (status, (answer as? [String: Any])?["detail"] as? String ?? "")
            }
            #expect(try await issue(#"{"kind":"recovery","sourceId":"\#(notRecovered.case)"}"#).1.contains("not marked recovered"))
            #expect(try await issue(#"{"kind":"recovery","sourceId":"\#(longAgo.case)"}"#) .0 == .conflict)
            #expect(try await issue(#"{"kind":"test","sourceId":"1"}"#).0 == .notFound)
            #expect(try await issue(#"{"kind":"vaccination","sourceId":"1"}"#).1.contains("does not record vaccinations"))
            #expect(try await issue(#"{"kind":"passport","sourceId":"1"}"#).0 == .badRequest)
            #expect(try await issue(#"{"kind":"recovery","sourceId":"abc"}"#).0 == .unprocessableContent)
            #expect(try await issue(#"{"kind":"recovery","sourceId":"999999"}"#).0 == .notFound)
            #expect(try await issue(#"{"kind":"recovery""#).0 == .badRequest)

            func verify(_ qr: String) async throws -> [String] {
                let body = String(decoding: try JSONSerialization.data(withJSONObject: ["qr": qr]), as: UTF8.self)
                let (status, answer, _) = try await call(client, .post, "/api/v1/certificates/verify", token: "", body: body)
                #expect(status == .ok)
                return ((answer as? [String: Any])?["reasons"] as? [[String: Any]])?.compactMap { $0["code"] as? String } ?? []
            }
            #expect(try await verify(String(repeating: "A", count: 5000)) == ["size"])
            #expect(try await verify("HC2:6BF+70790T9WJWG") == ["prefix"])
            #expect(try await verify("HC1:hello world") == ["base45"])
            #expect(try await call(client, .post, "/api/v1/certificates/verify", token: "", body: #"{"qr":12}"#).0 == .badRequest)
            #expect(try await call(client, .post, "/api/v1/certificates/verify", token: "", body: "{").0 == .badRequest)
            try await client.execute(uri: "/api/v1/certificates/URN:UVCI:01:VN:NOPE", method: .get) { #expect($0.status == .notFound) }
            // Issuing needs a signed-in account.
            #expect(try await call(client, .post, "/api/v1/certificates", token: "forged", body: #"{"kind":"recovery","sourceId":"1"}"#).0 == .unauthorized)
        }
    }

    /// Without keys the server still verifies (with what it trusts) and says plainly why it cannot issue.
    @Test func withoutKeysIssuingIsUnavailable() async throws {
        var config = TestApp.config()
        config.keysDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("no-keys-\(UUID().uuidString)").path
        try await TestApp.with(.sqlite, config: config) { app, client in
            let (_, cdc) = try await app.account(.epidemiologist, area: "75")
            let (status, answer, _) = try await call(client, .post, "/api/v1/certificates", token: cdc, body: #"{"kind":"recovery","sourceId":"1"}"#)
            #expect(status == .serviceUnavailable)
            #expect(((answer as? [String: Any])?["detail"] as? String)?.contains("sentinel keys init") == true)
            #expect(try await call(client, .get, "/api/v1/revocations", token: "").0 == .ok)
        }
    }

    static func unbase64url(_ text: String) -> Data {
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s) ?? Data()
    }
}

extension String {
    var hexBytes: [UInt8] { Hex.decode(self) ?? [] }
}
