import Accounts
import App
import CheckIn
import Domain
import Foundation
import Geography
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Storage
import Testing
import TestSupport

func checkInJSON(token: String, id: String = UUID().uuidString, idNumber: String = "075123456789", minutesAgo: Double = 5) -> String {
    let at = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-minutesAgo * 60))
    return #"{"eventId":"\#(id)","venueToken":"\#(token)","person":{"idNumber":"\#(idNumber)","name":"Nguyễn Văn An"},"checkedInAt":"\#(at)"}"#
}

/// Registers a venue through the API as `token`'s account and returns (id, venue token).
func makeVenue(_ client: some TestClientProtocol, token: String, commune: String = "25993", name: String = "Chợ Trảng Dài") async throws
    -> (Int, String)
{
    let body = #"{"name":"\#(name)","type":"market","address":"Khu phố 4","communeCode":"\#(commune)"}"#
    var result = (0, "")
    try await client.execute(uri: "/api/v1/venues", method: .post, headers: .json(bearer: token), body: ByteBuffer(string: body)) { response throws in
        #expect(response.status == .created, "\(String(buffer: response.body))")
        let json = try json(response.body)
        result = (try #require(json["id"] as? Int), try #require(json["token"] as? String))
    }
    return result
}

@Suite struct CheckInAPITests {
    @Test(arguments: TestDatabases.kinds)
    func singleEventsArePublicIdempotentAndRefusedClearly(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            let (_, officer) = try await app.account(.districtOfficer, area: "731")
            let (venueID, venueToken) = try await makeVenue(client, token: officer)
            let id = UUID().uuidString
            let body = ByteBuffer(string: checkInJSON(token: venueToken, id: id))
            try await client.execute(uri: "/api/v1/checkins", method: .post, headers: .json(), body: body) { response throws in
                #expect(response.status == .created)
                #expect(try json(response.body)["status"] as? String == "accepted")
            }
            try await client.execute(uri: "/api/v1/checkins", method: .post, headers: .json(), body: body) { response throws in
                #expect(response.status == .ok)
                #expect(try json(response.body)["status"] as? String == "duplicate")
            }
            try await client.execute(uri: "/api/v1/checkins", method: .post, headers: .json(),
                                     body: ByteBuffer(string: checkInJSON(token: "unknown-token-unknown-token"))) { response throws in
                #expect(response.status == .notFound)
                #expect(try json(response.body)["reason"] as? String == "unknown_venue")
            }
            try await client.execute(uri: "/api/v1/checkins", method: .post, headers: .json(),
                                     body: ByteBuffer(string: checkInJSON(token: venueToken, minutesAgo: -30))) { response throws in
                #expect(response.status == .unprocessableContent)
                #expect(try json(response.body)["reason"] as? String == "in_future")
            }
            try await client.execute(uri: "/api/v1/venues/\(venueID)/suspend", method: .post, headers: .bearer(officer)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/checkins", method: .post, headers: .json(),
                                     body: ByteBuffer(string: checkInJSON(token: venueToken))) { response throws in
                #expect(response.status == .gone)
            }
            try await client.execute(uri: "/api/v1/checkins", method: .post, headers: .json(), body: ByteBuffer(string: "{\"eventId\": 5}")) {
                #expect($0.status == .badRequest)
            }
            let stored = try await app.database.read {
                try await $0.raw("SELECT COUNT(*) AS n FROM checkins").first()!.decode(column: "n", as: Int.self)
            }
            #expect(stored == 1)
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func batchesNeedASignedInSenderAndReportEachEvent(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            let (_, officer) = try await app.account(.districtOfficer, area: "731")
            let (_, venueToken) = try await makeVenue(client, token: officer)
            let (_, operatorToken) = try await app.account(.venueOperator, area: "25993")
            let (_, leader) = try await app.account(.leader, area: "75")
            let good = (0..<5).map { checkInJSON(token: venueToken, idNumber: String(format: "075%09d", $0)) }
            let batch = "[" + (good + [checkInJSON(token: venueToken, id: "bad-id")]).joined(separator: ",") + "]"
            try await client.execute(uri: "/api/v1/checkins", method: .post, headers: .json(), body: ByteBuffer(string: batch)) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/api/v1/checkins", method: .post, headers: .json(bearer: leader), body: ByteBuffer(string: batch)) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/checkins", method: .post, headers: .json(bearer: operatorToken),
                                     body: ByteBuffer(string: batch)) { response throws in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect(body["accepted"] as? Int == 5)
                #expect(body["rejected"] as? Int == 1)
                let results = try #require(body["results"] as? [[String: Any]])
                #expect(results.last?["reason"] as? String == "invalid_event_id")
            }
            let tooMany = "[" + Array(repeating: checkInJSON(token: venueToken), count: 1001).joined(separator: ",") + "]"
            try await client.execute(uri: "/api/v1/checkins", method: .post, headers: .json(bearer: operatorToken),
                                     body: ByteBuffer(string: tooMany)) {
                #expect($0.status == .contentTooLarge)
            }
        }
    }

    @Test func operatorsSeeOnlyTheirOwnVenuesAndOfficersOnlyTheirArea() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (_, owner) = try await app.account(.venueOperator, area: "25993")
            let (_, stranger) = try await app.account(.venueOperator, area: "25993")
            let (_, officer731) = try await app.account(.districtOfficer, area: "731")
            let (_, officer732) = try await app.account(.districtOfficer, area: "732")
            let (venueID, _) = try await makeVenue(client, token: owner, name: "Quán Phở Hà Nội")
            try await client.execute(uri: "/api/v1/venues/\(venueID)", method: .get, headers: .bearer(owner)) { response throws in
                #expect(try json(response.body)["status"] as? String == "pending")
            }
            let deniedBefore = try await app.database.read {
                try await $0.raw("SELECT COUNT(*) AS n FROM audit_log WHERE outcome LIKE 'denied%'").first()!.decode(column: "n", as: Int.self)
            }
            try await client.execute(uri: "/api/v1/venues/\(venueID)/checkins", method: .get, headers: .bearer(stranger)) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/venues/\(venueID)/qr.png", method: .get, headers: .bearer(officer732)) {
                #expect($0.status == .forbidden)
            }
            let deniedAfter = try await app.database.read {
                try await $0.raw("SELECT COUNT(*) AS n FROM audit_log WHERE outcome LIKE 'denied%'").first()!.decode(column: "n", as: Int.self)
            }
            #expect(deniedAfter == deniedBefore + 2)
            try await client.execute(uri: "/api/v1/venues/\(venueID)/approve", method: .post, headers: .bearer(officer731)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/venues/\(venueID)/checkins", method: .get, headers: .bearer(owner)) { response throws in
                #expect(response.status == .ok)
                #expect((try json(response.body)["items"] as? [Any])?.isEmpty == true)
            }
            let reads = try await app.database.read {
                try await $0.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'read:checkins'").first()!.decode(column: "n", as: Int.self)
            }
            #expect(reads == 1, "reading a check-in log is audited")
        }
    }

    /// zbarimg reads the venue's QR code back to its check-in address.
    @Test(.enabled(if: ExternalTool.required("zbarimg")))
    func theQRCodeLeadsToTheCheckInPage() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (_, officer) = try await app.account(.districtOfficer, area: "731")
            let (venueID, venueToken) = try await makeVenue(client, token: officer)
            try await client.execute(uri: "/api/v1/venues/\(venueID)/qr.png", method: .get, headers: .bearer(officer)) { response throws in
                #expect(response.headers[.contentType] == "image/png")
                #expect(try ExternalTool.zbar(png: Array(buffer: response.body)) == [app.config.checkInURL(venueToken)])
            }
            try await client.execute(uri: "/api/v1/venues/\(venueID)/qr.svg", method: .get, headers: .bearer(officer)) { response throws in
                #expect(String(buffer: response.body).hasPrefix("<svg"))
            }
        }
    }
}

