import App
import ContactTracing
import Foundation
import HealthCertificates
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport

/// A training database says so on every page, and its certificates name a training issuer and are signed by keys no
/// production trust list holds.
@Suite struct TrainingModeTests {
    static func page(_ client: any TestClientProtocol, _ uri: String) async throws -> String {
        try await client.execute(uri: uri, method: .get) { String(buffer: $0.body) }
    }

    @Test func aTrainingDatabaseShowsTheBannerAndIssuesTrainingCertificates() async throws {
        var config = TestApp.config()
        config.demo = true  // a demo's province is simulated: the server marks its database as training data
        config.demoProvince = false
        try await TestApp.with(.sqlite, config: config) { [config] app, client in
            #expect(try await TrainingMode.isOn(app.database))
            for uri in ["/login", "/xac-minh", "/ket-qua", "/noi-co-ca-benh"] {
                let html = try await Self.page(client, uri)
                #expect(html.contains("class=\"training-banner\"") && html.contains("DỮ LIỆU ĐÀO TẠO"), "no banner on \(uri)")
            }
            let (cdcAccount, cdc) = try await app.account(.epidemiologist, area: "75")
            // The venue check-in page and the printed poster have their own layouts: the banner is there too.
            let (owner, ownerToken) = try await app.account(.venueOperator, area: "25993")
            let (_, officer) = try await app.account(.districtOfficer, area: "731")
            let (venueID, token) = try await makeVenue(client, token: ownerToken)
            try await client.execute(uri: "/api/v1/venues/\(venueID)/approve", method: .post, headers: .bearer(officer)) { #expect($0.status == .ok) }
            #expect(try await Self.page(client, "/c/\(token)").contains("training-banner"))
            let web = try await app.sessions.issue(for: owner, kind: .web, lifetime: 600)
            let poster = try await client.execute(uri: "/venues/\(venueID)/poster", method: .get, headers: [.cookie: "sentinel_session=\(web.token)"]) {
                String(buffer: $0.body)
            }
            #expect(poster.contains("training-banner") && poster.contains("<svg"), "no banner on the poster")

            let recovered = try await CertificatesAPITests.recoveredCase(app, by: cdcAccount.principal, name: "Lê Văn Tập", id: "075190000123", commune: "25993")
            let (status, body, _) = try await call(client, .post, "/api/v1/certificates", token: cdc, body: #"{"kind":"recovery","sourceId":"\#(recovered.case)"}"#)
            #expect(status == .created)
            let qr = try #require((body as? [String: Any])?["qr"] as? String)
            // Valid here (the training trust list), with the training issuer in the payload…
            var training = config
            training.training = true
            let here = try Services(config: training, database: app.database).certificates.verify(qr)
            #expect(here.valid, "\(here.reasons)")
            let entry = try #require(here.payload.flatMap(DCCPayload.entry(of:)))
            #expect(entry.1[.text("is")]?.textValue == String("ĐÀO TẠO – KHÔNG CÓ GIÁ TRỊ – Sở Y tế Đồng Nai".prefix(80)))
            // …and unknown to a production server's trust list.
            let production = try Services(config: TestApp.config(), database: app.database).certificates.verify(qr)
            #expect(!production.valid && production.has(.unknownKid), "\(production.reasons)")
        }
    }

    @Test func anOrdinaryDatabaseHasNoBanner() async throws {
        try await TestApp.with(.sqlite) { app, client in
            let marked = try await TrainingMode.isOn(app.database)
            let login = try await Self.page(client, "/login")
            #expect(!marked && !login.contains("training-banner"))
        }
    }
}
