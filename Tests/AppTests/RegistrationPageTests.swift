import App
import Codes
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport
import Domain
import Laboratory
import People

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
            #expect(badPage.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && badPage.contains(#"name="communeCode" value="25993""#))
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

    /// A station opens a site taking three people an hour; citizens see its free hours, book one, and the last place
    /// goes once. Bad sites and hours are answered, never stored.
    @Test(arguments: TestDatabases.kinds)
    func aCitizenBooksAnHourAtASiteThatTakesBookings(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            let (_, station) = try await app.account(.communeOfficer, area: "25993")
            let (_, sampler) = try await app.account(.sampler, area: "25993")
            let site = #"{"name":"Trạm Y tế Trảng Dài","kind":"fixed","communeCode":"25993","address":"Khu phố 4","opens":"07:00","closes":"11:00","slotMinutes":60,"slotCapacity":3}"#
            #expect(try await call(client, .post, "/api/v1/test-sites", token: sampler, body: site).0 == .forbidden)
            for bad in [#"{"name":"","kind":"castle","communeCode":"731","opens":"7h","closes":"25:00","slotMinutes":7,"slotCapacity":-1}"#,
                        #"{"name":"X","kind":"fixed","communeCode":"25993","opens":"10:00","closes":"10:30","slotMinutes":60}"#] {
                let (status, problem, _) = try await call(client, .post, "/api/v1/test-sites", token: station, body: bad)
                #expect(status == .unprocessableContent && ((problem as? [String: Any])?["errors"] as? [Any])?.isEmpty == false)
            }
            let (created, body, _) = try await call(client, .post, "/api/v1/test-sites", token: station, body: site)
            #expect(created == .created)
            let siteId = try #require((body as? [String: Any])?["id"] as? Int)
            _ = try await call(client, .post, "/api/v1/test-sites", token: station,
                               body: #"{"name":"Điểm lưu động","kind":"mobile","communeCode":"25993","opens":"08:00","closes":"16:00"}"#)
            #expect(try await call(client, .post, "/api/v1/test-sites", token: station,
                                   body: #"{"name":"Nơi khác","kind":"fixed","communeCode":"26002"}"#).0 == .forbidden)

            // Tomorrow's four hours, public, each with three places.
            let tomorrow = LocalDay.adding(1, to: LocalDay.string(Date()))!
            let (_, slots, _) = try await call(client, .get, "/api/v1/test-sites/\(siteId)/slots?date=\(tomorrow)", token: "")
            let items = try #require((slots as? [String: Any])?["items"] as? [[String: Any]])
            #expect(items.count == 4 && items.allSatisfy { $0["capacity"] as? Int == 3 && $0["booked"] as? Int == 0 })
            #expect(try await call(client, .get, "/api/v1/test-sites/999/slots", token: "").0 == .notFound)
            let (_, sites, _) = try await call(client, .get, "/api/v1/test-sites?commune=25993", token: "")
            #expect(((sites as? [String: Any])?["items"] as? [[String: Any]])?.count == 2)

            var csrf = ""
            let eight = LocalDay.start(tomorrow)!.addingTimeInterval(8 * 3600)
            try await client.execute(uri: "/dang-ky-xet-nghiem?commune=25993", method: .get) { response in
                csrf = try #require(cookie("sentinel_csrf", in: response))
                let html = String(buffer: response.body)
                #expect(html.contains("Trạm Y tế Trảng Dài — Khu phố 4") && html.contains(#"value="\#(siteId)|\#(Int(eight.timeIntervalSince1970))""#))
                #expect(html.contains("Đến trong giờ mở cửa 08:00–16:00"), "the mobile team takes no bookings")
            }
            func book(_ n: Int, slot: String) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: "/dang-ky-xet-nghiem", method: .post,
                                         headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "sentinel_csrf=\(csrf)"],
                                         body: ByteBuffer(string: "_csrf=\(csrf)&name=Ng%C6%B0%E1%BB%9Di+\(n)&phone=091200\(String(format: "%04d", n))&communeCode=25993&reason=screening&slot=\(slot.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")) {
                    ($0.status, String(buffer: $0.body))
                }
            }
            let eightSlot = "\(siteId)|\(Int(eight.timeIntervalSince1970))"
            // The confirmation names the hour as "T7 05/12 08:00" — "CN" on a Sunday, so the expectation is worked out
            // from tomorrow's date here (it said "— T" and failed whenever tomorrow was a Sunday).
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = LocalDay.timeZone
            let weekday = calendar.component(.weekday, from: eight)
            let ymd = tomorrow.split(separator: "-")
            let hour = "\(weekday == 1 ? "CN" : "T\(weekday)") \(ymd[2])/\(ymd[1]) 08:00"
            for n in 1...3 {
                let (status, page) = try await book(n, slot: eightSlot)
                #expect(status == .created && page.contains("Trạm Y tế Trảng Dài — \(hour)"), "booking \(n)")
            }
            let (full, fullPage) = try await book(4, slot: eightSlot)
            #expect(full == .unprocessableContent && fullPage.contains("fully booked"))
            try await client.execute(uri: "/dang-ky-xet-nghiem?commune=25993", method: .get) { response in
                #expect(!String(buffer: response.body).contains(#"value="\#(eightSlot)""#), "a full hour is not offered")
            }
            // Not one of the site's hours, an hour that is over, a site that takes no bookings given an hour, no such site.
            for slot in ["\(siteId)|\(Int(eight.timeIntervalSince1970) + 1800)", "\(siteId)|\(Int(eight.timeIntervalSince1970) - 3 * 86_400)",
                         "\(siteId)|", "424242|"] {
                #expect(try await book(5, slot: slot).0 == .unprocessableContent, "\(slot)")
            }
            // A device's instant with milliseconds books the same hour, counted with the others.
            let nine = LocalDay.start(tomorrow)!.addingTimeInterval(9 * 3600 + 0.6)
            _ = try await app.services().lab.register(NewRegistration(person: PersonClaim(phone: "0912777009", name: "Qua Ứng Dụng"), reason: .work,
                                                                      communeCode: "25993", siteId: Int64(siteId), slotStart: nine),
                                                      by: nil, trace: .cli("test"))
            let (_, nineSlots, _) = try await call(client, .get, "/api/v1/test-sites/\(siteId)/slots?date=\(tomorrow)", token: "")
            #expect(((nineSlots as? [String: Any])?["items"] as? [[String: Any]])?.map { $0["booked"] as? Int } == [0, 3, 1, 0])
            let booked = try await app.database.read {
                try await $0.raw("SELECT COUNT(*) AS n FROM test_registrations WHERE site_id = \(bind: Int64(siteId))").first()!.decode(column: "n", as: Int.self)
            }
            #expect(booked == 4)
        }
    }

    /// From the registration slip to the result: the code and the year (or date) of birth given at registration.
    @Test func theRegistrationCodeAndTheBirthYearOpenTheResults() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (_, registration, _) = try await call(client, .post, "/api/v1/test-registrations", token: "",
                                                      body: #"{"person":{"phone":"0912777001","name":"Phan Văn Mã","birthYear":1979},"reason":"screening","communeCode":"25993"}"#)
            let code = try #require((registration as? [String: Any])?["code"] as? String)
            let person = try #require((registration as? [String: Any])?["personId"] as? Int)
            let (sampler, _) = try await app.account(.sampler, area: "25993")
            let (lab, _) = try await app.account(.lab, area: "75")
            let store = try app.services().lab
            _ = try await store.collect(NewSample(tubeBarcode: "CODE-1", personIds: [Int64(person)], method: .rtPCR, specimenType: "np_swab",
                                                  communeCode: "25993"), by: sampler.principal, trace: .cli("test"))
            _ = try await store.record(ResultInput(result: .negative), for: "CODE-1", by: lab.principal, trace: .cli("test"))

            for (body, want) in [(#"{"registrationCode":"\#(code.lowercased())","birthDate":"1979"}"#, HTTPResponse.Status.ok),
                                 (#"{"registrationCode":"\#(code)","birthDate":"1979-06-01"}"#, .ok),
                                 (#"{"registrationCode":"\#(code)","birthDate":"1980"}"#, .notFound),
                                 (#"{"registrationCode":"ZZZZZZZZ","birthDate":"1979"}"#, .notFound),
                                 (#"{"registrationCode":"' OR 1=1 --","birthDate":"1979"}"#, .notFound),
                                 (#"{"registrationCode":"\#(code)","birthDate":"79"}"#, .notFound),
                                 (#"{"phone":"0912777001"}"#, .unprocessableContent)] {
                let (status, answer, _) = try await call(client, .post, "/api/v1/results/lookup", token: "", body: body)
                #expect(status == want, "\(body)")
                if status == .ok {
                    #expect((answer as? [String: Any])?["name"] as? String == "Phan Văn Mã")
                    #expect(((answer as? [String: Any])?["results"] as? [[String: Any]])?.first?["outcome"] as? String == "negative")
                }
            }
            try await client.execute(uri: "/ket-qua/tra-cuu", method: .post,
                                     headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "sentinel_csrf=tok"],
                                     body: ByteBuffer(string: "_csrf=tok&registrationCode=\(code)&birthDate=1979")) { response in
                #expect(response.status == .ok && String(buffer: response.body).contains("CODE-1"))
            }
        }
    }

    /// A company sends its workers as an Excel workbook: read like the CSV, numbers that lost their leading zero
    /// restored, each row answered with its row number in the sheet; a broken workbook is a 400.
    @Test func aCompanysWorkbookIsImportedRowByRow() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (_, officer) = try await app.account(.districtOfficer, area: "731")
            let workbook = Spreadsheet.xlsx(sheet: "Công nhân", header: ["full_name", "id_number", "phone", "birth_year", "commune_code"], rows: [
                [.text("Nguyễn Văn Xưởng"), .number(75_190_012_345), .number(912_345_678), .number(1990), .text("25993")],
                [.text("Trần Thị Ca"), .empty, .text("0912345679"), .empty, .number(25996)],
                [.text(""), .empty, .text("0912345680"), .empty, .text("25993")],
                [.text("Ngoài Huyện"), .empty, .text("0912345681"), .empty, .text("26383")],
            ])
            func upload(_ bytes: [UInt8]) async throws -> (HTTPResponse.Status, [String: Any]?) {
                try await client.execute(uri: "/api/v1/test-registrations/import?reason=work", method: .post,
                                         headers: [.authorization: "Bearer \(officer)", .contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
                                         body: ByteBuffer(bytes: bytes)) {
                    ($0.status, try? JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? [String: Any])
                }
            }
            let (status, answer) = try await upload(workbook)
            #expect(status == .ok)
            let rows = try #require(answer?["rows"] as? [[String: Any]])
            #expect(rows.map { $0["line"] as? Int } == [2, 3, 4, 5], "the sheet's row numbers")
            #expect(rows.map { $0["status"] as? String } == ["accepted", "accepted", "invalid", "invalid"])
            let people = try await app.database.read { db in
                try await db.raw("SELECT full_name, id_number, phone FROM persons ORDER BY id").all().map {
                    [try $0.decode(column: "full_name", as: String.self), try $0.decode(column: "id_number", as: String?.self) ?? "",
                     try $0.decode(column: "phone", as: String?.self) ?? ""]
                }
            }
            #expect(people == [["Nguyễn Văn Xưởng", "075190012345", "0912345678"], ["Trần Thị Ca", "", "0912345679"]])
            let (broken, problem) = try await upload(Array(workbook.prefix(300)))
            #expect(broken == .badRequest && (problem?["detail"] as? String)?.contains("spreadsheet") == true)
        }
    }
}
