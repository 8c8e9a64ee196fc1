import Accounts
import App
import Codes
import ContactTracing
import Domain
import Geography
import Foundation
import HealthCertificates
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import People
import Storage
import Testing
import TestSupport

@Suite struct LabAPITests {
    static func people(_ app: TestApp, by principal: Principal, count: Int, prefix: String) async throws -> [Int64] {
        var ids: [Int64] = []
        for index in 0..<count {
            let person = try await PersonRegistry(database: app.database).create(
                NewPerson(fullName: "Người \(prefix) \(index)", birthDate: "1990-01-0\(index % 9 + 1)", idNumber: "0751900\(prefix)\(String(format: "%03d", index))",
                          phones: ["09\(prefix)\(String(format: "%06d", index))"], communeCode: "25993"),
                by: principal, trace: .cli("test"))
            ids.append(person.id)
        }
        return ids
    }

    static func hl7(tube: String, code: String, control: String) -> String {
        ["MSH|^~\\&|COBAS|CDC||SENTINEL|20210812153000+0700||ORU^R01|\(control)|P|2.5.1",
         "OBR|1||\(tube)", "OBX|1|CWE|94500-6^SARS-CoV-2 RNA^LN||\(code)||||||F", "OBX|2|NM|94509-7^E gene Ct^LN||22.5|{Ct}|||||F"]
            .joined(separator: "\r")
    }

