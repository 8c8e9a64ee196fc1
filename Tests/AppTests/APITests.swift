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

func json(_ buffer: ByteBuffer) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
}

@Suite struct HealthAndMetaTests {
    @Test func livenessReadinessMetricsAndRequestIDs() async throws {
        try await TestApp.with(.sqlite) { _, client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/readyz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/healthz", method: .get, headers: [HTTPField.Name("X-Request-Id")!: "abcdef123456"]) {
                #expect($0.headers[HTTPField.Name("X-Request-Id")!] == "abcdef123456")
            }
            try await client.execute(uri: "/healthz", method: .get, headers: [HTTPField.Name("X-Request-Id")!: "<script>"]) {
                let id = $0.headers[HTTPField.Name("X-Request-Id")!] ?? ""
                #expect(!id.isEmpty && id != "<script>")
            }
            try await client.execute(uri: "/metrics", method: .get) { response throws in
                let text = String(buffer: response.body)
                #expect(text.contains("hb_requests"))
                #expect(text.contains("http_server_request_duration"))
                #expect(text.contains("http_route=\"/healthz\""))
                #expect(text.contains("sentinel_db_operation_duration"))
                #expect(text.contains("sentinel_db_operations_in_flight"))
            }
        }
    }

    @Test func openAPIListsEveryJSONRouteAndNothingElse() async throws {
        let config = TestApp.config()
        try await TestDatabases.with(.sqlite) { db in
            let router = try await SentinelApplication.buildRouter(config: config, database: db)
            let routed = Set(router.routes.filter { $0.path.description.hasPrefix("/api/") }
                .map { "\($0.method.rawValue.lowercased()) \($0.path.description)" })
            let app = Application(router: router)
            try await app.test(.router) { client in
                try await client.execute(uri: "/api/openapi.json", method: .get) { response throws in
                    let document = try json(response.body)
                    #expect(document["openapi"] as? String == "3.1.0")
                    let paths = try #require(document["paths"] as? [String: [String: Any]])
                    let documented = Set(paths.flatMap { path, ops in ops.keys.map { "\($0) \(path)" } })
                    #expect(routed.subtracting(documented).isEmpty, "routes missing from the OpenAPI document: \(routed.subtracting(documented))")
                    #expect(documented.subtracting(routed).isEmpty, "documented but not routed: \(documented.subtracting(routed))")
                    #expect(routed.count >= 10)
                }
            }
        }
    }
}

@Suite struct OpenAPIValidityTests {
    /// The document is valid OpenAPI 3.1 according to openapi-spec-validator, which we did not write.
    @Test(.enabled(if: ExternalTool.pythonHas("openapi_spec_validator") || ProcessInfo.processInfo.environment["CI"] != nil))
    func theDocumentValidates() async throws {
        try await TestApp.with(.sqlite) { _, client in
            try await client.execute(uri: "/api/openapi.json", method: .get) { response throws in
                let script = """
                    import json, sys
                    from openapi_spec_validator import validate
                    validate(json.load(sys.stdin))
                    print("valid")
                    """
                let result = try ExternalTool.run("python3", ["-c", script], stdin: Data(buffer: response.body))
                #expect(result.status == 0, "\(result.stderr.suffix(2000))")
            }
        }
    }
}

@Suite struct AreaAPITests {
    @Test(arguments: TestDatabases.kinds)
    func readsUnitsAndRefusesUnknownCodes(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            let (_, token) = try await app.account(.sampler, area: "25993")
            try await client.execute(uri: "/api/v1/areas/731", method: .get, headers: .bearer(token)) { response throws in
                #expect(response.status == .ok)
                let body = try json(response.body)
                let unit = try #require(body["unit"] as? [String: Any])
                #expect(unit["name"] as? String == "Thành phố Biên Hòa")
                #expect((body["ancestors"] as? [[String: Any]])?.compactMap { $0["code"] as? String } == ["75"])
                let expected = try SharedData.rows("dong-nai-communes-2021.csv").filter { $0[2] == "731" }.count
                #expect((body["children"] as? [Any])?.count == expected)
            }
            try await client.execute(uri: "/api/v1/areas/26449", method: .get, headers: .bearer(token)) { response throws in
                let successors = try json(response.body)["successors"] as? [[String: Any]]
                #expect(Set(successors?.compactMap { $0["newCode"] as? String } ?? []) == ["26359", "26446"])
            }
            try await client.execute(uri: "/api/v1/areas?parent=75", method: .get, headers: .bearer(token)) { response throws in
                #expect((try json(response.body)["items"] as? [Any])?.count == 11)
            }
            try await client.execute(uri: "/api/v1/areas?parent=75&vintage=2025-07", method: .get, headers: .bearer(token)) { response throws in
                #expect((try json(response.body)["items"] as? [Any])?.count == 95)
            }
            for bad in ["/api/v1/areas/99999", "/api/v1/areas/abc", "/api/v1/areas?parent=99999"] {
                try await client.execute(uri: bad, method: .get, headers: .bearer(token)) { response throws in
                    #expect(response.status == .notFound, "\(bad)")
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(try json(response.body)["status"] as? Int == 404)
                }
            }
            try await client.execute(uri: "/api/v1/areas?vintage=1999", method: .get, headers: .bearer(token)) { response throws in
                #expect(response.status == .unprocessableContent)
                let errors = try json(response.body)["errors"] as? [[String: String]]
                #expect(errors?.first?["field"] == "vintage")
            }
        }
    }

    @Test func missingForgedAndExpiredTokensAre401() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (account, _) = try await app.account(.leader, area: "75")
            let expired = try await app.sessions.issue(for: account, kind: .api, lifetime: -1)
            for headers: HTTPFields in [[:], .bearer(SessionStore.randomToken()), .bearer(expired.token), [.authorization: "Basic eDp5"]] {
                try await client.execute(uri: "/api/v1/areas/731", method: .get, headers: headers) { response throws in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(!String(buffer: response.body).contains("Biên Hòa"))
                }
            }
        }
    }
}

