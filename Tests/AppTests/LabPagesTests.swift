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

/// The laboratory's page in the browser: tubes scanned in, a result entered, an instrument file imported, a result
/// corrected — and each refusal shown on the page with what to fix, nothing written.
@Suite struct LabPagesTests {
    @Test func theLabWorksThroughItsPage() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (cdcAccount, _) = try await app.account(.epidemiologist, area: "75")
            let (_, sampler) = try await app.account(.sampler, area: "25993")
            let (labAccount, _) = try await app.account(.lab, area: "731")
            let web = try await app.sessions.issue(for: labAccount, kind: .web, lifetime: 600)
            let people = try await LabAPITests.people(app, by: cdcAccount.principal, count: 3, prefix: "66")
            for (tube, person) in [("PAGE-1", people[0]), ("PAGE-2", people[1]), ("PAGE-3", people[2])] {
                #expect(try await call(client, .post, "/api/v1/samples", token: sampler,
                                       body: #"{"tubeBarcode":"\#(tube)","personIds":[\#(person)],"method":"rt_pcr","specimenType":"np_swab"}"#).0 == .created)
            }
            func page(_ uri: String, _ form: String? = nil) async throws -> (HTTPResponse.Status, String) {
                var headers: HTTPFields = [.cookie: "sentinel_session=\(web.token)"]
                if form != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
                return try await client.execute(uri: uri, method: form == nil ? .get : .post, headers: headers,
                                                body: form.map { ByteBuffer(string: "_csrf=\(web.csrfToken)&" + $0) }) { ($0.status, String(buffer: $0.body)) }
            }
            // The worklist shows the three tubes waiting; the nav leads here.
            let (_, first) = try await page("/lab")
            #expect(first.contains("href=\"/lab\"") && first.contains("PAGE-1") && first.contains("PAGE-3"))

            // Scanned in: one tube per line as the reader types it, a stray one refused on its row.
            let (_, received) = try await page("/lab/receive", "tubes=PAGE-1%0D%0APAGE-2%0D%0AKHONG-CO%0D%0A")
            #expect(received.contains("Đã nhận") && received.contains("class=\"refused\"") && received.contains("never collected"), "\(received)")
            let (empty, emptyPage) = try await page("/lab/receive", "tubes=%0D%0A")
            #expect(empty == .unprocessableContent && emptyPage.contains("scan at least one tube"))

            // A result: bad Ct refused with the field named; then saved with a decimal comma.
            let (badCt, badCtPage) = try await page("/lab/result", "tube=PAGE-1&result=positive&ct_E=abc")
            #expect(badCt == .unprocessableContent && badCtPage.contains("ct_E") && badCtPage.contains("value=\"PAGE-1\""))
            let (saved, savedPage) = try await page("/lab/result", "tube=PAGE-1&result=positive&ct_E=23%2C5&operator=KTV+H%C3%A0")
            #expect(saved == .ok && savedPage.contains("Đã lưu kết quả ống PAGE-1") && savedPage.contains("Dương tính"))
            let (again, againPage) = try await page("/lab/result", "tube=PAGE-1&result=negative")
            #expect(again == .unprocessableContent && againPage.contains("already has a result"))

            // A correction needs its reason; with it, the page says what changed; the reason is shown escaped.
            let (noReason, _) = try await page("/lab/correct", "tube=PAGE-1&result=negative&reason=+")
            #expect(noReason == .unprocessableContent)
            let (corrected, correctedPage) = try await page("/lab/correct", "tube=PAGE-1&result=negative&reason=%3Cscript%3Ex%3C%2Fscript%3E+nh%E1%BA%A7m")
            #expect(corrected == .ok && correctedPage.contains("Dương tính → Âm tính") && correctedPage.contains("Ca F0 bị rút lại"), "\(correctedPage)")
            #expect(!correctedPage.contains("<script>x") && correctedPage.contains("&lt;script&gt;x"))