    @Test(arguments: TestDatabases.kinds)
    func aPoolFromStationToLaboratoryAndBackToEachPerson(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            let (cdcAccount, cdc) = try await app.account(.epidemiologist, area: "75")
            let (_, sampler) = try await app.account(.sampler, area: "731")
            let (_, otherSampler) = try await app.account(.sampler, area: "732")
            let (_, lab) = try await app.account(.lab, area: "75")
            let members = try await Self.people(app, by: cdcAccount.principal, count: 6, prefix: "11")
            let body = #"{"tubeBarcode":"POOL-0001","personIds":[\#(members[0]),\#(members[1]),\#(members[2])],"method":"rt_pcr","specimenType":"np_swab","poolSize":5,"clientId":"st1-0001","communeCode":"25993","latitude":10.95741,"longitude":106.84262}"#

            // Collected once; the station's retry is the same sample; the same tube under another save is refused.
            let (created, sample, _) = try await call(client, .post, "/api/v1/samples", token: sampler, body: body)
            #expect(created == .created)
            #expect((sample as? [String: Any])?["status"] as? String == "open")
            #expect(try await call(client, .post, "/api/v1/samples", token: sampler, body: body).0 == .ok)
            let (reused, reusedBody, _) = try await call(client, .post, "/api/v1/samples", token: sampler,
                                                         body: body.replacingOccurrences(of: "st1-0001", with: "st1-0002"))
            #expect(reused == .conflict)
            #expect(((reusedBody as? [String: Any])?["detail"] as? String)?.contains("already used for sample") == true)
            // Another district's sampler may not take samples here (403, audited).
            #expect(try await call(client, .post, "/api/v1/samples", token: otherSampler,
                                   body: body.replacingOccurrences(of: "POOL-0001", with: "POOL-0009").replacingOccurrences(of: "st1-0001", with: "x")).0 == .forbidden)

            // Two more fill the pool of five, which closes; a sixth is refused.
            for person in members[3...4] {
                #expect(try await call(client, .post, "/api/v1/samples/POOL-0001/members", token: sampler, body: #"{"personId":\#(person)}"#).0 == .ok)
            }
            let (full, _, _) = try await call(client, .post, "/api/v1/samples/POOL-0001/members", token: sampler, body: #"{"personId":\#(members[5])}"#)
            #expect(full == .conflict)
            let (_, closed, _) = try await call(client, .get, "/api/v1/samples/POOL-0001", token: cdc)
            #expect((closed as? [String: Any])?["status"] as? String == "closed")
            #expect(((closed as? [String: Any])?["personIds"] as? [Int])?.count == 5)
            #expect((closed as? [String: Any])?["latitude"] as? Double == 10.95741 && (closed as? [String: Any])?["longitude"] as? Double == 106.84262)

            // The station prints the slip: the tube's barcode, the people in it, where to look up the result.
            let (samplerAccount, _) = try await app.account(.sampler, area: "25993", username: "slip-sampler")
            let web = try await app.sessions.issue(for: samplerAccount, kind: .web, lifetime: 600)
            try await client.execute(uri: "/samples/POOL-0001/slip", method: .get, headers: [.cookie: "sentinel_session=\(web.token)"]) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("POOL-0001") && html.contains("<svg") && html.contains("Người 11 4") && html.contains("/ket-qua"))
                #expect(html.contains("10.95741, 106.84262"), "where the mobile team took it")
            }

            // Reception: the pool is received, a tube never collected is refused.
            let (_, received, _) = try await call(client, .post, "/api/v1/lab/receive", token: lab, body: #"{"tubes":["POOL-0001","NEVER-1"]}"#)
            let statuses = ((received as? [String: Any])?["results"] as? [[String: Any]])?.map { $0["status"] as? String }
            #expect(statuses == ["received", "refused"])

            // The analyser says detected: nobody is positive, everyone in the pool is called back for a single test.
            let batch = Self.hl7(tube: "POOL-0001", code: "260373001^Detected^SCT", control: "M1") + "\r"
                + Self.hl7(tube: "NEVER-2", code: "260415000^Not detected^SCT", control: "M2") + "\r" + "MSH|^~\\&|X\rOBR|1||Y"
            let imported = try await client.execute(uri: "/api/v1/lab/hl7", method: .post,
                                                    headers: [.authorization: "Bearer \(lab)", .contentType: "application/hl7-v2"],
                                                    body: ByteBuffer(string: batch)) { response in
                (response.status, try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            }
            #expect(imported.0 == .ok)
            let outcomes = try #require(imported.1?["results"] as? [[String: Any]])
            #expect(outcomes.map { $0["status"] as? String } == ["recorded", "refused", "refused"])
            #expect(outcomes.map { $0["line"] as? Int } == [1, 5, 9])
            #expect((outcomes[1]["reason"] as? String)?.contains("No sample was collected") == true)
            let (_, tests, _) = try await call(client, .get, "/api/v1/persons/\(members[0])/tests", token: cdc)
            #expect(((tests as? [String: Any])?["items"] as? [[String: Any]])?.first?["outcome"] as? String == "retest")
            let cases = try await app.database.read { try await $0.raw("SELECT COUNT(*) AS n FROM cases").first()!.decode(column: "n", as: Int.self) }
            #expect(cases == 0, "a positive pool confirms nobody")
            let texts = try await app.database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM outbox WHERE template = 'test_result_retest'").first()!.decode(column: "n", as: Int.self)
            }
            #expect(texts == 5)
            // A second result for the tube is refused.
            #expect(try await call(client, .post, "/api/v1/samples/POOL-0001/result", token: lab, body: #"{"result":"negative"}"#).0 == .conflict)

            // The figures: one tube, resulted, positive as a pool (not a case), nothing waiting; bad parameters are named.
            let (_, stats, _) = try await call(client, .get, "/api/v1/lab/stats?groupBy=commune", token: cdc)
            let row = try #require(((stats as? [String: Any])?["rows"] as? [[String: Any]])?.first)
            #expect(row["key"] as? String == "25993" && row["samples"] as? Int == 1 && row["resulted"] as? Int == 1)
            #expect(row["positive"] as? Int == 1 && row["poolsPositive"] as? Int == 1 && row["positivity"] as? Double == 1.0)
            #expect((stats as? [String: Any])?["pending"] as? Int == 0)
            for bad in ["groupBy=week", "from=2021-09-10&to=2021-09-01", "from=2021-01-01&to=2021-12-31", "from=yesterday", "pendingHours=x"] {
                #expect(try await call(client, .get, "/api/v1/lab/stats?\(bad)", token: cdc).0 == .unprocessableContent, "\(bad)")
            }
            try await client.execute(uri: "/api/v1/lab/stats?format=csv", method: .get, headers: .bearer(cdc)) { response in
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(String(buffer: response.body).hasPrefix("\u{FEFF}key,samples,resulted,positive"))  // BOM: Excel reads UTF-8
            }
            // The workbook: the lab page's headings, a method by its name, the total last.
            let book = try await client.execute(uri: "/api/v1/lab/stats?format=xlsx&groupBy=method", method: .get, headers: .bearer(cdc)) {
                [UInt8](buffer: $0.body)
            }
            let sheet = try XLSXReader.rows(book).map(\.cells)
            #expect(sheet.first == ["Phương pháp", "Số mẫu", "Có kết quả", "Dương tính", "Mẫu gộp dương tính", "Tỷ lệ dương tính (%)",
                                    "Trả kết quả, trung vị (giờ)", "Trả kết quả, 90% (giờ)"], "\(sheet.first ?? [])")
            #expect(sheet.dropFirst().first?.prefix(2) == ["RT-PCR", "1"] && sheet.last?.first == "Tổng", "\(sheet)")
            #expect(try await call(client, .get, "/api/v1/lab/stats", token: sampler).0 == .forbidden)
        }
    }

    /// An instrument's CSV export (semicolons, as a Vietnamese-locale spreadsheet saves it): each row is answered;
    /// bad rows are refused with their line and the rest recorded, with the lab's turnaround from the file's times.
    @Test(arguments: TestDatabases.kinds)
    func anInstrumentsCSVIsImportedRowByRow(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            let (cdcAccount, cdc) = try await app.account(.epidemiologist, area: "75")
            let (_, sampler) = try await app.account(.sampler, area: "25993")
            let (_, lab) = try await app.account(.lab, area: "75")
            let (_, otherLab) = try await app.account(.lab, area: "732")
            let people = try await Self.people(app, by: cdcAccount.principal, count: 3, prefix: "55")
            for (tube, ids) in [("CSV-1", [people[0]]), ("CSV-2", [people[1], people[2]])] {
                let list = ids.map(String.init).joined(separator: ",")
                #expect(try await call(client, .post, "/api/v1/samples", token: sampler,
                                       body: #"{"tubeBarcode":"\#(tube)","personIds":[\#(list)],"method":"rt_pcr","specimenType":"np_swab","collectedAt":"2021-08-12T01:00:00Z"}"#).0 == .created)
            }
            let file = "Mã ống;Kết quả;Ct_E;Thời gian\r\nCSV-1;Dương tính;23,4;12/08/2021 15:30\r\nCSV-2;Âm tính;;12/08/2021 15:31\r\nCSV-9;Âm tính;;\r\nCSV-1;Âm tính;;\r\n"
            func post(_ token: String) async throws -> (HTTPResponse.Status, [String]) {
                try await client.execute(uri: "/api/v1/lab/csv", method: .post, headers: [.authorization: "Bearer \(token)", .contentType: "text/csv"],
                                         body: ByteBuffer(string: file)) { response in
                    let body = try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    return (response.status, (body?["results"] as? [[String: Any]] ?? []).map { "\($0["tubeBarcode"] as? String ?? "") \($0["status"] as? String ?? "")" })
                }
            }
            #expect(try await post(sampler).0 == .forbidden)
            #expect(try await post(otherLab).1 == ["CSV-1 refused", "CSV-2 refused", "CSV-9 refused", "CSV-1 refused"], "outside the area")
            #expect(try await post(lab).1 == ["CSV-1 recorded", "CSV-2 recorded", "CSV-9 refused", "CSV-1 refused"])
            let (_, sample, _) = try await call(client, .get, "/api/v1/samples/CSV-1", token: cdc)
            #expect(((sample as? [String: Any])?["ctValues"] as? [[String: Any]])?.first?["value"] as? Double == 23.4)
            #expect((sample as? [String: Any])?["resultedAt"] as? String == "2021-08-12T08:30:00Z")
            #expect(try await app.database.read { try await $0.raw("SELECT COUNT(*) AS n FROM sample_results WHERE source = 'csv'").first()!.decode(column: "n", as: Int.self) } == 2)
            #expect(try await app.database.read { try await $0.raw("SELECT classification FROM cases WHERE person_id = \(bind: people[0])").first()?.decode(column: "classification", as: String.self) } == "F0")
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func singleResultsClearOrConfirm(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            let (cdcAccount, cdc) = try await app.account(.epidemiologist, area: "75")
            let (_, sampler) = try await app.account(.sampler, area: "25993")
            let (_, lab) = try await app.account(.lab, area: "75")
            let (_, otherLab) = try await app.account(.lab, area: "732")
            let people = try await Self.people(app, by: cdcAccount.principal, count: 4, prefix: "22")
            // Person 1 is already an F1 contact; person 3 is in a negative pool with person 2.
            _ = try await CaseStore(database: app.database)
                .open(NewCase(personId: people[1], classification: .f1), by: cdcAccount.principal, trace: .cli("test"))
            for (tube, ids) in [("SINGLE-0", [people[0]]), ("SINGLE-1", [people[1]]), ("POOL-23", [people[2], people[3]])] {
                let list = ids.map(String.init).joined(separator: ",")
                #expect(try await call(client, .post, "/api/v1/samples", token: sampler,
                                       body: #"{"tubeBarcode":"\#(tube)","personIds":[\#(list)],"method":"rt_pcr","specimenType":"np_swab"}"#).0 == .created)
            }
            #expect(try await call(client, .post, "/api/v1/samples/SINGLE-0/result", token: otherLab, body: #"{"result":"positive"}"#).0 == .forbidden)
            #expect(try await call(client, .post, "/api/v1/samples/SINGLE-0/result", token: lab, body: #"{"result":"maybe"}"#).0 == .badRequest)
            #expect(try await call(client, .post, "/api/v1/samples/NOPE/result", token: lab, body: #"{"result":"positive"}"#).0 == .notFound)
            #expect(try await call(client, .post, "/api/v1/samples/SINGLE-0/result", token: lab,
                                   body: #"{"result":"positive","ct":[{"target":"E","value":23.1}],"operator":"KTV Hà"}"#).0 == .created)
            #expect(try await call(client, .post, "/api/v1/samples/SINGLE-1/result", token: lab, body: #"{"result":"positive"}"#).0 == .created)
            #expect(try await call(client, .post, "/api/v1/samples/POOL-23/result", token: lab, body: #"{"result":"negative"}"#).0 == .created)

            // A new F0 for person 0; person 1's F1 case upgraded to F0 with the test in its history; the pool cleared.
            let rows = try await app.database.read { db in
                try await db.raw("SELECT person_id, classification, test_reference, confirmed_on FROM cases ORDER BY person_id").all()
                    .map { (try $0.decode(column: "person_id", as: Int64.self), try $0.decode(column: "classification", as: String.self),
                            try $0.decode(column: "test_reference", as: String?.self)) }
            }
            #expect(rows.map(\.0) == [people[0], people[1]])
            #expect(rows.map(\.1) == ["F0", "F0"])
            #expect(rows.map(\.2) == ["SINGLE-0", "SINGLE-1"])
            let history = try await app.database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM case_classifications h JOIN cases c ON c.id = h.case_id WHERE c.person_id = \(bind: people[1])")
                    .first()!.decode(column: "n", as: Int.self)
            }
            #expect(history == 2, "F1, then F0 from the test")
            for person in people[2...3] {
                let (_, tests, _) = try await call(client, .get, "/api/v1/persons/\(person)/tests", token: cdc)
                #expect(((tests as? [String: Any])?["items"] as? [[String: Any]])?.map { $0["outcome"] as? String } == ["negative"])
            }
            let (_, sample, _) = try await call(client, .get, "/api/v1/samples/SINGLE-0", token: cdc)
            #expect(((sample as? [String: Any])?["ctValues"] as? [[String: Any]])?.first?["value"] as? Double == 23.1)

            // Certificates: the server issues one per individual RT-PCR result by itself, none for the pool; asking for the
            // pool's is refused with the reason.
            let issued = try await app.services().certificates.issuePending(linkBase: "https://sentinel.example")
            #expect(issued == 2)
            let certified = try await app.database.read { db in
                try await db.raw("SELECT kind, source_type, qr_text FROM certificates ORDER BY source_id").all()
                    .map { (try $0.decode(column: "kind", as: String.self), try $0.decode(column: "qr_text", as: String.self)) }
            }
            #expect(certified.map(\.0) == ["test", "test"])
            for (_, qr) in certified {
                let result = try app.services().certificates.verify(qr)
                #expect(result.valid && result.kind == .test, "\(result.reasons)")
                #expect(result.payload.flatMap { DCCPayload.entry(of: $0)?.1[.text("tr")]?.textValue } == "260373001")
            }
            let (_, poolTests, _) = try await call(client, .get, "/api/v1/persons/\(people[2])/tests", token: cdc)
            let poolTest = try #require(((poolTests as? [String: Any])?["items"] as? [[String: Any]])?.first?["id"] as? Int)
            let (refused, why, _) = try await call(client, .post, "/api/v1/certificates", token: cdc, body: #"{"kind":"test","sourceId":"\#(poolTest)"}"#)
            #expect(refused == .conflict)
            #expect(((why as? [String: Any])?["detail"] as? String)?.contains("pooled") == true)

            // The citizen looks up their own results: ID number + phone on record; every miss answers the same.
            let idNumber = "075190022000", phone = "0922000000"
            let (found, own, _) = try await call(client, .post, "/api/v1/results/lookup", token: "", body: #"{"idNumber":"\#(idNumber)","phone":"+84 922 000 000"}"#)
            #expect(found == .ok)
            let entries = try #require((own as? [String: Any])?["results"] as? [[String: Any]])
            #expect(entries.first?["outcome"] as? String == "positive" && (entries.first?["certificate"] as? String)?.hasPrefix("URN:UVCI:01:VN:") == true)
            let loner = try await PersonRegistry(database: app.database).create(
                NewPerson(fullName: "Chưa Xét Nghiệm", idNumber: "075190099999", phones: ["0999999999"], communeCode: "25993"),
                by: cdcAccount.principal, trace: .cli("test"))
            var answers: [String] = []
            for body in [#"{"idNumber":"\#(idNumber)","phone":"0900000000"}"#, #"{"idNumber":"075190088888","phone":"\#(phone)"}"#,
                         #"{"idNumber":"075190099999","phone":"0999999999"}"#] {
                let (status, answer, _) = try await call(client, .post, "/api/v1/results/lookup", token: "", body: body)
                #expect(status == .notFound)
                answers.append((answer as? [String: Any])?["detail"] as? String ?? "")
            }
            #expect(Set(answers).count == 1, "wrong phone, unknown ID and no results look alike")
            _ = loner
            try await client.execute(uri: "/ket-qua/tra-cuu", method: .post,
                                     headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "sentinel_csrf=tok"],
                                     body: ByteBuffer(string: "_csrf=tok&idNumber=\(idNumber)&phone=\(phone)")) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("DƯƠNG TÍNH") && html.contains("SINGLE-0"))
            }
            // Five tries so far from this address; five more are answered, the eleventh within ten minutes is not.
            for _ in 0..<5 {
                #expect(try await call(client, .post, "/api/v1/results/lookup", token: "", body: #"{"idNumber":"1","phone":"2"}"#).0 == .notFound)
            }
            #expect(try await call(client, .post, "/api/v1/results/lookup", token: "", body: #"{"idNumber":"1","phone":"2"}"#).0 == .tooManyRequests)
        }
    }
}