@Suite struct AccountAPITests {
    @Test(arguments: TestDatabases.kinds)
    func tokenLoginCreateAndScope(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            _ = try await app.account(.admin, area: "731", username: "admin731", password: "admin-password-1")
            var token = ""
            let login = ByteBuffer(string: #"{"username":"admin731","password":"admin-password-1"}"#)
            try await client.execute(uri: "/api/v1/auth/token", method: .post, headers: .json(), body: login) { response throws in
                #expect(response.status == .created)
                token = try #require(try json(response.body)["token"] as? String)
            }
            let inside = ByteBuffer(string: #"{"username":"nurse1","displayName":"Y tá","password":"long-enough-pw","role":"vaccinator","area":"25993"}"#)
            try await client.execute(uri: "/api/v1/accounts", method: .post, headers: .json(bearer: token), body: inside) { response throws in
                #expect(response.status == .created)
                #expect(try json(response.body)["area"] as? String == "25993")
            }
            let outside = ByteBuffer(string: #"{"username":"nurse2","displayName":"Y tá","password":"long-enough-pw","role":"vaccinator","area":"732"}"#)
            try await client.execute(uri: "/api/v1/accounts", method: .post, headers: .json(bearer: token), body: outside) { response throws in
                #expect(response.status == .forbidden)
                #expect(!String(buffer: response.body).contains("nurse2\","))
            }
            try await client.execute(uri: "/api/v1/accounts", method: .post, headers: .json(bearer: token), body: inside) {
                #expect($0.status == .conflict)
            }
            try await client.execute(uri: "/api/v1/audit?action=denied:accounts.manage", method: .get, headers: .bearer(token)) { response throws in
                let items = try json(response.body)["items"] as? [[String: Any]]
                #expect(items?.count == 1)
                #expect((items?.first?["purpose"] as? String)?.contains("732") == true)
            }
        }
    }

    @Test func badBodiesGetClearProblems() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (_, token) = try await app.account(.admin, area: "75")
            let cases: [(String, HTTPResponse.Status, String?)] = [
                ("{not json", .badRequest, "body"),
                (#"{"username":5,"displayName":"x","password":"long-enough-pw","role":"lab","area":"75"}"#, .badRequest, "username"),
                (#"{"displayName":"x","password":"long-enough-pw","role":"lab","area":"75"}"#, .badRequest, "username"),
                (#"{"username":"okname","displayName":"x","password":"long-enough-pw","role":"wizard","area":"75"}"#, .unprocessableContent, "role"),
                (#"{"username":"okname","displayName":"x","password":"short","role":"lab","area":"7"}"#, .unprocessableContent, "password"),
            ]
            for (body, status, field) in cases {
                try await client.execute(uri: "/api/v1/accounts", method: .post, headers: .json(bearer: token), body: ByteBuffer(string: body)) { response throws in
                    #expect(response.status == status, "\(body)")
                    #expect(response.headers[.contentType] == "application/problem+json")
                    if let field {
                        let errors = try json(response.body)["errors"] as? [[String: String]] ?? []
                        #expect(errors.contains { $0["field"] == field }, "\(body) → \(errors)")
                    }
                }
            }
            let huge = ByteBuffer(repeating: UInt8(ascii: "a"), count: 10 << 20)
            try await client.execute(uri: "/api/v1/accounts", method: .post, headers: .json(bearer: token), body: huge) { response throws in
                #expect(response.status == .contentTooLarge)
            }
        }
    }

    @Test func injectionIsStoredAndShownInert() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (_, token) = try await app.account(.admin, area: "75")
            let evil = #"<script>alert(1)</script>'; DROP TABLE accounts; --"#
            let body = try JSONSerialization.data(withJSONObject: [
                "username": "evil", "displayName": evil, "password": "long-enough-pw", "role": "lab", "area": "75",
            ])
            var id = 0
            try await client.execute(uri: "/api/v1/accounts", method: .post, headers: .json(bearer: token), body: ByteBuffer(bytes: body)) { response throws in
                #expect(response.status == .created)
                id = try #require(try json(response.body)["id"] as? Int)
            }
            try await client.execute(uri: "/api/v1/accounts/\(id)", method: .get, headers: .bearer(token)) { response throws in
                #expect(try json(response.body)["displayName"] as? String == evil)
            }
            #expect(try await app.accounts.listAll().count == 2, "the accounts table survived")
        }
    }
}
