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

func cookie(_ name: String, in response: TestResponse) -> String? {
    for field in response.headers where field.name == .setCookie {
        let pair = field.value.split(separator: ";").first ?? ""
        let parts = pair.split(separator: "=", maxSplits: 1)
        if parts.count == 2, parts[0] == name { return String(parts[1]) }
    }
    return nil
}

@Suite struct WebTests {
    @Test func signInWithCSRFThenSeeTheHomePage() async throws {
        try await TestApp.with(.sqlite) { app, client in
            _ = try await app.account(.epidemiologist, area: "75", username: "mai", password: "mai-password-1")
            var csrf = ""
            try await client.execute(uri: "/login", method: .get) { response throws in
                #expect(response.status == .ok)
                csrf = try #require(cookie("sentinel_csrf", in: response))
                #expect(String(buffer: response.body).contains(csrf))
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            }
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .cookie: "sentinel_csrf=\(csrf)"]
            // Without the token: refused, no session.
            try await client.execute(uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "username=mai&password=mai-password-1")) { response throws in
                #expect(response.status == .forbidden)
                #expect(cookie("sentinel_session", in: response) == nil)
            }
            try await client.execute(uri: "/login", method: .post, headers: form,
                                     body: ByteBuffer(string: "_csrf=\(csrf)&username=mai&password=wrong-password")) { response throws in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains("không đúng"))
            }
            var session = ""
            try await client.execute(uri: "/login", method: .post, headers: form,
                                     body: ByteBuffer(string: "_csrf=\(csrf)&username=mai&password=mai-password-1&next=%2Fareas")) { response throws in
                #expect(response.status == .found)
                #expect(response.headers[.location] == "/areas")
                session = try #require(cookie("sentinel_session", in: response))
                let setCookie = response.headers[values: .setCookie].first { $0.hasPrefix("sentinel_session=") } ?? ""
                #expect(setCookie.contains("HttpOnly"))
                #expect(setCookie.contains("SameSite=Lax"))
            }
            try await client.execute(uri: "/", method: .get, headers: [.cookie: "sentinel_session=\(session)"]) { response throws in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("Test mai") || html.contains("mai"))
                #expect(html.contains("lang=\"vi\""))
            }
            try await client.execute(uri: "/lang?set=en&back=%2F", method: .get) { response throws in
                #expect(cookie("lang", in: response) == "en")
            }
            try await client.execute(uri: "/lang?set=en&back=https%3A%2F%2Fevil.example", method: .get) { response throws in
                #expect(response.headers[.location] == "/", "no open redirect")
            }
            try await client.execute(uri: "/", method: .get, headers: [.cookie: "sentinel_session=\(session); lang=en"]) { response throws in
                #expect(String(buffer: response.body).contains("lang=\"en\""))
            }
        }
    }

    @Test func pagesNeedSignInAndErrorsShowNoInternals() async throws {
        try await TestApp.with(.sqlite) { app, client in
            try await client.execute(uri: "/admin/accounts", method: .get) { response throws in
                #expect(response.status == .seeOther || response.status == .found || response.status.code == 303 || response.status.code == 302)
                #expect(response.headers[.location]?.hasPrefix("/login?next=") == true)
            }
            let (account, _) = try await app.account(.leader, area: "75")
            let web = try await app.sessions.issue(for: account, kind: .web, lifetime: 600)
            try await client.execute(uri: "/areas/99999", method: .get, headers: [.cookie: "sentinel_session=\(web.token)"]) { response throws in
                #expect(response.status == .notFound)
                let html = String(buffer: response.body)
                #expect(html.contains("<html"))
                #expect(!html.contains("NotFound("))
            }
        }
    }

    @Test func storedHTMLIsShownInertOnPages() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (admin, _) = try await app.account(.admin, area: "75")
            _ = try await app.accounts.createAsOperator(
                NewAccount(username: "xss", displayName: "<img src=x onerror=alert(1)>", password: "long-enough-pw", role: .lab, scopeCode: "75"),
                trace: .cli("test"))
            let web = try await app.sessions.issue(for: admin, kind: .web, lifetime: 600)
            try await client.execute(uri: "/admin/accounts", method: .get, headers: [.cookie: "sentinel_session=\(web.token)"]) { response throws in
                let html = String(buffer: response.body)
                #expect(!html.contains("<img src=x"))
                #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
            }
        }
    }

    @Test func adminCreatesAnAccountThroughTheForm() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (admin, _) = try await app.account(.admin, area: "731")
            let web = try await app.sessions.issue(for: admin, kind: .web, lifetime: 600)
            let headers: HTTPFields = [.cookie: "sentinel_session=\(web.token)", .contentType: "application/x-www-form-urlencoded"]
            try await client.execute(uri: "/admin/accounts", method: .post, headers: headers,
                                     body: ByteBuffer(string: "_csrf=\(web.csrfToken)&username=nurse9&displayName=V%C3%B5+Lan&password=long-enough-pw&role=vaccinator&area=25993")) { response throws in
                #expect(response.status == .seeOther)
            }
            #expect(try await app.accounts.listAll().contains { $0.username == "nurse9" && $0.displayName == "Võ Lan" && $0.facilityID == nil })
            // A station's sampler bound to its facility; a facility code with a space or a quote is refused.
            try await client.execute(uri: "/admin/accounts", method: .post, headers: headers,
                                     body: ByteBuffer(string: "_csrf=\(web.csrfToken)&username=sampler9&displayName=Tr%E1%BA%A1m&password=long-enough-pw&role=sampler&area=25993&facility=+TYT-25993+")) { response throws in
                #expect(response.status == .seeOther)
            }
            #expect(try await app.accounts.listAll().first { $0.username == "sampler9" }?.facilityID == "TYT-25993")
            try await client.execute(uri: "/admin/accounts", method: .post, headers: headers,
                                     body: ByteBuffer(string: "_csrf=\(web.csrfToken)&username=sampler10&displayName=x&password=long-enough-pw&role=sampler&area=25993&facility=a%22b+c")) { response throws in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("<li>facilityId: 1 to 40 letters"))
            }
            try await client.execute(uri: "/admin/accounts", method: .get, headers: [.cookie: "sentinel_session=\(web.token)"]) { response throws in
                #expect(String(buffer: response.body).contains("<td>TYT-25993</td>"))
            }
            try await client.execute(uri: "/admin/accounts", method: .post, headers: headers,
                                     body: ByteBuffer(string: "_csrf=\(web.csrfToken)&username=nurse10&displayName=x&password=short&role=vaccinator&area=25993")) { response throws in
                #expect(response.status == .unprocessableContent)
                let html = String(buffer: response.body)
                #expect(html.contains("class=\"alert\""))
                #expect(html.contains("<li>password: 10 to 72 bytes</li>"))
            }
        }
    }
}