/// A station names people the way it scans them: personal QR token, ID number (a walk-in is created), phone.
@Suite struct StationClaimsTests {
    /// A negative result of a contact under follow-up (alone or in a negative pool) is a `test` event in its case's
    /// history; a released contact, an F0 and a person with no case get none.
    @Test(arguments: TestDatabases.kinds)
    func aContactsNegativeTestIsAttachedToItsQuarantine(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            let (cdcAccount, cdc) = try await app.account(.epidemiologist, area: "75")
            let (_, sampler) = try await app.account(.sampler, area: "25993")
            let (_, lab) = try await app.account(.lab, area: "75")
            let people = try await LabAPITests.people(app, by: cdcAccount.principal, count: 5, prefix: "88")
            let today = LocalDay.string(Date())
            var cases: [Int] = []
            for (person, classification) in [(people[0], "F1"), (people[1], "F2"), (people[2], "F1"), (people[3], "F0")] {
                let facts = classification == "F0" ? #","facts":{"confirmedOn":"\#(today)"}"# : ""
                let (status, body, _) = try await call(client, .post, "/api/v1/cases", token: cdc,
                                                       body: #"{"personId":\#(person),"classification":"\#(classification)"\#(facts)}"#)
                #expect(status == .created)
                cases.append(try #require((body as? [String: Any])?["id"] as? Int))
            }
            // The third contact was quarantined and released before the result.
            #expect(try await call(client, .post, "/api/v1/cases/\(cases[2])/events", token: cdc,
                                   body: #"{"kind":"quarantine_start","day":"\#(today)","facts":{"quarantineSetting":"home"}}"#).0 == .ok)
            #expect(try await call(client, .post, "/api/v1/cases/\(cases[2])/events", token: cdc, body: #"{"kind":"release","day":"\#(today)"}"#).0 == .ok)
            // One tube alone (the F1), one pool of the rest.
            for (tube, ids) in [("QUAR-1", [people[0]]), ("QUAR-2", [people[1], people[2], people[3], people[4]])] {
                #expect(try await call(client, .post, "/api/v1/samples", token: sampler,
                                       body: #"{"tubeBarcode":"\#(tube)","personIds":[\#(ids.map(String.init).joined(separator: ","))],"method":"rt_pcr","specimenType":"np_swab"}"#).0 == .created)
                #expect(try await call(client, .post, "/api/v1/samples/\(tube)/result", token: lab, body: #"{"result":"negative"}"#).0 == .created)
            }
            let events = try await app.database.read { db in
                try await db.raw("SELECT case_id, day, detail FROM case_events WHERE kind = 'test' ORDER BY case_id").all()
                    .map { (try $0.decode(column: "case_id", as: Int.self), try $0.decode(column: "day", as: String.self), try $0.decode(column: "detail", as: String.self)) }
            }
            #expect(events.map(\.0) == [cases[0], cases[1]], "the F1 and the F2 under follow-up; not the released one, the F0 or the person with no case")
            #expect(events.first?.2.contains("ống QUAR-1") == true && events.last?.2.contains("ống QUAR-2 (mẫu gộp)") == true)
            #expect(events.allSatisfy { $0.1 == today })
        }
    }

    @Test func peopleByClaims() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (cdcAccount, _) = try await app.account(.epidemiologist, area: "75")
            let (_, sampler) = try await app.account(.sampler, area: "25993")
            let known = try await PersonRegistry(database: app.database).create(
                NewPerson(fullName: "Có Mã QR", idNumber: "075190055501", phones: ["0955000001"], communeCode: "25993"),
                by: cdcAccount.principal, trace: .cli("test"))
            let token = try await app.database.read { db in
                try await db.raw("SELECT qr_token FROM persons WHERE id = \(bind: known.id)").first()!.decode(column: "qr_token", as: String.self)
            }
            let body = #"{"tubeBarcode":"CLAIM-1","people":[{"personToken":"\#(token)"},{"idNumber":"075190055599"}],"method":"rt_pcr","specimenType":"np_swab","communeCode":"25993"}"#
            let (status, sample, _) = try await call(client, .post, "/api/v1/samples", token: sampler, body: body)
            #expect(status == .created)
            let ids = try #require((sample as? [String: Any])?["personIds"] as? [Int])
            #expect(ids.count == 2 && ids.contains(Int(known.id)))
            let walkIn = try await app.database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM persons WHERE id_number = '075190055599'").first()!.decode(column: "n", as: Int.self)
            }
            #expect(walkIn == 1)
            let (unknown, answer, _) = try await call(client, .post, "/api/v1/samples", token: sampler,
                                                      body: #"{"tubeBarcode":"CLAIM-2","people":[{"personToken":"nobody"}],"method":"rt_pcr","specimenType":"np_swab","communeCode":"25993"}"#)
            #expect(unknown == .unprocessableContent)
            #expect(((answer as? [String: Any])?["errors"] as? [[String: Any]])?.first?["field"] as? String == "people[0].personToken")
            #expect(try await call(client, .post, "/api/v1/samples", token: sampler,
                                   body: #"{"tubeBarcode":"CLAIM-3","people":[{"idNumber":"12"}],"method":"rt_pcr","specimenType":"np_swab"}"#).0 == .unprocessableContent)
        }
    }

    /// A station's account is bound to its facility: another station in the same commune may not add to, close, replay
    /// or print its tubes (403, audited as a facility refusal); an account bound to no facility and the laboratory
    /// are governed by the area alone.
    @Test(arguments: TestDatabases.kinds)
    func aStationActsOnlyOnItsOwnFacilitysTubes(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            let (cdcAccount, _) = try await app.account(.epidemiologist, area: "75")
            let (_, stationA) = try await app.account(.sampler, area: "25993", facility: "TYT-25993")
            let (_, stationB) = try await app.account(.sampler, area: "25993", facility: "BV-731")
            let (_, unbound) = try await app.account(.sampler, area: "25993")
            let (_, lab) = try await app.account(.lab, area: "75", facility: "CDC-LAB")
            let people = try await LabAPITests.people(app, by: cdcAccount.principal, count: 4, prefix: "66")
            let body = #"{"tubeBarcode":"FAC-0001","personIds":[\#(people[0])],"method":"rt_pcr","specimenType":"np_swab","poolSize":4,"clientId":"fac-a-1","communeCode":"25993"}"#
            #expect(try await call(client, .post, "/api/v1/samples", token: stationA, body: body).0 == .created)
            let owner = try await app.database.read {
                try await $0.raw("SELECT facility_id FROM samples WHERE tube_barcode = 'FAC-0001'").first()?.decode(column: "facility_id", as: String?.self)
            }
            #expect(owner == "TYT-25993")

            func denials() async throws -> Int {
                try await app.database.read {
                    try await $0.raw("SELECT COUNT(*) AS n FROM audit_log WHERE outcome = 'denied:facility' AND entity_id = 'FAC-0001'").first()!.decode(column: "n", as: Int.self)
                }
            }
            // The other facility: add, close, replay of the first station's save, and the slip are all refused.
            #expect(try await call(client, .post, "/api/v1/samples/FAC-0001/members", token: stationB, body: #"{"personId":\#(people[1])}"#).0 == .forbidden)
            #expect(try await call(client, .post, "/api/v1/samples/FAC-0001/close", token: stationB).0 == .forbidden)
            #expect(try await call(client, .post, "/api/v1/samples", token: stationB, body: body).0 == .forbidden)
            let (stationBAccount, _) = try await app.account(.sampler, area: "25993", facility: "BV-731")
            let web = try await app.sessions.issue(for: stationBAccount, kind: .web, lifetime: 600)
            try await client.execute(uri: "/samples/FAC-0001/slip", method: .get, headers: [.cookie: "sentinel_session=\(web.token)"]) { response in
                #expect(response.status == .forbidden)
                #expect(!String(buffer: response.body).contains("Người 66 0"), "the refusal shows none of the tube's people")
            }
            #expect(try await denials() == 4)
            let (_, stillOpen, _) = try await call(client, .get, "/api/v1/samples/FAC-0001", token: lab)
            #expect(((stillOpen as? [String: Any])?["personIds"] as? [Int])?.count == 1, "nothing the other facility tried changed the tube")

            // Its own station adds; an account bound to no facility is governed by the area alone; the lab receives.
            #expect(try await call(client, .post, "/api/v1/samples/FAC-0001/members", token: stationA, body: #"{"personId":\#(people[1])}"#).0 == .ok)
            #expect(try await call(client, .post, "/api/v1/samples/FAC-0001/members", token: unbound, body: #"{"personId":\#(people[2])}"#).0 == .ok)
            #expect(try await call(client, .post, "/api/v1/samples/FAC-0001/close", token: stationA).0 == .ok)
            let (_, received, _) = try await call(client, .post, "/api/v1/lab/receive", token: lab, body: #"{"tubes":["FAC-0001"]}"#)
            #expect(((received as? [String: Any])?["results"] as? [[String: Any]])?.first?["status"] as? String == "received")
            #expect(try await denials() == 4)
        }
    }
}

