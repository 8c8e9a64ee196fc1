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

/// Lockdown zones through the API and the page: a polygon in the body as GeoJSON, every kind of bad body answered with
/// a 4xx naming the problem, the GeoJSON listing, lifting, the form (units ticked, a drawn shape), HTML in names shown
/// inert, and the public notice.
@Suite struct ZonesAPITests {
    @Test(arguments: TestDatabases.kinds)
    func zonesAreRecordedListedLiftedAndPublished(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            let (officerAccount, officer) = try await app.account(.districtOfficer, area: "731")
            let (leaderAccount, leader) = try await app.account(.leader, area: "75")
            let today = LocalDay.string(Date())
            let square = #"{"type":"Polygon","coordinates":[[[106.84,10.95],[106.85,10.95],[106.85,10.96],[106.84,10.96],[106.84,10.95]]]}"#
            let (created, zone, _) = try await call(client, .post, "/api/v1/lockdown-zones", token: officer, body: """
                {"name":"Chợ <b>Biên Hòa</b>","areaCode":"731","geometry":\(square),"validFrom":"\(today)","decision":"QĐ 5/QĐ-UBND","note":"vẽ"}
                """)
            #expect(created == .created)
            let id = try #require((zone as? [String: Any])?["id"] as? Int)
            #expect(((zone as? [String: Any])?["polygons"] as? [Any])?.count == 1)

            // Bad bodies: malformed JSON, wrong types, a geometry that is not GeoJSON, a huge body.
            let (malformed, _, _) = try await call(client, .post, "/api/v1/lockdown-zones", token: officer, body: #"{"name":"x","#)
            #expect(malformed == .badRequest)
            let (wrongType, wrongBody, _) = try await call(client, .post, "/api/v1/lockdown-zones", token: officer,
                                                           body: #"{"name":"x","areaCode":"731","unitCodes":"25993","validFrom":"\#(today)","decision":"d"}"#)
            #expect(wrongType == .badRequest && "\(wrongBody ?? "")".contains("unitCodes"))
            let (notGeo, notGeoBody, _) = try await call(client, .post, "/api/v1/lockdown-zones", token: officer,
                                                         body: #"{"name":"x","areaCode":"731","geometry":"polygon","validFrom":"\#(today)","decision":"d"}"#)
            #expect(notGeo == .unprocessableContent && "\(notGeoBody ?? "")".contains("geometry"))
            let (unknownArea, _, _) = try await call(client, .post, "/api/v1/lockdown-zones", token: officer,
                                                     body: #"{"name":"x","areaCode":"99999","unitCodes":["25993"],"validFrom":"\#(today)","decision":"d"}"#)
            #expect(unknownArea == .notFound)
            let huge = "{\"name\":\"x\",\"areaCode\":\"731\",\"decision\":\"d\",\"validFrom\":\"\(today)\",\"note\":\"" + String(repeating: "a", count: 12_000_000) + "\"}"
            let (tooBig, _, _) = try await call(client, .post, "/api/v1/lockdown-zones", token: officer, body: huge)
            #expect(tooBig == .contentTooLarge)

            // Listed for the area and as GeoJSON; the leader reads, but may not record.
            let (listed, list, _) = try await call(client, .get, "/api/v1/lockdown-zones?area=731&date=\(today)", token: leader)
            #expect(listed == .ok && ((list as? [String: Any])?["items"] as? [Any])?.count == 1)
            let (geoStatus, _, geo) = try await call(client, .get, "/api/v1/lockdown-zones.geojson?area=75", token: leader)
            #expect(geoStatus == .ok)
            let collection = try #require(try JSONSerialization.jsonObject(with: Data(buffer: geo)) as? [String: Any])
            let feature = try #require((collection["features"] as? [[String: Any]])?.first)
            #expect((feature["geometry"] as? [String: Any])?["type"] as? String == "MultiPolygon")
            #expect((feature["properties"] as? [String: Any])?["decision"] as? String == "QĐ 5/QĐ-UBND")
            let (leaderWrites, _, _) = try await call(client, .post, "/api/v1/lockdown-zones", token: leader,
                                                      body: #"{"name":"x","areaCode":"731","unitCodes":["25993"],"validFrom":"\#(today)","decision":"d"}"#)
            #expect(leaderWrites == .forbidden)

            // The page: the zone's name inert, the form for the officer only; a zone recorded through the form.
            let officerWeb = try await app.sessions.issue(for: officerAccount, kind: .web, lifetime: 600)
            let leaderWeb = try await app.sessions.issue(for: leaderAccount, kind: .web, lifetime: 600)
            try await client.execute(uri: "/zones", method: .get, headers: [.cookie: "sentinel_session=\(officerWeb.token)"]) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(html.contains("Chợ &lt;b&gt;Biên Hòa&lt;/b&gt;") && !html.contains("<b>Biên Hòa</b>"))
                #expect(html.contains("id=\"zone-form\"") && html.contains("name=\"unit_25993\"") && html.contains("data-min-lon="))
            }
            try await client.execute(uri: "/zones?area=75", method: .get, headers: [.cookie: "sentinel_session=\(leaderWeb.token)"]) { response in
                #expect(response.status == .ok && !String(buffer: response.body).contains("id=\"zone-form\""))
            }
            let form: HTTPFields = [.cookie: "sentinel_session=\(officerWeb.token)", .contentType: "application/x-www-form-urlencoded"]
            let drawn = square.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            try await client.execute(uri: "/zones?area=731", method: .post, headers: form, body: ByteBuffer(string:
                "_csrf=\(officerWeb.csrfToken)&name=Hai+ph%C6%B0%E1%BB%9Dng&areaCode=731&unit_25993=on&unit_26002=on&validFrom=\(today)&decision=Q%C4%90+6&geojson=\(drawn)")) { response in
                #expect(response.status == .seeOther)
            }
            try await client.execute(uri: "/zones?area=731", method: .post, headers: form, body: ByteBuffer(string:
                "_csrf=\(officerWeb.csrfToken)&name=&areaCode=731&validFrom=\(today)&decision=&geojson=%7B")) { response in
                #expect(response.status == .unprocessableContent)
                let html = String(buffer: response.body)
                #expect(html.contains("<li>name:") && html.contains("<li>geometry: not a JSON object"))
            }
            let (_, both, _) = try await call(client, .get, "/api/v1/lockdown-zones?area=731&date=\(today)", token: officer)
            let second = try #require(((both as? [String: Any])?["items"] as? [[String: Any]])?.first { $0["name"] as? String == "Hai phường" })
            #expect(second["unitCodes"] as? [String] == ["25993", "26002"] && (second["polygons"] as? [Any])?.count == 1)

            // The public notice lists both, with no sign-in.
            try await client.execute(uri: "/noi-co-ca-benh", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("Hai phường") && html.contains("Chợ &lt;b&gt;Biên Hòa&lt;/b&gt;") && html.contains("QĐ 6"))
            }

            // Lifting through the API: a day before it began is refused; today ends it after today.
            let (early, _, _) = try await call(client, .post, "/api/v1/lockdown-zones/\(id)/lift", token: officer,
                                               body: #"{"lastDay":"2000-01-01","reason":"nhầm"}"#)
            #expect(early == .unprocessableContent)
            let (liftedStatus, lifted, _) = try await call(client, .post, "/api/v1/lockdown-zones/\(id)/lift", token: officer, body: #"{"reason":"hết ca mới"}"#)
            #expect(liftedStatus == .ok && (lifted as? [String: Any])?["validTo"] as? String == today)
            let (missing, _, _) = try await call(client, .post, "/api/v1/lockdown-zones/424242/lift", token: officer, body: #"{"reason":"x"}"#)
            #expect(missing == .notFound)
            let tomorrow = try #require(LocalDay.adding(1, to: today))
            let (_, after, _) = try await call(client, .get, "/api/v1/lockdown-zones?area=731&date=\(tomorrow)", token: officer)
            #expect(((after as? [String: Any])?["items"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Hai phường"])
        }
    }
}
