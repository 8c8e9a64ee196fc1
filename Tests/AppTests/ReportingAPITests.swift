import Accounts
import App
import Domain
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import People
import SQLKit
import Storage
import Testing
import TestSupport

@Suite struct ReportingAPITests {
    /// A new F0 is in the figures as soon as it is saved (no rebuild, no job run): the stats API, the dashboard and its
    /// live feed all see it; bad questions are 4xx naming the problem; another district's figures are refused and audited.
    @Test(arguments: TestDatabases.kinds)
    func figuresAreCurrentTheMomentACaseIsSavedAndQuestionsAreChecked(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            let (cdcAccount, cdc) = try await app.account(.epidemiologist, area: "75")
            let (_, bienHoa) = try await app.account(.districtOfficer, area: "731")
            let (leaderAccount, leader) = try await app.account(.leader, area: "75")
            let web = try await app.sessions.issue(for: leaderAccount, kind: .web, lifetime: 600)
            let cookie: HTTPFields = [.cookie: "sentinel_session=\(web.token)"]
            let today = LocalDay.string(Date())
            func f0Today(_ token: String, area: String) async throws -> Int64? {
                let (status, body, _) = try await call(client, .get, "/api/v1/stats?measure=f0_new&area=\(area)&from=\(today)&to=\(today)", token: token)
                #expect(status == .ok)
                return ((body as? [String: Any])?["series"] as? [[String: Any]])?.first?["total"] as? Int64
                    ?? (((body as? [String: Any])?["series"] as? [[String: Any]])?.first?["total"] as? Int).map(Int64.init)
            }
            #expect(try await f0Today(leader, area: "75") == 0)
            let person = try await PersonRegistry(database: app.database).create(
                NewPerson(fullName: "Trần Văn Số Liệu", birthYear: 1980, idNumber: "075180000111", communeCode: "25993"),
                by: cdcAccount.principal, trace: .cli("test"))
            let (created, _, _) = try await call(client, .post, "/api/v1/cases", token: cdc,
                                                 body: #"{"personId":\#(person.id),"classification":"F0","facts":{"confirmedOn":"\#(today)"}}"#)
            #expect(created == .created)
            #expect(try await f0Today(leader, area: "75") == 1)
            #expect(try await f0Today(bienHoa, area: "25993") == 1)

            // The same figures as a workbook: a row per commune, a column per measure named in Vietnamese, totals last.
            let (bookStatus, _, book) = try await call(client, .get, "/api/v1/stats?measure=f0_new,samples&area=731&from=\(today)&to=\(today)&groupBy=commune&format=xlsx",
                                                       token: leader)
            #expect(bookStatus == .ok)
            if kind == .sqlite, ExternalTool.required("libreoffice") {
                let table = try CSV.parse(try ExternalTool.libreOfficeCSV(xlsx: Data(buffer: book))).map(\.fields)
                #expect(table.first == ["Xã/phường", "Tên", "F0 mới", "Mẫu xét nghiệm"], "\(table.first ?? [])")
                #expect(table.first { $0.first == "25993" }.map { Array($0.dropFirst(2)) } == ["1", "0"], "\(table)")
                #expect(table.last.map { [$0[0], $0[2]] } == ["Tổng", "1"])
            }

            // The dashboard and its live feed.
            let (dashStatus, dash, _) = try await call(client, .get, "/api/v1/dashboard", token: leader)
            #expect(dashStatus == .ok)
            let headline = ((dash as? [String: Any])?["headlines"] as? [[String: Any]])?.first { $0["measure"] as? String == "f0_new" }
            #expect((headline?["today"] as? Int) == 1 && (headline?["daily"] as? [Int])?.count == 28)
            #expect((dash as? [String: Any])?["untracedF0"] as? Int == 1)
            let feed = try await client.execute(uri: "/dashboard/events?limit=1", method: .get, headers: cookie) { response in
                (response.headers[.contentType], String(buffer: response.body))
            }
            #expect(feed.0?.hasPrefix("text/event-stream") == true)
            #expect(feed.1.hasPrefix("retry: 3000\n\nevent: figures\ndata: ") && feed.1.contains(#""f0_new":1"#), "\(feed.1)")

            // Bad questions name what is wrong.
            let (unknown, unknownBody, _) = try await call(client, .get, "/api/v1/stats?measure=f0_new,f9_new", token: leader)
            #expect(unknown == .unprocessableContent || unknown == .badRequest)
            #expect(String(describing: unknownBody).contains("unknown measure f9_new"))
            let (long, longBody, _) = try await call(client, .get, "/api/v1/stats?measure=f0_new&from=2018-01-01&to=2021-12-31", token: leader)
            #expect((long == .unprocessableContent || long == .badRequest) && String(describing: longBody).contains("3 years"))
            let (noArea, noAreaBody, _) = try await call(client, .get, "/api/v1/stats?measure=f0_new&area=99999", token: leader)
            #expect(noArea == .notFound && String(describing: noAreaBody).contains("99999"))
            #expect(try await call(client, .get, "/api/v1/maps/heat.svg", token: leader).0 == .notFound)
            #expect(try await call(client, .get, "/api/v1/maps/risk.svg?date=yesterday", token: leader).0 == .unprocessableContent)

            // Another district's figures: 403, audited.
            let before = try await denials(app.database)
            #expect(try await call(client, .get, "/api/v1/stats?measure=f0_new&area=732", token: bienHoa).0 == .forbidden)
            #expect(try await call(client, .get, "/api/v1/maps/incidence.svg?area=732", token: bienHoa).0 == .forbidden)
            #expect(try await denials(app.database) == before + 2)

            // The maps are SVG documents with a shape per district (province) or a cell per commune (district).
            for (area, token, shapes) in [("75", leader, 11), ("731", bienHoa, 1)] {
                let svg = try await client.execute(uri: "/api/v1/maps/incidence.svg?area=\(area)", method: .get, headers: .bearer(token)) {
                    ($0.status, $0.headers[.contentType], String(buffer: $0.body))
                }
                #expect(svg.0 == .ok && svg.1?.hasPrefix("image/svg+xml") == true)
                #expect(XMLParser(data: Data(svg.2.utf8)).parse(), "well-formed SVG")
                #expect(svg.2.components(separatedBy: "<path data-code=").count - 1 == shapes)
                if area == "731" { #expect(svg.2.contains(#"data-code="25993""#) && svg.2.contains("1 ca F0 trong 7 ngày")) }
            }
            // The day's F0 list, streamed as CSV, for those who may read cases; the daily report page for the leader.
            let csv = try await client.execute(uri: "/api/v1/reports/f0.csv?area=731&from=\(today)", method: .get, headers: .bearer(cdc)) {
                ($0.status, $0.headers[.contentType], String(buffer: $0.body))
            }
            #expect(csv.0 == .ok && csv.1?.hasPrefix("text/csv") == true)
            let records = try CSV.parse(String(csv.2.drop { $0 == "\u{FEFF}" }))
            #expect(records.count == 2 && records[0].fields.first == "case_id" && records[1].fields.contains("Trần Văn Số Liệu"), "\(records)")
            // The same list as a streamed workbook: Vietnamese headings, the same rows as the CSV (read back by LibreOffice).
            let listBook = try await client.execute(uri: "/api/v1/reports/f0.xlsx?area=731&from=\(today)", method: .get, headers: .bearer(cdc)) {
                ($0.status, $0.headers[.contentDisposition] ?? "", Data(buffer: $0.body))
            }
            #expect(listBook.0 == .ok && listBook.1.contains("f0-731-\(today)-\(today).xlsx"))
            if ExternalTool.required("libreoffice") {
                let table = try CSV.parse(try ExternalTool.libreOfficeCSV(xlsx: listBook.2)).map(\.fields)
                #expect(table.first?.prefix(3) == ["Mã ca", "Họ và tên", "Năm sinh"], "\(table.first ?? [])")
                #expect(Array(table.dropFirst()) == records.dropFirst().map(\.fields), "\(table) vs \(records)")
            }
            #expect(try await call(client, .get, "/api/v1/reports/f0.xlsx", token: leader).0 == .forbidden)
            #expect(try await call(client, .get, "/api/v1/reports/f0.csv", token: leader).0 == .forbidden, "leaders see figures, not names")
            #expect(try await call(client, .get, "/api/v1/reports/people.csv", token: cdc).0 == .notFound)
            let checkins = try await client.execute(uri: "/api/v1/reports/checkins.csv?from=\(today)", method: .get, headers: .bearer(cdc)) {
                ($0.status, String(buffer: $0.body))
            }
            #expect(checkins.0 == .ok && checkins.1.hasPrefix("\u{FEFF}event_id,"))
            let daily = try await client.execute(uri: "/reports/daily?date=\(today)", method: .get, headers: cookie) { ($0.status, String(buffer: $0.body)) }
            #expect(daily.0 == .ok && daily.1.contains("Thành phố Biên Hòa") && daily.1.contains("<tfoot><tr><th scope=\"row\">"))

            // The printable page and the dashboard page render for the leader.
            let page = try await client.execute(uri: "/dashboard", method: .get, headers: cookie) { ($0.status, String(buffer: $0.body)) }
            #expect(page.0 == .ok && page.1.contains("data-measure=\"f0_new\"") && page.1.contains("<svg"))
        }
    }

    func denials(_ db: Database) async throws -> Int {
        try await db.read {
            try await $0.raw("SELECT COUNT(*) AS n FROM audit_log WHERE outcome LIKE 'denied%'").first()!.decode(column: "n", as: Int.self)
        }
    }
}