@Suite struct RegistrationTests {
    @Test(arguments: TestDatabases.kinds)
    func citizensRegisterAndListsAreImportedRowByRow(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            let (_, officer) = try await app.account(.districtOfficer, area: "731")
            let body = #"{"person":{"idNumber":"075190077701","name":"Tự Đăng Ký","phone":"0977000001"},"reason":"symptoms","communeCode":"25993"}"#
            let (created, first, _) = try await call(client, .post, "/api/v1/test-registrations", token: "", body: body)
            #expect(created == .created)
            let code = try #require((first as? [String: Any])?["code"] as? String)
            #expect(code.count == 8 && code.allSatisfy { "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".contains($0) })
            #expect(((first as? [String: Any])?["personToken"] as? String)?.isEmpty == false)
            let (_, again, _) = try await call(client, .post, "/api/v1/test-registrations", token: "", body: body)
            #expect((again as? [String: Any])?["personId"] as? Int == (first as? [String: Any])?["personId"] as? Int, "the same person, found again")
            #expect((again as? [String: Any])?["code"] as? String != code)
            #expect(try await call(client, .post, "/api/v1/test-registrations", token: "", body: body.replacingOccurrences(of: "symptoms", with: "boredom")).0 == .badRequest)
            #expect(try await call(client, .post, "/api/v1/test-registrations", token: "", body: #"{"person":{"name":"Ẩn Danh"},"reason":"work","communeCode":"25993"}"#).0 == .unprocessableContent)
            #expect(try await call(client, .post, "/api/v1/test-registrations", token: "", body: #"{"person":{"idNumber":"075190077702"},"reason":"work"}"#).0 == .unprocessableContent)

            // A company's list: good rows, a repeated worker, a bad ID, a bad commune, one outside the officer's district,
            // and the citizen who registered above (found again, not duplicated).
            let commune732 = try await AreaStore(database: app.database).children(of: "732", vintage: "2021").first!.code
            let csv = """
                full_name,id_number,phone,birth_year,commune_code
                Công Nhân Một,075190077710,0977000010,1990,25993
                Công Nhân Hai,075190077711,,1991,25993
                Công Nhân Một Lặp,075190077710,,1990,25993
                Sai Số,12345,,1992,25993
                Sai Xã,075190077712,,1993,999
                Xã Khác,075190077713,,1994,\(commune732)
                Tự Đăng Ký,075190077701,,1987,25993
                """
            let imported = try await client.execute(uri: "/api/v1/test-registrations/import?reason=work", method: .post,
                                                    headers: [.authorization: "Bearer \(officer)", .contentType: "text/csv"],
                                                    body: ByteBuffer(string: csv)) { response in
                (response.status, try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            }
            #expect(imported.0 == .ok)
            let rows = try #require(imported.1?["rows"] as? [[String: Any]])
            #expect(rows.map { $0["line"] as? Int } == [2, 3, 4, 5, 6, 7, 8])
            #expect(rows.map { $0["status"] as? String } == ["accepted", "accepted", "duplicate", "invalid", "invalid", "invalid", "accepted"])
            #expect(imported.1?["accepted"] as? Int == 3)
            #expect(((rows[5]["errors"] as? [[String: Any]])?.first?["reason"] as? String) == "outside your area")
            let denials = try await app.database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'test_registration' AND outcome LIKE 'denied%'")
                    .first()!.decode(column: "n", as: Int.self)
            }
            #expect(denials == 1, "the refusal is audited, once for the commune")
            let counts = try await app.database.read { db in
                (try await db.raw("SELECT COUNT(*) AS n FROM test_registrations").first()!.decode(column: "n", as: Int.self),
                 try await db.raw("SELECT COUNT(*) AS n FROM persons WHERE id_number = '075190077701'").first()!.decode(column: "n", as: Int.self))
            }
            #expect(counts.0 == 2 + 3 && counts.1 == 1)
            #expect(try await call(client, .post, "/api/v1/test-registrations/import?reason=party", token: officer, body: "x").0 == .unprocessableContent)
        }
    }
}
