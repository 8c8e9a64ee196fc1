import App
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport

/// The citizen's test registration page: a commune picked by name, an answer with the code and the personal QR, bad
/// input answered on the same form with what was typed kept, and the form check.
@Suite struct RegistrationPageTests {
    @Test func aCitizenRegistersFromThePhoneAndGetsACodeAndAPersonalQR() async throws {
        try await TestApp.with(.sqlite) { app, client in
            var csrf = ""
            try await client.execute(uri: "/dang-ky-xet-nghiem", method: .get) { response in
                #expect(response.status == .ok)
                csrf = try #require(cookie("sentinel_csrf", in: response))
                let html = String(buffer: response.body)
                #expect(html.contains(#"<optgroup label="Thành phố Biên Hòa">"#) && html.contains(#"<option value="25993">Phường Trảng Dài</option>"#))
                #expect(html.components(separatedBy: "<option value=\"2").count - 1 == 170, "every commune of Dong Nai (2021)")
            }
            let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .cookie: "sentinel_csrf=\(csrf)"]
            func post(_ form: String, headers: HTTPFields = headers) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: "/dang-ky-xet-nghiem", method: .post, headers: headers, body: ByteBuffer(string: form)) {
                    ($0.status, String(buffer: $0.body))
                }
            }
            func registrations() async throws -> Int {
                try await app.database.read { try await $0.raw("SELECT COUNT(*) AS n FROM test_registrations").first()!.decode(column: "n", as: Int.self) }
            }
            // Bad input: the same form, each problem named, what was typed kept (and shown inert).
            let (bad, badPage) = try await post("_csrf=\(csrf)&name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&birthYear=85x&idNumber=12&communeCode=25993")
            #expect(bad == .unprocessableContent)
            #expect(badPage.contains("Năm sinh") && badPage.contains("Lý do") && !badPage.contains("<script>alert(1)"))
            #expect(badPage.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && badPage.contains(#"<option value="25993" selected>"#))
            let (badID, badIDPage) = try await post("_csrf=\(csrf)&name=Mai&idNumber=12&communeCode=25993&reason=work")
            #expect(badID == .unprocessableContent && badIDPage.contains("Số CCCD/CMND"))
            let (noCommune, _) = try await post("_csrf=\(csrf)&name=Mai&phone=0912000555&communeCode=&reason=work")
            #expect(noCommune == .unprocessableContent)
            #expect(try await registrations() == 0)
            // Without the form token: refused.
            #expect(try await post("name=Mai&phone=0912000555&communeCode=25993&reason=work", headers: [.contentType: "application/x-www-form-urlencoded"]).0
                    == .forbidden)

            let (created, page) = try await post("_csrf=\(csrf)&name=L%C3%AA+Th%E1%BB%8B+Mai&birthYear=1985&phone=0912000555&communeCode=25993&reason=f1")
            #expect(created == .created && page.contains("<svg"))
            let stored = try await app.database.read { db in
                try await db.raw("""
                    SELECT r.code, r.reason, r.commune_code, r.source, p.full_name, p.birth_year FROM test_registrations r JOIN persons p ON p.id = r.person_id
                    """).all().map { ($0, try $0.decode(column: "code", as: String.self)) }
            }
            #expect(stored.count == 1)
            let (row, code) = try #require(stored.first)
            #expect(page.contains("<strong>\(code)</strong>"))
            #expect(try row.decode(column: "reason", as: String.self) == "f1" && row.decode(column: "commune_code", as: String.self) == "25993")
            #expect(try row.decode(column: "full_name", as: String.self) == "Lê Thị Mai" && row.decode(column: "birth_year", as: Int.self) == 1985)
            #expect(try row.decode(column: "source", as: String.self) == "self")
        }
    }
}