@Suite struct CheckInPageTests {
    @Test func theCitizenPageIsLightAndWorksWithoutJavaScript() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (_, officer) = try await app.account(.districtOfficer, area: "731")
            let (_, venueToken) = try await makeVenue(client, token: officer)
            var csrf = ""
            var total = 0
            try await client.execute(uri: "/c/\(venueToken)", method: .get) { response throws in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("Chợ Trảng Dài"))
                csrf = try #require(cookie("sentinel_csrf", in: response))
                total += response.body.readableBytes
            }
            for asset in ["/static/checkin.css", "/static/checkin.js"] {
                try await client.execute(uri: asset, method: .get) { response throws in
                    #expect(response.status == .ok)
                    total += response.body.readableBytes
                }
            }
            #expect(total < 30 * 1024, "the check-in page weighs \(total) bytes")
            let form = "_csrf=\(csrf)&name=Tr%E1%BA%A7n+B%C3%ACnh&phone=0912345678&idNumber=&birthYear=1990"
            try await client.execute(uri: "/c/\(venueToken)", method: .post,
                                     headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "sentinel_csrf=\(csrf)"],
                                     body: ByteBuffer(string: form)) { response throws in
                #expect(response.status == .created)
                #expect(String(buffer: response.body).contains("Đã ghi nhận"))
            }
            try await client.execute(uri: "/c/not-a-real-venue-token-at-all", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test func officersSeeThePosterOnlyInTheirArea() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (_, officerToken) = try await app.account(.districtOfficer, area: "731")
            let (venueID, _) = try await makeVenue(client, token: officerToken)
            let (a731, _) = try await app.account(.districtOfficer, area: "731")
            let (a732, _) = try await app.account(.districtOfficer, area: "732")
            let inside = try await app.sessions.issue(for: a731, kind: .web, lifetime: 600)
            let outside = try await app.sessions.issue(for: a732, kind: .web, lifetime: 600)
            try await client.execute(uri: "/venues/\(venueID)/poster", method: .get, headers: [.cookie: "sentinel_session=\(inside.token)"]) { response throws in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("QUÉT MÃ QR KHI VÀO") && html.contains("<svg"))
            }
            try await client.execute(uri: "/venues/\(venueID)/poster", method: .get, headers: [.cookie: "sentinel_session=\(outside.token)"]) {
                #expect($0.status == .forbidden)
            }
        }
    }
}

