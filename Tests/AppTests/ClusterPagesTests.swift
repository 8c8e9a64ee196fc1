import Accounts
import App
import ContactTracing
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import People
import Storage
import Testing
import TestSupport

/// Clusters in the browser: open one with its index case and cases, see its members and chain, add a case from the
/// case's page, record its end; bad numbers and days are named; another district's cluster is refused; names are inert.
@Suite struct ClusterPagesTests {
    @Test func anInvestigatorGroupsCasesIntoAClusterInTheBrowser() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let (officerAccount, _) = try await app.account(.districtOfficer, area: "731")
            let (otherAccount, _) = try await app.account(.districtOfficer, area: "732")
            let officer = try await app.sessions.issue(for: officerAccount, kind: .web, lifetime: 600)
            let other = try await app.sessions.issue(for: otherAccount, kind: .web, lifetime: 600)
            let services = try app.services()
            let trace = RequestTrace.cli("test")
            let today = LocalDay.string(Date())
            var ids: [Int64] = []
            for i in 0..<3 {
                let person = try await services.persons.create(NewPerson(fullName: "Ca Cụm \(i)", birthYear: 1980 + i, idNumber: "07518000020\(i)",
                                                                         communeCode: "25993"), by: officerAccount.principal, trace: trace)
                var facts = CaseFacts()
                facts.confirmedOn = today
                ids.append(try await services.cases.open(NewCase(personId: person.id, classification: i == 2 ? .f1 : .f0, communeCode: "25993",
                                                                 facts: i == 2 ? CaseFacts() : facts), by: officerAccount.principal, trace: trace).id)
            }
            func form(_ session: IssuedToken) -> HTTPFields {
                [.cookie: "sentinel_session=\(session.token)", .contentType: "application/x-www-form-urlencoded"]
            }
            func page(_ uri: String, _ session: IssuedToken) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: uri, method: .get, headers: [.cookie: "sentinel_session=\(session.token)"]) { ($0.status, String(buffer: $0.body)) }
            }
            // Bad input first: a case number that is not one, and a missing name — both named, nothing created.
            try await client.execute(uri: "/clusters", method: .post, headers: form(officer), body: ByteBuffer(string:
                "_csrf=\(officer.csrfToken)&name=&place=Ch%E1%BB%A3&communeCode=25993&startedOn=\(today)&caseIds=12%2C+abc")) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("<li>caseIds: case numbers separated by commas; not: abc"))
            }
            try await client.execute(uri: "/clusters", method: .post, headers: form(officer), body: ByteBuffer(string:
                "_csrf=\(officer.csrfToken)&name=&place=Ch%E1%BB%A3&communeCode=25993&startedOn=\(today)&caseIds=")) { response in
                #expect(response.status == .unprocessableContent && String(buffer: response.body).contains("<li>name:"))
            }
            var clusterPath = ""
            try await client.execute(uri: "/clusters", method: .post, headers: form(officer), body: ByteBuffer(string:
                "_csrf=\(officer.csrfToken)&name=%3Cscript%3E%E1%BB%94+d%E1%BB%8Bch+ch%E1%BB%A3&place=Ch%E1%BB%A3+Tr%E1%BA%A3ng+D%C3%A0i&communeCode=25993&startedOn=\(today)&indexCaseId=\(ids[0])&caseIds=\(ids[1])")) { response in
                #expect(response.status == .seeOther)
                clusterPath = response.headers[.location] ?? ""
            }
            #expect(clusterPath.hasPrefix("/clusters/"))
            let (listStatus, list) = try await page("/clusters", officer)
            #expect(listStatus == .ok && list.contains("&lt;script&gt;Ổ dịch chợ") && !list.contains("<script>Ổ"))
            var (status, html) = try await page(clusterPath, officer)
            #expect(status == .ok)
            #expect(html.contains("href=\"/cases/\(ids[0])\"") && html.contains("href=\"/cases/\(ids[1])\"") && !html.contains("href=\"/cases/\(ids[2])\""))
            #expect(html.contains("F0: 2"))

            // From the F1's page: it has no cluster, so it offers the open ones; adding it links it.
            (_, html) = try await page("/cases/\(ids[2])", officer)
            #expect(html.contains("action=\"/cases/\(ids[2])/cluster\""))
            let clusterID = String(clusterPath.dropFirst("/clusters/".count))
            try await client.execute(uri: "/cases/\(ids[2])/cluster", method: .post, headers: form(officer),
                                     body: ByteBuffer(string: "_csrf=\(officer.csrfToken)&clusterId=\(clusterID)")) { #expect($0.status == .seeOther) }
            (_, html) = try await page("/cases/\(ids[2])", officer)
            #expect(html.contains("href=\"/clusters/\(clusterID)\"") && !html.contains("action=\"/cases/\(ids[2])/cluster\""))
            (_, html) = try await page(clusterPath, officer)
            #expect(html.contains("F0: 2 · F1: 1"))

            // Its end: never before it started; then recorded, and shown in the list.
            try await client.execute(uri: clusterPath + "/end", method: .post, headers: form(officer),
                                     body: ByteBuffer(string: "_csrf=\(officer.csrfToken)&endedOn=2000-01-01")) { response in
                #expect(response.status == .unprocessableContent && String(buffer: response.body).contains("<li>endedOn:"))
            }
            try await client.execute(uri: clusterPath + "/end", method: .post, headers: form(officer),
                                     body: ByteBuffer(string: "_csrf=\(officer.csrfToken)&endedOn=\(today)")) { #expect($0.status == .seeOther) }
            #expect(try await services.clusters.get(Int64(clusterID)!, by: officerAccount.principal, trace: trace).endedOn == today)

            // Another district's officer: refused, and audited.
            let denied = try await app.database.read {
                try await $0.raw("SELECT COUNT(*) AS n FROM audit_log WHERE outcome LIKE 'denied%'").first()!.decode(column: "n", as: Int.self)
            }
            let (otherStatus, _) = try await page(clusterPath, other)
            #expect(otherStatus == .forbidden)
            let after = try await app.database.read {
                try await $0.raw("SELECT COUNT(*) AS n FROM audit_log WHERE outcome LIKE 'denied%'").first()!.decode(column: "n", as: Int.self)
            }
            #expect(after == denied + 1)
        }
    }
}