@Suite struct AreaPageTests {
    @Test func aDistrictPageListsEveryCommuneWithItsSuccessors() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (account, _) = try await app.account(.leader, area: "75")
            let web = try await app.sessions.issue(for: account, kind: .web, lifetime: 600)
            let communes = try SharedData.rows("dong-nai-communes-2021.csv").filter { $0[2] == "731" }
            try await client.execute(uri: "/areas/731", method: .get, headers: [.cookie: "sentinel_session=\(web.token)"]) { response throws in
                let html = String(buffer: response.body)
                #expect(response.status == .ok)
                for row in communes { #expect(html.contains(">\(row[5])</a>"), "\(row[5])") }
                #expect(html.components(separatedBy: "<tr><td>").count - 1 == communes.count)
            }
            try await client.execute(uri: "/areas/26449", method: .get, headers: [.cookie: "sentinel_session=\(web.token)"]) { response throws in
                let html = String(buffer: response.body)
                #expect(html.contains("26359") && html.contains("26446"), "the split commune shows both successors")
            }
        }
    }

    @Test func theDemoLoginPageShowsTheDemoAccountsAndOnlyInDemoMode() async throws {
        var config = TestApp.config()
        config.demo = true
        try await TestApp.with(.sqlite, config: config) { _, client in
            try await client.execute(uri: "/login", method: .get) { response throws in
                let html = String(buffer: response.body)
                for demo in DemoSeed.accounts { #expect(html.contains(demo.username)) }
            }
        }
        try await TestApp.with(.sqlite) { _, client in
            try await client.execute(uri: "/login", method: .get) { response throws in
                #expect(!String(buffer: response.body).contains("demo-admin"))
            }
        }
    }
}

@Suite struct CatalogueTests {
    /// Every `{{t.key}}` a template uses exists in both languages, and both have the same keys.
    @Test func everyTemplateKeyIsTranslated() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/App/Resources")
        func load(_ lang: String) throws -> [String: String] {
            try JSONDecoder().decode([String: String].self, from: Data(contentsOf: root.appendingPathComponent("strings/\(lang).json")))
        }
        let vi = try load("vi"), en = try load("en")
        #expect(Set(vi.keys) == Set(en.keys))
        let templates = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("templates").path)
        var used = Set<String>()
        for name in templates where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: root.appendingPathComponent("templates/\(name)"), encoding: .utf8)
            let regex = try Regex(#"\{\{t\.([a-z0-9_]+)\}\}"#)
            for match in text.matches(of: regex) { used.insert(String(match.output[1].substring ?? "")) }
        }
        #expect(used.count > 20)
        #expect(used.subtracting(vi.keys).isEmpty, "missing: \(used.subtracting(vi.keys))")
        for role in Role.allCases {
            #expect(vi["role_\(role.rawValue)"] != nil && vi["roledesc_\(role.rawValue)"] != nil, "\(role)")
        }
    }
}
