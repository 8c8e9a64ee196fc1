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

/// The investigator's path in the browser: enter a positive case, trace, tick the candidates, confirm; the commune
/// station then starts their quarantine from its queue.
@Suite struct CasePagesTests {
    @Test func fromAPositiveCaseToAssignedContactsInTheBrowser() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (cdcAccount, _) = try await app.account(.epidemiologist, area: "75")
            let (stationAccount, _) = try await app.account(.communeOfficer, area: "25993")
            let (_, officer) = try await app.account(.districtOfficer, area: "731")
            let cdc = try await app.sessions.issue(for: cdcAccount, kind: .web, lifetime: 600)
            let station = try await app.sessions.issue(for: stationAccount, kind: .web, lifetime: 600)
            let (_, venueToken) = try await makeVenue(client, token: officer)
            for (id, minutesAgo) in [("075100000001", 120.0), ("075100000002", 100.0), ("075100000003", 110.0)] {
                let at = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-minutesAgo * 60))
                let body = #"{"eventId":"\#(UUID().uuidString)","venueToken":"\#(venueToken)","person":{"idNumber":"\#(id)","name":"Người \#(id.suffix(1))"},"checkedInAt":"\#(at)"}"#
                try await client.execute(uri: "/api/v1/checkins", method: .post, headers: .json(), body: ByteBuffer(string: body)) { #expect($0.status == .created) }
            }
            func form(_ session: IssuedToken) -> HTTPFields {
                [.cookie: "sentinel_session=\(session.token)", .contentType: "application/x-www-form-urlencoded"]
            }
            // Quick entry of the F0: the person checked in already (same ID number), so that record is reused.
            let today = LocalDay.string(Date())
            var casePath = ""
            try await client.execute(uri: "/cases", method: .post, headers: form(cdc), body: ByteBuffer(string:
                "_csrf=\(cdc.csrfToken)&fullName=Nguy%E1%BB%85n+V%C4%83n+An&idNumber=075100000001&communeCode=25993&confirmedOn=\(today)&severity=mild")) { response in
                #expect(response.status == .seeOther, "\(String(buffer: response.body))")
                casePath = response.headers[.location] ?? ""
            }
            #expect(casePath.hasPrefix("/cases/"))
            try await client.execute(uri: casePath, method: .get, headers: form(cdc)) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("075100000001") && html.contains("run-trace"), "the person who checked in, found again by ID number")
            }
            // Invalid input on the quick-entry form: the page comes back with the reason and what was typed.
            try await client.execute(uri: "/cases", method: .post, headers: form(cdc),
                                     body: ByteBuffer(string: "_csrf=\(cdc.csrfToken)&fullName=Tr%E1%BA%A7n&idNumber=12&communeCode=25993&confirmedOn=\(today)")) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("idNumber") && String(buffer: response.body).contains("value=\"Trần\""))
            }
            var runPath = ""
            try await client.execute(uri: casePath + "/trace", method: .post, headers: form(cdc),
                                     body: ByteBuffer(string: "_csrf=\(cdc.csrfToken)&marginMinutes=15&from=&to=")) { response in
                #expect(response.status == .seeOther)
                runPath = response.headers[.location] ?? ""
            }
            var boxes: [String] = []
            try await client.execute(uri: runPath, method: .get, headers: form(cdc)) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("Chợ Trảng Dài"), "the place visited")
                #expect(!html.contains("class=\"badge c-\""), "no empty badge for candidates without a case (an empty string is no value)")
                boxes = html.components(separatedBy: "name=\"p_").dropFirst().map { String($0.prefix { $0.isNumber }) }
            }
            #expect(boxes.count == 2)
            // A page of one: the first candidate, a link to the next; bad page fields are refused with a reason.
            try await client.execute(uri: runPath + "?limit=1", method: .get, headers: form(cdc)) { response in
                let html = String(buffer: response.body)
                #expect(html.components(separatedBy: "name=\"p_").count == 2 && html.contains("name=\"p_\(boxes[0])\""))
                #expect(html.contains("href=\"\(runPath)?offset=1&amp;limit=1\" rel=\"next\""), "\(html)")
                #expect(!html.contains("rel=\"prev\""))
                #expect(!html.contains("role=\"status\"") && !html.contains("role=\"alert\""), "no notice before any decision")
            }
            try await client.execute(uri: runPath + "?offset=1&limit=1", method: .get, headers: form(cdc)) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("name=\"p_\(boxes[1])\"") && html.contains("rel=\"prev\"") && !html.contains("rel=\"next\""))
            }
            try await client.execute(uri: runPath + "?minMinutes=lots", method: .get, headers: form(cdc)) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: runPath + "/decide", method: .post, headers: form(cdc), body: ByteBuffer(string:
                "_csrf=\(cdc.csrfToken)&quarantineSetting=home&decision=confirmed&" + boxes.map { "p_\($0)=1" }.joined(separator: "&"))) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location]?.hasSuffix("done=2") == true)
            }
            // Without the form token: refused.
            try await client.execute(uri: runPath + "/decide", method: .post, headers: form(cdc), body: ByteBuffer(string: "decision=confirmed&p_1=1")) {
                #expect($0.status == .forbidden)
            }
            var firstContact = ""
            try await client.execute(uri: "/cases/queue", method: .get, headers: form(station)) { response in
                let html = String(buffer: response.body)
                #expect(html.components(separatedBy: "<span class=\"badge c-F1\">").count == 3, "two F1 in the station's queue")
                firstContact = html.components(separatedBy: "action=\"/cases/").dropFirst().first.map { String($0.prefix { $0.isNumber }) } ?? ""
            }
            try await client.execute(uri: "/cases/\(firstContact)/events", method: .post, headers: form(station), body: ByteBuffer(string:
                "_csrf=\(station.csrfToken)&back=queue&kind=quarantine_start&day=\(today)&quarantineSetting=home")) { response in
                #expect(response.status == .seeOther && response.headers[.location] == "/cases/queue")
            }
            try await client.execute(uri: "/cases/\(firstContact)", method: .get, headers: form(station)) { response in
                #expect(String(buffer: response.body).contains(LocalDay.adding(13, to: today)!), "14 days at home from today")
            }
            // The places the F0 visited: flagged, published by an officer, then on the public page without names.
            try await client.execute(uri: "/noi-co-ca-benh", method: .get) { response in
                #expect(response.status == .ok && !String(buffer: response.body).contains("Chợ Trảng Dài"), "nothing public before publication")
            }
            var publishPath = ""
            try await client.execute(uri: "/cases/exposures", method: .get, headers: form(cdc)) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("Chợ Trảng Dài"))
                publishPath = html.components(separatedBy: "action=\"").dropFirst().first { $0.hasPrefix("/cases/exposures/") }.map { String($0.prefix { $0 != "\"" }) } ?? ""
            }
            try await client.execute(uri: publishPath, method: .post, headers: form(cdc), body: ByteBuffer(string: "_csrf=\(cdc.csrfToken)")) {
                #expect($0.status == .seeOther)
            }
            try await client.execute(uri: "/noi-co-ca-benh", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("Chợ Trảng Dài") && !html.contains("075100000001") && !html.contains("Người"), "place and times only")
            }
            try await client.execute(uri: "/api/v1/notices", method: .get) { response in
                let items = try #require((try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])?["items"] as? [[String: Any]])
                #expect(items.count == 1 && items[0]["venueName"] as? String == "Chợ Trảng Dài")
            }
            // The station cannot publish (it does not manage cases) nor trace.
            try await client.execute(uri: publishPath, method: .post, headers: form(station), body: ByteBuffer(string: "_csrf=\(station.csrfToken)")) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: casePath + "/trace", method: .post, headers: form(station),
                                     body: ByteBuffer(string: "_csrf=\(station.csrfToken)")) { #expect($0.status == .forbidden) }
        }
    }
}