@Suite struct VenueImportTests {
    @Test(arguments: TestDatabases.kinds)
    func goodRowsAreRegisteredAndBadRowsReportedByLine(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            let (_, officer) = try await app.account(.districtOfficer, area: "731")
            let commune732 = try await AreaStore(database: app.database).children(of: "732", vintage: "2021").first!.code
            let csv = """
                name,type,address,commune_code,latitude,longitude
                Công ty May Đồng Nai,business,KCN Biên Hòa 1,25993,10.93,106.87
                "Chợ Tân Phong, khu B",market,Tân Phong,25996,,
                ,school,nowhere,25993,,
                Nhà thờ,temple,Hố Nai,26002,,
                Quán xa,restaurant,Long Khánh,\(commune732),,
                Bệnh viện,hospital,?,99999,,

                """
            try await client.execute(uri: "/api/v1/venues/import", method: .post,
                                     headers: [.authorization: "Bearer \(officer)", .contentType: "text/csv"],
                                     body: ByteBuffer(string: csv)) { response throws in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect(body["registered"] as? Int == 2)
                let errors = try #require(body["errors"] as? [[String: String]])
                #expect(errors.map { $0["field"]! } == ["line 4.name", "line 5.type", "line 6.commune_code", "line 7.commune_code"])
            }
            try await client.execute(uri: "/api/v1/venues?status=approved", method: .get, headers: .bearer(officer)) { response throws in
                let names = (try json(response.body)["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
                #expect(Set(names) == ["Công ty May Đồng Nai", "Chợ Tân Phong, khu B"])
            }
            try await client.execute(uri: "/api/v1/venues/import", method: .post,
                                     headers: [.authorization: "Bearer \(officer)", .contentType: "text/csv"],
                                     body: ByteBuffer(string: "nom,typ\n1,2\n")) { response throws in
                #expect(response.status == .badRequest)
            }
        }
    }
}

@Suite struct ScannerTests {
    @Test func aVenueScansPersonalQRCodesThroughBriefOutagesWithoutDuplicates() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (owner, ownerToken) = try await app.account(.venueOperator, area: "25993")
            let (stranger, _) = try await app.account(.venueOperator, area: "25993")
            let (_, officer) = try await app.account(.districtOfficer, area: "731")
            let (venueID, _) = try await makeVenue(client, token: ownerToken, name: "Xưởng may")
            try await client.execute(uri: "/api/v1/venues/\(venueID)/approve", method: .post, headers: .bearer(officer)) { #expect($0.status == .ok) }

            // A citizen gets a personal QR code (no login; pre-login CSRF cookie).
            var csrf = ""
            try await client.execute(uri: "/my-qr", method: .get) { response throws in csrf = try #require(cookie("sentinel_csrf", in: response)) }
            try await client.execute(uri: "/my-qr", method: .post,
                                     headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "sentinel_csrf=\(csrf)"],
                                     body: ByteBuffer(string: "_csrf=\(csrf)&name=L%C3%AA+Th%E1%BB%8B+H%E1%BB%93ng&idNumber=075198700001")) { response throws in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("<svg"))
            }
            let personToken = try await app.database.read {
                try await $0.raw("SELECT qr_token FROM persons WHERE id_number = '075198700001'").first()!.decode(column: "qr_token", as: String.self)
            }

