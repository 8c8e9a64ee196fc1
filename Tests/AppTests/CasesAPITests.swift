import Accounts
import App
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport

/// A JSON request through the app; returns the status and the decoded body (object or array). An empty token sends none.
func call(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, token: String, body: String? = nil) async throws
    -> (HTTPResponse.Status, Any?, ByteBuffer)
{
    try await client.execute(uri: uri, method: method, headers: .json(bearer: token.isEmpty ? nil : token), body: body.map { ByteBuffer(string: $0) }) { response in
        (response.status, try? JSONSerialization.jsonObject(with: Data(buffer: response.body)), response.body)
    }
}

@Suite struct CasesAPITests {
    @Test(arguments: TestDatabases.kinds)
    func anEpidemiologistGoesFromAPositiveCaseToAssignedContacts(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            let (_, cdc) = try await app.account(.epidemiologist, area: "75")
            let (_, officer) = try await app.account(.districtOfficer, area: "731")
            let (_, station) = try await app.account(.communeOfficer, area: "25993")
            let (_, longKhanh) = try await app.account(.districtOfficer, area: "732")
            let (_, venueToken) = try await makeVenue(client, token: officer)

            // People are entered once; the same ID number again is a 409 naming the existing person.
            var ids: [String: Int] = [:]
            for (name, id, phone) in [("Nguyễn Văn An", "075100000001", "0901000001"), ("Trần Thị Bình", "075100000002", "0901000002"),
                                      ("Lê Văn Cường", "075100000003", "0901000003")] {
                let (status, body, _) = try await call(client, .post, "/api/v1/persons", token: cdc,
                                                       body: #"{"fullName":"\#(name)","idNumber":"\#(id)","phones":["\#(phone)"],"communeCode":"25993"}"#)
                #expect(status == .created)
                ids[id] = (body as? [String: Any])?["id"] as? Int
            }
            let (dup, dupBody, _) = try await call(client, .post, "/api/v1/persons", token: cdc, body: #"{"fullName":"An","idNumber":"075100000001"}"#)
            #expect(dup == .conflict)
            #expect(((dupBody as? [String: Any])?["errors"] as? [[String: Any]])?.first?["field"] as? String == "idNumber")
            let (found, people, _) = try await call(client, .get, "/api/v1/persons?q=tran%20thi", token: cdc)
            #expect(found == .ok && ((people as? [String: Any])?["items"] as? [[String: Any]])?.count == 1)

            // Check-ins at the market: An and Bình overlap; Cường comes much later. One whole-second base, so the ISO
            // timestamps (whole seconds) give exact overlaps.
            let base = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            for (id, minutesAgo, stay) in [("075100000001", 300.0, 60.0), ("075100000002", 280.0, 90.0), ("075100000003", 60.0, 10.0)] {
                let at = ISO8601DateFormatter().string(from: base.addingTimeInterval(-minutesAgo * 60))
                let out = ISO8601DateFormatter().string(from: base.addingTimeInterval(-(minutesAgo - stay) * 60))
                let body = #"{"eventId":"\#(UUID().uuidString)","venueToken":"\#(venueToken)","person":{"idNumber":"\#(id)"},"checkedInAt":"\#(at)","checkedOutAt":"\#(out)"}"#
                try await client.execute(uri: "/api/v1/checkins", method: .post, headers: .json(), body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .created)
                }
            }

            let today = LocalDay.string(Date())
            let (opened, caseBody, _) = try await call(client, .post, "/api/v1/cases", token: cdc,
                                                       body: #"{"personId":\#(ids["075100000001"]!),"classification":"F0","facts":{"confirmedOn":"\#(today)","severity":"mild"}}"#)
            #expect(opened == .created)
            let caseID = try #require((caseBody as? [String: Any])?["id"] as? Int)

            // Trace: Bình is the one candidate, with the market as evidence.
            let (traced, runBody, _) = try await call(client, .post, "/api/v1/cases/\(caseID)/trace", token: cdc)
            #expect(traced == .created)
            let run = try #require(runBody as? [String: Any])
            let candidates = try #require(run["candidates"] as? [[String: Any]])
            #expect(candidates.map { $0["personId"] as? Int } == [ids["075100000002"]])
            let overlap = try #require((candidates.first?["overlapMinutes"] as? NSNumber)?.doubleValue)
            #expect(overlap == 55.0, "40 minutes together plus the 15-minute margin")
            #expect(((candidates.first?["evidence"] as? [[String: Any]])?.count) == 1)
            let runID = try #require(run["runId"] as? Int)

            // Confirm (twice: still one F1); the commune station sees it in its queue.
            for _ in 0..<2 {
                let (status, decided, _) = try await call(client, .post, "/api/v1/cases/\(caseID)/contacts", token: cdc,
                                                          body: #"{"runId":\#(runID),"personIds":[\#(ids["075100000002"]!)],"decision":"confirmed"}"#)
                #expect(status == .ok)
                #expect(((decided as? [String: Any])?["items"] as? [[String: Any]])?.first?["classification"] as? String == "F1")
            }
            let (_, queue, _) = try await call(client, .get, "/api/v1/cases/queue", token: station)
            let queued = try #require((queue as? [String: Any])?["items"] as? [[String: Any]])
            #expect(queued.map { $0["personId"] as? Int } == [ids["075100000002"]])
            let f1 = try #require(queued.first?["id"] as? Int)
            let (started, record, _) = try await call(client, .post, "/api/v1/cases/\(f1)/events", token: station,
                                                      body: #"{"kind":"quarantine_start","day":"\#(today)","facts":{"quarantineSetting":"centralised"}}"#)
            #expect(started == .ok)
            #expect(((record as? [String: Any])?["facts"] as? [String: Any])?["quarantineEnd"] as? String == LocalDay.adding(13, to: today))

            // The stored run shows the decision; the case shows its contact link.
            let (_, stored, _) = try await call(client, .get, "/api/v1/cases/\(caseID)/trace-runs/\(runID)", token: cdc)
            #expect((((stored as? [String: Any])?["candidates"] as? [[String: Any]])?.first?["decision"] as? String) == "confirmed")
            #expect((stored as? [String: Any])?["candidateCount"] as? Int == 1)
            let (_, pending, _) = try await call(client, .get, "/api/v1/cases/\(caseID)/trace-runs/\(runID)?decision=pending", token: cdc)
            #expect(((pending as? [String: Any])?["candidates"] as? [[String: Any]])?.isEmpty == true)
            #expect((pending as? [String: Any])?["matching"] as? Int == 0)
            for bad in ["limit=0", "limit=2001", "limit=ten", "offset=-1", "decision=maybe", "minMinutes=-5", "minMinutes=x"] {
                #expect(try await call(client, .get, "/api/v1/cases/\(caseID)/trace-runs/\(runID)?\(bad)", token: cdc).0 == .unprocessableContent, "\(bad)")
            }
            #expect(try await call(client, .post, "/api/v1/cases/\(caseID)/trace", token: cdc, body: #"{"limit":0}"#).0 == .unprocessableContent)
            let (_, detail, _) = try await call(client, .get, "/api/v1/cases/\(caseID)", token: cdc)
            #expect(((detail as? [String: Any])?["contacts"] as? [[String: Any]])?.count == 1)

            // Bad requests, each with a clear status.
            #expect(try await call(client, .post, "/api/v1/cases/\(f1)/trace", token: station).0 == .forbidden, "a commune station does not trace")
            #expect(try await call(client, .get, "/api/v1/cases/\(caseID)", token: longKhanh).0 == .forbidden, "another district's case")
            #expect(try await call(client, .post, "/api/v1/cases", token: cdc,
                                   body: #"{"personId":\#(ids["075100000001"]!),"classification":"F1"}"#).0 == .conflict, "one case per person")
            #expect(try await call(client, .post, "/api/v1/cases", token: cdc, body: #"{"personId":"x","classification":"F0"}"#).0 == .badRequest)
            #expect(try await call(client, .post, "/api/v1/cases", token: cdc,
                                   body: #"{"personId":\#(ids["075100000003"]!),"classification":"F9"}"#).0 == .badRequest)
            #expect(try await call(client, .post, "/api/v1/cases/\(caseID)/trace", token: cdc, body: "{not json").0 == .badRequest)
            #expect(try await call(client, .post, "/api/v1/cases/\(caseID)/trace", token: cdc, body: #"{"marginMinutes":-5}"#).0 == .unprocessableContent)
            #expect(try await call(client, .post, "/api/v1/cases/\(caseID)/contacts", token: cdc,
                                   body: #"{"runId":\#(runID),"personIds":[\#(ids["075100000003"]!)],"decision":"confirmed"}"#).0 == .unprocessableContent)
            #expect(try await call(client, .post, "/api/v1/cases/\(caseID)/contacts", token: cdc,
                                   body: #"{"runId":999999,"personIds":[1],"decision":"confirmed"}"#).0 == .notFound)
            #expect(try await call(client, .get, "/api/v1/cases/999999", token: cdc).0 == .notFound)
            #expect(try await call(client, .get, "/api/v1/cases?from=yesterday", token: cdc).0 == .unprocessableContent)
            let (_, f1Detail, _) = try await call(client, .get, "/api/v1/cases/\(f1)", token: cdc)
            let f1Person = try #require(((f1Detail as? [String: Any])?["record"] as? [String: Any])?["personId"] as? Int)
            #expect(f1Person == ids["075100000002"])
            // An F1 is traced for F2; an F2 or a suspected case is not (409 with the reason).
            let (suspected, suspectedBody, _) = try await call(client, .post, "/api/v1/cases", token: cdc,
                                                               body: #"{"personId":\#(ids["075100000003"]!),"classification":"suspected"}"#)
            #expect(suspected == .created)
            let suspectedID = try #require((suspectedBody as? [String: Any])?["id"] as? Int)
            let (refused, problem, _) = try await call(client, .post, "/api/v1/cases/\(suspectedID)/trace", token: cdc)
            #expect(refused == .conflict)
            #expect(((problem as? [String: Any])?["detail"] as? String)?.contains("only F0") == true)
        }
    }

    @Test func caseListsExportToCSVAndToAnXLSXThatLibreOfficeOpens() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (_, cdc) = try await app.account(.epidemiologist, area: "75")
            let names = ["Nguyễn Thị Ánh", "Trần \"Bé\", Út", "=HYPERLINK(\"x\")"]
            for (i, name) in names.enumerated() {
                let (_, person, _) = try await call(client, .post, "/api/v1/persons", token: cdc,
                                                    body: try String(decoding: JSONSerialization.data(withJSONObject: [
                                                        "fullName": name, "idNumber": "07510000000\(i)", "birthYear": 1990 + i, "communeCode": "25993",
                                                    ]), as: UTF8.self))
                let id = try #require((person as? [String: Any])?["id"] as? Int)
                #expect(try await call(client, .post, "/api/v1/cases", token: cdc,
                                       body: #"{"personId":\#(id),"classification":"F0","facts":{"confirmedOn":"2021-09-0\#(i + 1)"}}"#).0 == .created)
            }
            let (_, _, csvBody) = try await call(client, .get, "/api/v1/cases?format=csv", token: cdc)
            let rows = try CSV.parse(String(buffer: csvBody))
            #expect(rows.count == 4)
            #expect(rows.dropFirst().map { $0.fields[2] }.sorted() == ["'=HYPERLINK(\"x\")", "Nguyễn Thị Ánh", "Trần \"Bé\", Út"])

            let (status, _, xlsx) = try await call(client, .get, "/api/v1/cases?format=xlsx&classification=F0", token: cdc)
            #expect(status == .ok)
            guard ExternalTool.required("libreoffice") else { return }
            let converted = try ExternalTool.libreOfficeCSV(xlsx: Data(buffer: xlsx))
            let table = try CSV.parse(converted)
            #expect(table.count == 4, "\(converted)")
            #expect(table.first?.fields.first == "Mã ca")
            #expect(Set(table.dropFirst().map { $0.fields[2] }) == Set(names), "text survives, including a formula-looking name as text")
            #expect(Set(table.dropFirst().map { $0.fields[3] }) == ["1990", "1991", "1992"], "numbers are numbers")
        }
    }
}
