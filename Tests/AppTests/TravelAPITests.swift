import Accounts
import App
import CheckIn
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport

@Suite struct TravelAPITests {
    static func declaration(checkpoint: Int, clientId: String = UUID().uuidString, plate: String = "51F-234.56", destination: String = "25993",
                            people: String = #"[{"person":{"idNumber":"079085001234","phone":"0903123456","name":"Huỳnh Văn Phúc"}},{"person":{"phone":"0903123456","name":"Huỳnh Thị <b>Mai</b>"},"testStatus":"rapid_negative","testDay":"TODAY"}]"#)
        -> String
    {
        #"{"clientId":"\#(clientId)","checkpointId":\#(checkpoint),"direction":"entering","plate":"\#(plate)","vehicleType":"car","origin":"79","destination":"\#(destination)","destinationDetail":"Số 12 Đồng Khởi","route":"Cầu Hóa An","occupants":\#(people.replacingOccurrences(of: "TODAY", with: LocalDay.string(Date())))}"#
    }

    @Test(arguments: TestDatabases.kinds)
    func aCheckpointRecordsAVehicleAndTheDistrictDownloadsItsArrivals(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            let (_, officer) = try await app.account(.districtOfficer, area: "731")
            let (_, longKhanh) = try await app.account(.districtOfficer, area: "732")
            let (guardAccount, guardToken) = try await app.account(.checkpointOfficer, area: "731")
            let (_, cdc) = try await app.account(.epidemiologist, area: "75")

            let (created, checkpoint, _) = try await call(client, .post, "/api/v1/checkpoints", token: officer,
                                                          body: #"{"code":"BH-HOAAN","name":"Chốt cầu Hóa An","communeCode":"26068","road":"ĐT 768"}"#)
            #expect(created == .created)
            let checkpointId = try #require((checkpoint as? [String: Any])?["id"] as? Int)
            #expect(try await call(client, .post, "/api/v1/checkpoints", token: guardToken,
                                   body: #"{"code":"X-1","name":"x","communeCode":"26068"}"#).0 == .forbidden, "checkpoint staff do not open checkpoints")
            let (_, listed, _) = try await call(client, .get, "/api/v1/checkpoints", token: guardToken)
            #expect(((listed as? [String: Any])?["items"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["BH-HOAAN"])

            // Recorded once; the resend is the same slip.
            let clientId = UUID().uuidString
            let body = Self.declaration(checkpoint: checkpointId, clientId: clientId)
            let (status, receipt, _) = try await call(client, .post, "/api/v1/travel-declarations", token: guardToken, body: body)
            #expect(status == .created)
            let slip = try #require((receipt as? [String: Any])?["slipCode"] as? String)
            let (again, replay, _) = try await call(client, .post, "/api/v1/travel-declarations", token: guardToken, body: body)
            #expect(again == .ok && (replay as? [String: Any])?["slipCode"] as? String == slip && (replay as? [String: Any])?["duplicate"] as? Bool == true)

            // The district downloads its list: CSV with a BOM, one line per person, names as typed (no HTML is run anywhere).
            let day = LocalDay.string(Date())
            try await client.execute(uri: "/api/v1/itineraries.csv?date=\(day)&destination=731", method: .get, headers: .bearer(officer)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                #expect(response.headers[.contentDisposition]?.contains("lo-trinh-731-\(day).csv") == true)
                let bytes = Array(response.body.readableBytesView)
                #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
                let records = try CSV.parse(String(decoding: bytes, as: UTF8.self))
                #expect(records.count == 3 && records[0].fields == ItineraryCSV.header)
                #expect(records[1].fields[7] == "Huỳnh Văn Phúc" && records[2].fields[7] == "Huỳnh Thị <b>Mai</b>")
                #expect(records[1].fields[4] == "51F-234.56" && records[1].fields[6] == "Lái xe" && records[2].fields[19] == "Test nhanh âm tính")
            }
            let (_, counts, _) = try await call(client, .get, "/api/v1/itineraries?date=\(day)", token: officer)
            let items = (counts as? [String: Any])?["items"] as? [[String: Any]]
            #expect(items?.count == 1 && items?.first?["destination"] as? String == "731" && items?.first?["people"] as? Int == 2)
            // Another district, another province's list for a district: refused. The province reads other provinces' lists.
            #expect(try await call(client, .get, "/api/v1/itineraries.csv?date=\(day)&destination=731", token: longKhanh).0 == .forbidden)
            #expect(try await call(client, .get, "/api/v1/itineraries.csv?date=\(day)&destination=79", token: officer).0 == .forbidden)
            #expect(try await call(client, .get, "/api/v1/itineraries.csv?date=\(day)&destination=79", token: cdc).0 == .ok)
            #expect(try await call(client, .get, "/api/v1/itineraries.csv?date=\(day)&destination=98", token: cdc).0 == .notFound)
            #expect(try await call(client, .get, "/api/v1/itineraries.csv?date=\(day)", token: cdc).0 == .unprocessableContent)
            #expect(try await call(client, .get, "/api/v1/itineraries.csv?date=2021-02-30&destination=731", token: cdc).0 == .unprocessableContent)
            #expect(try await call(client, .get, "/api/v1/itineraries.csv?date=\(day)&destination=731", token: guardToken).0 == .forbidden,
                    "the checkpoint records; reading lists is the destination's")

            // The API view of the slip is for staff; the public check has no names and is reached without signing in.
            let (_, slipBody, _) = try await call(client, .get, "/api/v1/travel-declarations/\(slip)", token: guardToken)
            #expect(((slipBody as? [String: Any])?["people"] as? [[String: Any]])?.count == 2)
            #expect(try await call(client, .get, "/api/v1/travel-declarations/\(slip)", token: longKhanh).0 == .forbidden)
            let (publicStatus, _, publicBody) = try await call(client, .get, "/api/v1/travel-slips/\(slip)", token: "")
            #expect(publicStatus == .ok && !String(buffer: publicBody).contains("Huỳnh") && String(buffer: publicBody).contains("51F-234.**"))
            #expect(try await call(client, .get, "/api/v1/travel-slips/NOSUCH99", token: "").0 == .notFound)

            // The pages: the entry page, the printed slip with its QR, the public check, the district's arrivals.
            let web = try await app.sessions.issue(for: guardAccount, kind: .web, lifetime: 600)
            try await client.execute(uri: "/checkpoint", method: .get, headers: [.cookie: "sentinel_session=\(web.token)"]) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok && html.contains("Chốt cầu Hóa An") && html.contains("/static/checkpoint.js"))
                #expect(html.contains(#"value="25993 Phường Trảng Dài, Thành phố Biên Hòa""#) && html.contains(#"value="79 Thành phố Hồ Chí Minh""#))
                #expect(!html.contains(#"value="75 "#), "the province itself is named by its communes")
                #expect(html.contains(#"href="/checkpoint/slips/\#(slip)""#) && html.contains("51F-234.56"), "today's vehicles, to reprint a slip")
            }
            // A scanned personal QR shows who it names (audited); for checkpoint staff only.
            let (_, registered, _) = try await call(client, .post, "/api/v1/test-registrations", token: "",
                                                    body: #"{"person":{"idNumber":"075190004321","name":"Quét Ở Chốt","birthYear":1988},"reason":"travel","communeCode":"25993"}"#)
            let personToken = try #require((registered as? [String: Any])?["personToken"] as? String)
            try await client.execute(uri: "/checkpoint/identity/\(personToken)", method: .get, headers: [.cookie: "sentinel_session=\(web.token)"]) { response in
                let who = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(response.status == .ok && who?["name"] as? String == "Quét Ở Chốt" && who?["birthYear"] as? Int == 1988)
                #expect(who?["idNumberEnd"] as? String == "…4321" && !String(buffer: response.body).contains("075190004321"))
            }
            try await client.execute(uri: "/checkpoint/identity/nobody-has-this-token-xx", method: .get, headers: [.cookie: "sentinel_session=\(web.token)"]) {
                #expect($0.status == .notFound)
            }
            let scans = try await app.database.read {
                try await $0.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'read:scanned'").first()!.decode(column: "n", as: Int.self)
            }
            #expect(scans == 1)
            try await client.execute(uri: "/checkpoint/slips/\(slip)", method: .get, headers: [.cookie: "sentinel_session=\(web.token)"]) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok && html.contains("<svg") && html.contains("51F-234.56") && html.contains("Huỳnh Văn Phúc"))
                #expect(html.contains("Huỳnh Thị &lt;b&gt;Mai&lt;/b&gt;") && !html.contains("<b>Mai</b>"), "stored text is shown inert")
                #expect(html.contains("/phieu-qua-chot/\(slip)") && html.contains("/khai-bao"))
            }
            try await client.execute(uri: "/phieu-qua-chot/\(slip)", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok && html.contains("Chốt cầu Hóa An") && !html.contains("Huỳnh"))
            }
            try await client.execute(uri: "/phieu-qua-chot/%3Cscript%3E", method: .get) { response in
                #expect(response.status == .notFound && !String(buffer: response.body).contains("<script>"))
            }
            let (officerAccount, _) = try await app.account(.districtOfficer, area: "731", username: "arrivals-officer")
            let officerWeb = try await app.sessions.issue(for: officerAccount, kind: .web, lifetime: 600)
            try await client.execute(uri: "/itineraries?date=\(day)", method: .get, headers: [.cookie: "sentinel_session=\(officerWeb.token)"]) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok && html.contains("Thành phố Biên Hòa") && html.contains("destination=731"))
            }
            // The officer's page of checkpoints: open one by form, a bad form answered with its fields, close one.
            let officerCookie = "sentinel_session=\(officerWeb.token)"
            try await client.execute(uri: "/checkpoint/identity/\(personToken)", method: .get, headers: [.cookie: officerCookie]) {
                #expect($0.status == .forbidden, "only checkpoint staff look people up by their QR")
            }
            let form: HTTPFields = [.cookie: officerCookie, .contentType: "application/x-www-form-urlencoded"]
            try await client.execute(uri: "/checkpoints", method: .post, headers: form,
                                     body: ByteBuffer(string: "_csrf=\(officerWeb.csrfToken)&code=BH-TANVAN&name=Ch%E1%BB%91t+T%C3%A2n+V%E1%BA%A1n&communeCode=26059&road=QL1A")) {
                #expect($0.status == .seeOther || $0.status == .found || $0.status == .movedPermanently || $0.status.code == 303, "\($0.status)")
            }
            try await client.execute(uri: "/checkpoints", method: .post, headers: form,
                                     body: ByteBuffer(string: "_csrf=\(officerWeb.csrfToken)&code=&name=&communeCode=")) { response in
                #expect(response.status == .unprocessableContent && String(buffer: response.body).contains("code"))
            }
            try await client.execute(uri: "/checkpoints/\(checkpointId)/close", method: .post, headers: form,
                                     body: ByteBuffer(string: "_csrf=\(officerWeb.csrfToken)")) { #expect($0.status.code < 400) }
            try await client.execute(uri: "/checkpoints", method: .get, headers: [.cookie: officerCookie]) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("BH-TANVAN") && html.contains("Chốt Tân Vạn") && html.contains("/checkpoints/\(checkpointId)/open"))
            }
            #expect(try await call(client, .post, "/api/v1/travel-declarations", token: guardToken,
                                   body: Self.declaration(checkpoint: checkpointId)).0 == .conflict, "a closed checkpoint records nothing")
        }
    }

    @Test func badRequestsGetAClearAnswerAndStoreNothing() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (_, officer) = try await app.account(.districtOfficer, area: "731")
            let (_, guardToken) = try await app.account(.checkpointOfficer, area: "731")
            let (_, _, checkpoint) = try await call(client, .post, "/api/v1/checkpoints", token: officer,
                                                    body: #"{"code":"BH-1","name":"Chốt","communeCode":"26068"}"#)
            let id = try #require((try JSONSerialization.jsonObject(with: Data(buffer: checkpoint)) as? [String: Any])?["id"] as? Int)
            for (body, want) in [
                ("{not json", HTTPResponse.Status.badRequest), (#"{"clientId":1}"#, .badRequest), ("[]", .badRequest),
                (#"{"clientId":"x","checkpointId":"one"}"#, .badRequest),
                (Self.declaration(checkpoint: id, plate: "nope"), .unprocessableContent),
                (Self.declaration(checkpoint: id, destination: "74"), .unprocessableContent),
                (Self.declaration(checkpoint: 424_242), .notFound),
                (Self.declaration(checkpoint: id, people: #"[{"person":{"idNumber":"' OR 1=1 --","name":"x"}}]"#), .unprocessableContent),
                (Self.declaration(checkpoint: id, people: "[" + Array(repeating: #"{"person":{"phone":"0912345678","name":"A"}}"#, count: 101).joined(separator: ",") + "]"),
                 .unprocessableContent),
            ] {
                let (status, problem, _) = try await call(client, .post, "/api/v1/travel-declarations", token: guardToken, body: body)
                #expect(status == want, "\(body.prefix(60))")
                if status == .unprocessableContent { #expect(((problem as? [String: Any])?["errors"] as? [Any])?.isEmpty == false) }
            }
            let huge = Self.declaration(checkpoint: id, people: #"[{"person":{"phone":"0912345678","name":""# + String(repeating: "A", count: 2 << 20) + #""}}]"#)
            #expect(try await call(client, .post, "/api/v1/travel-declarations", token: guardToken, body: huge).0 == .contentTooLarge)
            #expect(try await call(client, .post, "/api/v1/travel-declarations", token: "", body: Self.declaration(checkpoint: id)).0 == .unauthorized)
            let stored = try await app.database.read {
                try await $0.raw("SELECT COUNT(*) AS n FROM travel_declarations").first()!.decode(column: "n", as: Int.self)
            }
            #expect(stored == 0)
        }
    }
}