            // The file upload's script posts JSON with the session's token; without it, 403.
            let file = "tube_barcode,result\nPAGE-2,negative\nPAGE-9,negative\n"
            let json = String(decoding: try JSONSerialization.data(withJSONObject: ["text": file]), as: UTF8.self)
            let statuses = try await client.execute(uri: "/lab/import", method: .post,
                                                    headers: [.cookie: "sentinel_session=\(web.token)", .contentType: "application/json",
                                                              HTTPField.Name("X-CSRF-Token")!: web.csrfToken],
                                                    body: ByteBuffer(string: json)) { response -> [String] in
                #expect(response.status == .ok)
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                return (body?["results"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String }
            }
            #expect(statuses == ["recorded", "refused"])
            try await client.execute(uri: "/lab/import", method: .post,
                                     headers: [.cookie: "sentinel_session=\(web.token)", .contentType: "application/json"], body: ByteBuffer(string: json)) {
                #expect($0.status == .forbidden)
            }
            // What is left waiting: PAGE-3 only.
            let (_, last) = try await page("/lab")
            #expect(last.contains("PAGE-3") && !last.contains("<td>PAGE-2</td>"))
        }
    }

    /// The figures at the foot of the page, by day and by commune, for a period asked; a bad period is named and the
    /// page still answers; the workbook download, opened by LibreOffice, holds the same figures as the JSON.
    @Test func theFiguresShowOnThePageAndDownloadAsAWorkbook() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (cdcAccount, _) = try await app.account(.epidemiologist, area: "75")
            let (_, sampler) = try await app.account(.sampler, area: "731")
            let (labAccount, lab) = try await app.account(.lab, area: "75")
            let web = try await app.sessions.issue(for: labAccount, kind: .web, lifetime: 600)
            let people = try await LabAPITests.people(app, by: cdcAccount.principal, count: 5, prefix: "77")
            // Two single tubes in 25993 on the 10th; one single and a pool of two in 26005 on the 11th.
            for (tube, ids, commune, at) in [("FIG-1", [people[0]], "25993", "2021-08-10T01:00:00Z"), ("FIG-2", [people[1]], "25993", "2021-08-10T02:00:00Z"),
                                             ("FIG-3", [people[2]], "26005", "2021-08-11T03:00:00Z"), ("FIG-4", [people[3], people[4]], "26005", "2021-08-11T03:00:00Z")] {
                let list = ids.map(String.init).joined(separator: ",")
                #expect(try await call(client, .post, "/api/v1/samples", token: sampler,
                                       body: #"{"tubeBarcode":"\#(tube)","personIds":[\#(list)],"method":"rt_pcr","specimenType":"np_swab","communeCode":"\#(commune)","collectedAt":"\#(at)"}"#).0 == .created)
            }
            // Results 7 h, 10 h and 3 h after sampling (local times, UTC+7); FIG-3 still waits.
            let file = "Mã ống;Kết quả;Thời gian\r\nFIG-1;Dương tính;10/08/2021 15:00\r\nFIG-2;Âm tính;10/08/2021 19:00\r\nFIG-4;Dương tính;11/08/2021 13:00\r\n"
            try await client.execute(uri: "/api/v1/lab/csv", method: .post, headers: [.authorization: "Bearer \(lab)", .contentType: "text/csv"],
                                     body: ByteBuffer(string: file)) { #expect($0.status == .ok) }

            func page(_ uri: String) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: uri, method: .get, headers: [.cookie: "sentinel_session=\(web.token)"]) { ($0.status, String(buffer: $0.body)) }
            }
            func cells(_ html: String, row label: String) -> [String] {
                guard let start = html.range(of: ">\(label)</t") else { return [] }
                let rest = html[start.upperBound...]
                let end = rest.range(of: "</tr>")?.lowerBound ?? rest.endIndex
                return rest[..<end].components(separatedBy: "<td>").dropFirst().map { $0.components(separatedBy: "</td>")[0] }
            }
            let (_, byDay) = try await page("/lab?from=2021-08-10&to=2021-08-11&groupBy=day")
            #expect(cells(byDay, row: "10/08/2021") == ["2", "2", "1", "0", "50.0 %", "7.0", "10.0"], "\(byDay)")
            #expect(cells(byDay, row: "11/08/2021") == ["2", "1", "1", "1", "100.0 %", "3.0", "3.0"])
            #expect(cells(byDay, row: "Tổng") == ["4", "3", "2", "1", "66.7 %", "7.0", "10.0"])
            #expect(byDay.contains("24 giờ: <strong>1</strong>"), "FIG-3 is the one tube waiting over a day")
            #expect(byDay.contains("/api/v1/lab/stats?format=xlsx&amp;from=2021-08-10&amp;to=2021-08-11&amp;groupBy=day"))
            let (_, byCommune) = try await page("/lab?from=2021-08-10&to=2021-08-11&groupBy=commune")
            #expect(cells(byCommune, row: "Phường Tân Hòa (26005)") == ["2", "1", "1", "1", "100.0 %", "3.0", "3.0"], "\(byCommune)")
            let (status, badPeriod) = try await page("/lab?from=2021-13-01&to=2021-08-11")
            #expect(status == .ok && badPeriod.contains("from: a day as YYYY-MM-DD"), "the page answers and names the field")

            // The workbook, read back by LibreOffice: the JSON's figures, numbers as numbers, the total last.
            let (_, json, _) = try await call(client, .get, "/api/v1/lab/stats?from=2021-08-10&to=2021-08-11&groupBy=commune", token: lab)
            let total = try #require((json as? [String: Any])?["total"] as? [String: Any])
            let (xlsxStatus, _, xlsx) = try await call(client, .get, "/api/v1/lab/stats?from=2021-08-10&to=2021-08-11&groupBy=commune&format=xlsx", token: lab)
            #expect(xlsxStatus == .ok)
            guard ExternalTool.required("libreoffice") else { return }
            let table = try CSV.parse(try ExternalTool.libreOfficeCSV(xlsx: Data(buffer: xlsx))).map(\.fields)
            #expect(table.first?.first == "Xã/phường" && table.count == 4, "\(table)")
            #expect(table.last == ["Tổng", "\(total["samples"] as? Int ?? -1)", "\(total["resulted"] as? Int ?? -1)", "\(total["positive"] as? Int ?? -1)",
                                   "\(total["poolsPositive"] as? Int ?? -1)", "66.67", "7", "10"])
            #expect(table.dropFirst().first?.first?.hasSuffix("(25993)") == true)
        }
    }
}
