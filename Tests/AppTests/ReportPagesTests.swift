import Accounts
import App
import Codes
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Storage
import Testing
import TestSupport

/// The standard report templates: each unit's counts over the range asked, totals, the template's share, the same
/// table as CSV and XLSX; unknown templates and bad days refused; another district refused.
@Suite struct ReportPagesTests {
    @Test func theTestingReportAddsTheRangePerCommuneWithItsPositivity() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (bienHoa, _) = try await app.account(.districtOfficer, area: "731")
            let web = try await app.sessions.issue(for: bienHoa, kind: .web, lifetime: 600)
            let cookie: HTTPFields = [.cookie: "sentinel_session=\(web.token)"]
            // Counts as the writers leave them: two days in Trảng Dài, one in Tân Phong, one outside the range, one in 732.
            let counts: [(String, String, String, Int)] = [
                ("tests", "2021-11-01", "25993", 40), ("positives", "2021-11-01", "25993", 3), ("tests", "2021-11-02", "25993", 60),
                ("positives", "2021-11-02", "25993", 2), ("samples", "2021-11-02", "25993", 12), ("tests", "2021-11-02", "25996", 10),
                ("tests", "2021-11-09", "25993", 999), ("positives", "2021-11-02", "26470", 50),
            ]
            try await app.database.write { db in
                for (measure, day, commune, n) in counts {
                    try await db.raw("INSERT INTO daily_counts (measure, day, commune_code, n) VALUES (\(bind: measure), \(bind: day), \(bind: commune), \(bind: n))").run()
                }
            }
            let (status, html) = try await client.execute(uri: "/reports/testing?from=2021-11-01&to=2021-11-07", method: .get, headers: cookie) {
                ($0.status, String(buffer: $0.body))
            }
            #expect(status == .ok)
            // Trảng Dài: samples 12, …, tests 100, positives 5, retests 0 → 5.0 %; Tân Phong: 10 tests, 0 positive → 0.0 %.
            let trangDai = try #require(html.range(of: "<tr><th scope=\"row\">Phường Trảng Dài</th>").map { String(html[$0.upperBound...].prefix(200)) })
            #expect(trangDai.hasPrefix("<td>12</td><td>0</td><td>0</td><td>0</td><td>0</td><td>100</td><td>5</td><td>0</td><td>5.0%</td></tr>"), "\(trangDai)")
            #expect(html.contains("<tr><th scope=\"row\">Phường Tân Phong</th><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>10</td><td>0</td><td>0</td><td>0.0%</td>"))
            #expect(html.contains("<tfoot><tr><th scope=\"row\">Tổng</th><td>12</td><td>0</td><td>0</td><td>0</td><td>0</td><td>110</td><td>5</td><td>0</td><td>4.5%</td>"))
            #expect(html.contains("Tỷ lệ dương tính") && html.contains("href=\"/reports/declarations?area=731&amp;to=2021-11-07\""))
            // The same table as a workbook (and CSV): a row per commune, totals last.
            let book = try await client.execute(uri: "/reports/testing?area=731&from=2021-11-01&to=2021-11-07&format=xlsx", method: .get, headers: cookie) {
                ($0.status, [UInt8](buffer: $0.body))
            }
            #expect(book.0 == .ok)
            let rows = try XLSXReader.rows(book.1)
            #expect(rows.first?.cells.count == 10 && rows.first?.cells[1] == "Mẫu xét nghiệm" && rows.first?.cells[9] == "Tỷ lệ dương tính",
                    "\(rows.first?.cells ?? [])")
            #expect(rows.last?.cells == ["Tổng", "12", "0", "0", "0", "0", "110", "5", "0", "4.5%"])
            let csv = try await client.execute(uri: "/reports/testing?area=731&from=2021-11-01&to=2021-11-07&format=csv", method: .get, headers: cookie) {
                String(buffer: $0.body)
            }
            #expect(csv.contains("Phường Trảng Dài,12,0,0,0,0,100,5,0,5.0%"))
            // The daily report keeps its day and its F0 over 7 days; unknown reports, bad days, other districts refused.
            let daily = try await client.execute(uri: "/reports/daily?date=2021-11-02", method: .get, headers: cookie) { ($0.status, String(buffer: $0.body)) }
            #expect(daily.0 == .ok && daily.1.contains("F0 7 ngày") && daily.1.contains("<strong>2021-11-02</strong>"))
            #expect(try await client.execute(uri: "/reports/weekly", method: .get, headers: cookie) { $0.status } == .notFound)
            #expect(try await client.execute(uri: "/reports/testing?from=2021-13-01", method: .get, headers: cookie) { $0.status } == .unprocessableContent)
            #expect(try await client.execute(uri: "/reports/testing?from=2015-01-01&to=2021-01-01", method: .get, headers: cookie) { $0.status }
                == .unprocessableContent)
            #expect(try await client.execute(uri: "/reports/testing?area=732", method: .get, headers: cookie) { $0.status } == .forbidden)
        }
    }
}