            let web = try await app.sessions.issue(for: owner, kind: .web, lifetime: 600)
            try await client.execute(uri: "/venues/\(venueID)/scan", method: .get, headers: [.cookie: "sentinel_session=\(web.token)"]) {
                #expect($0.status == .ok)
            }
            let at = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-30))
            let scans = #"[{"eventId":"6f1c1d5e-8f43-4b8e-9d0a-2a3e4b5c6d7e","personToken":"\#(personToken)","checkedInAt":"\#(at)"},"#
                + #"{"eventId":"7a2b3c4d-1111-4222-8333-944455566677","personToken":"forged-token","checkedInAt":"\#(at)"}]"#
            var headers: HTTPFields = [.cookie: "sentinel_session=\(web.token)", .contentType: "application/json"]
            try await client.execute(uri: "/venues/\(venueID)/scan/batch", method: .post, headers: headers, body: ByteBuffer(string: scans)) {
                #expect($0.status == .forbidden, "no CSRF header")
            }
            headers[HTTPField.Name("X-CSRF-Token")!] = web.csrfToken
            for expected in ["accepted", "duplicate"] {   // the second send is the browser retrying after an outage
                try await client.execute(uri: "/venues/\(venueID)/scan/batch", method: .post, headers: headers, body: ByteBuffer(string: scans)) { response throws in
                    #expect(response.status == .ok)
                    let results = try #require(try json(response.body)["results"] as? [[String: Any]])
                    #expect(results.map { $0["status"] as? String } == [expected, "rejected"])
                    #expect(results.last?["reason"] as? String == "unknown_person_token")
                }
            }
            let strangerWeb = try await app.sessions.issue(for: stranger, kind: .web, lifetime: 600)
            try await client.execute(uri: "/venues/\(venueID)/scan", method: .get, headers: [.cookie: "sentinel_session=\(strangerWeb.token)"]) {
                #expect($0.status == .forbidden)
            }
            let stored = try await app.database.read {
                try await $0.raw("SELECT COUNT(*) AS n FROM checkins").first()!.decode(column: "n", as: Int.self)
            }
            #expect(stored == 1)
        }
    }
}

@Suite struct PublicRateLimitTests {
    @Test func aScriptHammeringThePublicEndpointsIsSlowedButStaffAreNot() async throws {
        var config = TestApp.config()
        config.publicRatePerSecond = 0.01
        config.publicBurst = 3
        try await TestApp.with(.sqlite, config: config) { app, client in
            let (_, officer) = try await app.account(.districtOfficer, area: "731")
            let (_, venueToken) = try await makeVenue(client, token: officer)
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<5 {
                try await client.execute(uri: "/api/v1/checkins", method: .post, headers: .json(),
                                         body: ByteBuffer(string: checkInJSON(token: venueToken))) { statuses.append($0.status) }
            }
            #expect(statuses == [.created, .created, .created, .tooManyRequests, .tooManyRequests])
            try await client.execute(uri: "/c/\(venueToken)", method: .get) { response throws in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] != nil)
            }
            try await client.execute(uri: "/api/v1/venues", method: .get, headers: .bearer(officer)) { #expect($0.status == .ok) }
            let batch = "[" + checkInJSON(token: venueToken) + "]"
            let (_, operatorToken) = try await app.account(.venueOperator, area: "25993")
            try await client.execute(uri: "/api/v1/checkins", method: .post, headers: .json(bearer: operatorToken), body: ByteBuffer(string: batch)) {
                #expect($0.status == .ok, "signed-in senders are not limited here")
            }
        }
    }
}

