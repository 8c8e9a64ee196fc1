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

/// The quarantine rule table through the API and the page: listed for staff, added and superseded by the provincial
/// CDC, every bad body a 4xx naming the problem (malformed JSON, wrong types, unknown values, an overlap, another
/// area's account), HTML in a document shown inert, the form and the end form with CSRF, and a case opened afterwards
/// computed under the new rule.
@Suite struct QuarantineRulesAPITests {
    @Test(arguments: TestDatabases.kinds)
    func rulesAreListedAddedSupersededAndEnded(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            let (cdcAccount, cdc) = try await app.account(.epidemiologist, area: "75")
            let (_, districtCDC) = try await app.account(.epidemiologist, area: "731")
            let (communeAccount, commune) = try await app.account(.communeOfficer, area: "25993")

            let (listed, list, _) = try await call(client, .get, "/api/v1/quarantine-rules", token: commune)
            let items = try #require((list as? [String: Any])?["items"] as? [[String: Any]])
            #expect(listed == .ok && items.count == 3)
            let vaccinatedHome = try #require(items.first { $0["setting"] as? String == "home" && $0["vaccinated"] as? String == "yes" })
            let oldID = try #require(vaccinatedHome["id"] as? Int)

            // Bad bodies: malformed JSON, a wrong type, an unknown setting, a huge body, an overlap, the wrong accounts.
            let (malformed, _, _) = try await call(client, .post, "/api/v1/quarantine-rules", token: cdc, body: #"{"days":"#)
            #expect(malformed == .badRequest)
            let (wrongType, wrongBody, _) = try await call(client, .post, "/api/v1/quarantine-rules", token: cdc, body: """
                {"classification":"F1","setting":"home","vaccinated":"yes","days":"five","effectiveFrom":"2022-03-01","document":"d"}
                """)
            #expect(wrongType == .badRequest && "\(wrongBody ?? "")".contains("days"))
            let (unknown, _, _) = try await call(client, .post, "/api/v1/quarantine-rules", token: cdc, body: """
                {"classification":"F1","setting":"hotel","vaccinated":"yes","days":5,"effectiveFrom":"2022-03-01","document":"d"}
                """)
            #expect(unknown == .badRequest)
            let huge = #"{"classification":"F1","setting":"home","vaccinated":"yes","days":5,"effectiveFrom":"2022-03-01","document":""#
                + String(repeating: "a", count: 12_000_000) + "\"}"
            let (tooBig, _, _) = try await call(client, .post, "/api/v1/quarantine-rules", token: cdc, body: huge)
            #expect(tooBig == .contentTooLarge)
            let newRule = #"{"classification":"F1","setting":"home","vaccinated":"yes","days":5,"effectiveFrom":"2022-03-01","document":"CV <b>1234</b>/BYT-MT""#
            let (overlap, overlapBody, _) = try await call(client, .post, "/api/v1/quarantine-rules", token: cdc, body: newRule + "}")
            #expect(overlap == .conflict && "\(overlapBody ?? "")".contains("Rule \(oldID)"))
            let (communeWrites, _, _) = try await call(client, .post, "/api/v1/quarantine-rules", token: commune, body: newRule + ",\"supersedes\":\(oldID)}")
            #expect(communeWrites == .forbidden)
            let (districtWrites, _, _) = try await call(client, .post, "/api/v1/quarantine-rules", token: districtCDC, body: newRule + ",\"supersedes\":\(oldID)}")
            #expect(districtWrites == .forbidden)
            let (badFields, badBody, _) = try await call(client, .post, "/api/v1/quarantine-rules", token: cdc, body: """
                {"classification":"F0","setting":"home","vaccinated":"yes","days":99,"effectiveFrom":"2022-13-01","document":""}
                """)
            #expect(badFields == .unprocessableContent && ["classification", "days", "effectiveFrom", "document"].allSatisfy { "\(badBody ?? "")".contains($0) })

            // Superseding: the new rule is stored, the old one ends the day before.
            let (created, rule, _) = try await call(client, .post, "/api/v1/quarantine-rules", token: cdc, body: newRule + ",\"supersedes\":\(oldID)}")
            #expect(created == .created && (rule as? [String: Any])?["days"] as? Int == 5)
            let newID = try #require((rule as? [String: Any])?["id"] as? Int)
            let (_, after, _) = try await call(client, .get, "/api/v1/quarantine-rules", token: cdc)
            let old = try #require(((after as? [String: Any])?["items"] as? [[String: Any]])?.first { $0["id"] as? Int == oldID })
            #expect(old["effectiveTo"] as? String == "2022-02-28")

            // A vaccinated F1 quarantined at home from 2022-03-05 now gets 5 days.
            let (_, person, _) = try await call(client, .post, "/api/v1/persons", token: cdc,
                                                body: #"{"fullName":"Trần Thị Cách Ly","birthYear":1990,"idNumber":"075190000777","communeCode":"25993"}"#)
            let personID = try #require((person as? [String: Any])?["id"] as? Int)
            let (opened, opening, _) = try await call(client, .post, "/api/v1/cases", token: cdc, body: """
                {"personId":\(personID),"classification":"F1","facts":{"quarantineStart":"2022-03-05","quarantineSetting":"home","vaccinated":true}}
                """)
            #expect(opened == .created)
            #expect(((opening as? [String: Any])?["facts"] as? [String: Any])?["quarantineEnd"] as? String == "2022-03-09", "\(opening ?? "")")

            // Ending: a later day than it already ends is a conflict; an unknown rule is not found; through the API.
            let (late, _, _) = try await call(client, .post, "/api/v1/quarantine-rules/\(oldID)/end", token: cdc, body: #"{"lastDay":"2022-06-01","reason":"x"}"#)
            #expect(late == .conflict)
            let (missing, _, _) = try await call(client, .post, "/api/v1/quarantine-rules/424242/end", token: cdc, body: #"{"lastDay":"2022-06-01","reason":"x"}"#)
            #expect(missing == .notFound)
            let (noReason, _, _) = try await call(client, .post, "/api/v1/quarantine-rules/\(newID)/end", token: cdc, body: #"{"lastDay":"2022-06-01"}"#)
            #expect(noReason == .badRequest)

            // The page: the document inert, the forms for the CDC only; ending through the form, with CSRF.
            let cdcWeb = try await app.sessions.issue(for: cdcAccount, kind: .web, lifetime: 600)
            let communeWeb = try await app.sessions.issue(for: communeAccount, kind: .web, lifetime: 600)
            try await client.execute(uri: "/quarantine-rules", method: .get, headers: [.cookie: "sentinel_session=\(cdcWeb.token)"]) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(html.contains("CV &lt;b&gt;1234&lt;/b&gt;/BYT-MT") && !html.contains("<b>1234</b>"))
                #expect(html.contains("id=\"qrule-form\"") && html.contains("action=\"/quarantine-rules/\(newID)/end\""))
            }
            try await client.execute(uri: "/quarantine-rules", method: .get, headers: [.cookie: "sentinel_session=\(communeWeb.token)"]) { response in
                let html = String(buffer: response.body)
                #expect(response.status == .ok && !html.contains("id=\"qrule-form\"") && !html.contains("/end\""))
            }
            let form: HTTPFields = [.cookie: "sentinel_session=\(cdcWeb.token)", .contentType: "application/x-www-form-urlencoded"]
            try await client.execute(uri: "/quarantine-rules/\(newID)/end", method: .post, headers: form,
                                     body: ByteBuffer(string: "lastDay=2022-06-30&reason=no+csrf")) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/quarantine-rules/\(newID)/end", method: .post, headers: form,
                                     body: ByteBuffer(string: "_csrf=\(cdcWeb.csrfToken)&lastDay=2022-06-30&reason=C%C3%B4ng+v%C4%83n+m%E1%BB%9Bi")) { response in
                #expect(response.status == .seeOther)
            }
            // The form: an overlap shown on the page (409), an unknown choice refused (422), a good rule stored.
            try await client.execute(uri: "/quarantine-rules", method: .post, headers: form, body: ByteBuffer(string:
                "_csrf=\(cdcWeb.csrfToken)&classification=F1&setting=centralised&vaccinated=any&days=10&effectiveFrom=2022-01-01&document=CV+x")) { response in
                #expect(response.status == .conflict && String(buffer: response.body).contains("already covers these days"))
            }
            try await client.execute(uri: "/quarantine-rules", method: .post, headers: form, body: ByteBuffer(string:
                "_csrf=\(cdcWeb.csrfToken)&classification=F9&setting=home&vaccinated=any&days=x&effectiveFrom=2022-01-01&document=CV+x")) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/quarantine-rules", method: .post, headers: form, body: ByteBuffer(string:
                "_csrf=\(cdcWeb.csrfToken)&classification=F1&setting=home&vaccinated=yes&days=3&effectiveFrom=2022-07-01&document=CV+3+ng%C3%A0y")) { response in
                #expect(response.status == .seeOther)
            }
            let (_, final, _) = try await call(client, .get, "/api/v1/quarantine-rules", token: cdc)
            let finalItems = try #require((final as? [String: Any])?["items"] as? [[String: Any]])
            #expect(finalItems.first { $0["id"] as? Int == newID }?["effectiveTo"] as? String == "2022-06-30")
            #expect(finalItems.contains { $0["days"] as? Int == 3 && $0["document"] as? String == "CV 3 ngày" })
        }
    }
}