@Suite struct DeclarationAPITests {
    @Test func aCitizenDeclaresAndTheStationSeesItInItsQueue() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let body = #"{"clientId":"\#(UUID().uuidString)","person":{"phone":"0912000111","name":"Đỗ Văn Ho"},"communeCode":"25993","symptoms":["cough"],"exposures":[]}"#
            try await client.execute(uri: "/api/v1/declarations", method: .post, headers: .json(), body: ByteBuffer(string: body)) { response throws in
                #expect(response.status == .created)
                #expect(try json(response.body)["flagged"] as? Bool == true)
            }
            try await client.execute(uri: "/api/v1/declarations", method: .post, headers: .json(),
                                     body: ByteBuffer(string: #"{"clientId":"x","person":{},"communeCode":"25993","symptoms":["sneezing"],"exposures":[]}"#)) { response throws in
                #expect(response.status == .badRequest)
                let errors = try json(response.body)["errors"] as? [[String: String]]
                #expect(errors?.first?["field"]?.hasPrefix("symptoms") == true)
            }
            let (_, station) = try await app.account(.communeOfficer, area: "25993")
            try await client.execute(uri: "/api/v1/declarations/queue", method: .get, headers: .bearer(station)) { response throws in
                let items = try json(response.body)["items"] as? [[String: Any]]
                #expect(items?.map { $0["name"] as? String } == ["Đỗ Văn Ho"])
            }
            // The same through the citizen's form, without JavaScript.
            var csrf = ""
            try await client.execute(uri: "/khai-bao", method: .get) { response throws in csrf = try #require(cookie("sentinel_csrf", in: response)) }
            let form = "_csrf=\(csrf)&clientId=\(UUID().uuidString)&name=Mai&phone=0912000222&communeCode=25993&exposure_contact_with_case=1"
            try await client.execute(uri: "/khai-bao", method: .post,
                                     headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "sentinel_csrf=\(csrf)"],
                                     body: ByteBuffer(string: form)) { response throws in
                #expect(response.status == .created)
                #expect(String(buffer: response.body).contains("sẽ gọi điện"))
            }
            let (leader, _) = try await app.account(.leader, area: "75")
            let web = try await app.sessions.issue(for: leader, kind: .web, lifetime: 600)
            try await client.execute(uri: "/declarations/counts", method: .get, headers: [.cookie: "sentinel_session=\(web.token)"]) { response throws in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("Thành phố Biên Hòa"))
                #expect(html.contains("<td class=\"num\">2</td><td class=\"num\">2</td>"), "two declarants, both flagged")
            }
            try await client.execute(uri: "/declarations/counts?date=2021-13-40", method: .get, headers: [.cookie: "sentinel_session=\(web.token)"]) {
                #expect($0.status == .unprocessableContent)
            }
        }
    }
}

@Suite struct SignedInCitizenFormTests {
    /// A staff member who is signed in and checks in at a market with the plain form: the page must carry the token
    /// the form check expects (the session's), not the pre-login one.
    @Test func aSignedInPersonCanUseTheCheckInForm() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (officerAccount, officer) = try await app.account(.districtOfficer, area: "731")
            let (_, venueToken) = try await makeVenue(client, token: officer)
            let web = try await app.sessions.issue(for: officerAccount, kind: .web, lifetime: 600)
            var html = ""
            try await client.execute(uri: "/c/\(venueToken)", method: .get, headers: [.cookie: "sentinel_session=\(web.token)"]) { response throws in
                html = String(buffer: response.body)
                #expect(cookie("sentinel_csrf", in: response) == nil, "no pre-login cookie when signed in")
            }
            #expect(html.contains("value=\"\(web.csrfToken)\""))
            try await client.execute(uri: "/c/\(venueToken)", method: .post,
                                     headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "sentinel_session=\(web.token)"],
                                     body: ByteBuffer(string: "_csrf=\(web.csrfToken)&name=C%C3%A1n+b%E1%BB%99&phone=0912000333")) { response throws in
                #expect(response.status == .created)
            }
        }
    }
}
