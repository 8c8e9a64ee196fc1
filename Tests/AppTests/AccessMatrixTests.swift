import Accounts
import Laboratory
import App
import Domain
import Foundation
import Geography
import CheckIn
import ContactTracing
import People
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SQLKit
import Storage
import Testing
import TestSupport

/// Every staff route × every role × two area scopes: allowed exactly when the role has the permission and
/// the target lies in the scope; each refusal is a 403 with an audit row, never the data.
@Suite struct AccessMatrixTests {
    struct Route {
        let method: HTTPRequest.Method
        let uri: String
        let web: Bool
        /// nil: any signed-in staff member.
        let permission: Permission?
        /// The area the target record lies in, when the route touches one record.
        let targetArea: String?
        /// A body template; `NAME` is replaced by a fresh username.
        var body: String? = nil
        /// Where the rule is not "permission and scope" (venues an operator owns).
        var rule: ((Role, String) -> Bool)? = nil
    }

    static func covers(_ scope: String, _ area: String) -> Bool {
        // 731 and 732 are districts of 75; 25993 is a commune of 731; every other five-digit code here is in 732.
        switch scope {
        case "75": return true
        case "731": return area == "731" || area == "25993"
        default: return scope == area
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func everyRoleAndScope(kind: DatabaseKind) async throws {
        try await TestApp.with(kind) { app, client in
            let (in731, _) = try await app.account(.communeOfficer, area: "25993")
            let (in732, officer732) = try await app.account(.districtOfficer, area: "732")
            let (_, officer731) = try await app.account(.districtOfficer, area: "731")
            let (venue731, _) = try await makeVenue(client, token: officer731)
            let commune732 = try await AreaStore(database: app.database).children(of: "732", vintage: "2021").first!.code
            let (venue732, _) = try await makeVenue(client, token: officer732, commune: commune732)
            let declaration732 = try await DeclarationStore(database: app.database, rules: try DeclarationStore.bundledRules()).submit(
                DeclarationSubmission(clientId: UUID().uuidString, person: PersonClaim(idNumber: "075000000732", name: "Ở 732"),
                                      communeCode: commune732, symptoms: [.fever], exposures: [], travel: nil)).id
            let (cdc, _) = try await app.account(.epidemiologist, area: "75")
            let persons = PersonRegistry(database: app.database)
            let cases = CaseStore(database: app.database)
            func f0(_ name: String, _ id: String, _ commune: String) async throws -> (person: Int64, case: Int64) {
                let person = try await persons.create(NewPerson(fullName: name, idNumber: id, communeCode: commune), by: cdc.principal,
                                                      trace: .cli("test"))
                var facts = CaseFacts()
                facts.confirmedOn = "2021-09-01"
                let opened = try await cases.open(NewCase(personId: person.id, classification: .f0, facts: facts), by: cdc.principal, trace: .cli("test"))
                return (person.id, opened.id)
            }
            let case731 = try await f0("Ca 731", "075000000001", "25993")
            let case732 = try await f0("Ca 732", "075000000002", commune732)
            let cluster732 = try await ClusterStore(database: app.database).create(
                NewCluster(name: "Ổ 732", communeCode: commune732, place: "Chợ", startedOn: "2021-09-01", caseIds: [case732.case]),
                by: cdc.principal, trace: .cli("test")).id
            // Recovered F0s can be certified; issuing reads the case (cases.read) and certifies it (certificates.issue).
            let recovered731 = try await CertificatesAPITests.recoveredCase(app, by: cdc.principal, name: "Khỏi 731", id: "075000000011", commune: "25993")
            let recovered732 = try await CertificatesAPITests.recoveredCase(app, by: cdc.principal, name: "Khỏi 732", id: "075000000012", commune: commune732)
            // A tube for the slip route, taken in 25993.
            let sampler = try await app.account(.sampler, area: "25993", username: "matrix-sampler").0
            _ = try await LabStore(database: app.database).collect(
                NewSample(tubeBarcode: "T-SLIP", personIds: [case731.person], method: .rtPCR, specimenType: "np_swab"),
                by: sampler.principal, trace: .cli("test"))
            // A checkpoint in 732 with one vehicle bound for 732, for the travel routes.
            let travel = TravelStore(database: app.database)
            let checkpoint732 = try await travel.createCheckpoint(NewCheckpoint(code: "LK-1", name: "Chốt Long Khánh", communeCode: commune732),
                                                                  by: cdc.principal, trace: .cli("test"))
            let guard732 = try await app.account(.checkpointOfficer, area: "732", username: "matrix-guard").0
            let crossing = #"{"clientId":"\#(UUID().uuidString)","checkpointId":\#(checkpoint732.id),"direction":"entering","plate":"60A-123.45","vehicleType":"car","origin":"79","destination":"\#(commune732)","occupants":[{"person":{"phone":"0912000732","name":"Lái xe"}}]}"#
            let slip732 = try await travel.record(
                TravelSubmission(clientId: UUID().uuidString, checkpointId: checkpoint732.id, direction: "entering", plate: "60B-222.33",
                                 vehicleType: "truck", origin: "74", destination: commune732,
                                 occupants: [.init(person: PersonClaim(phone: "0912000733", name: "Tài xế"))]),
                by: guard732.principal, trace: .cli("test")).slipCode
            let readSlip: (Role, String) -> Bool = { role, scope in (role.may(.declareTravel) || role.may(.readTravel)) && Self.covers(scope, commune732) }
            let certify: (String) -> (Role, String) -> Bool = { area in
                { role, scope in role.may(.readCases) && role.may(.issueCertificates) && Self.covers(scope, area) }
            }
            // An officer's venue has no operator: operators may read only their own, so never these.
            let readVenue: (Role, String, String) -> Bool = { role, scope, area in role.may(.readVenues) && Self.covers(scope, area) }
            let routes: [Route] = [
                Route(method: .get, uri: "/api/v1/me", web: false, permission: nil, targetArea: nil),
                Route(method: .get, uri: "/api/v1/areas/731", web: false, permission: .readAreas, targetArea: nil),
                Route(method: .get, uri: "/api/v1/areas?parent=75", web: false, permission: .readAreas, targetArea: nil),
                Route(method: .get, uri: "/api/v1/accounts", web: false, permission: .readAccounts, targetArea: nil),
                Route(method: .get, uri: "/api/v1/accounts/\(in731.id)", web: false, permission: .readAccounts, targetArea: "25993"),
                Route(method: .get, uri: "/api/v1/accounts/\(in732.id)", web: false, permission: .readAccounts, targetArea: "732"),
                Route(method: .post, uri: "/api/v1/accounts/\(in732.id)/enable", web: false, permission: .manageAccounts, targetArea: "732"),
                Route(method: .post, uri: "/api/v1/accounts/\(in731.id)/enable", web: false, permission: .manageAccounts, targetArea: "25993"),
                Route(method: .get, uri: "/api/v1/audit", web: false, permission: .readAudit, targetArea: nil),
                Route(method: .get, uri: "/", web: true, permission: nil, targetArea: nil),
                Route(method: .get, uri: "/areas/731", web: true, permission: .readAreas, targetArea: nil),
                Route(method: .get, uri: "/admin/accounts", web: true, permission: .readAccounts, targetArea: nil),
                Route(method: .get, uri: "/admin/audit", web: true, permission: .readAudit, targetArea: nil),
                Route(method: .post, uri: "/admin/accounts/\(in732.id)/enable", web: true, permission: .manageAccounts, targetArea: "732"),
                Route(method: .post, uri: "/api/v1/accounts", web: false, permission: .manageAccounts, targetArea: "25993",
                      body: #"{"username":"NAME","displayName":"x","password":"long-enough-pw","role":"lab","area":"25993"}"#),
                Route(method: .post, uri: "/api/v1/accounts", web: false, permission: .manageAccounts, targetArea: "732",
                      body: #"{"username":"NAME","displayName":"x","password":"long-enough-pw","role":"lab","area":"732"}"#),
                Route(method: .post, uri: "/admin/accounts", web: true, permission: .manageAccounts, targetArea: "732",
                      body: "username=NAME&displayName=x&password=long-enough-pw&role=lab&area=732"),
                Route(method: .get, uri: "/api/v1/venues", web: false, permission: nil, targetArea: nil,
                      rule: { role, _ in role.may(.readVenues) || role.may(.readOwnVenues) }),
                Route(method: .get, uri: "/api/v1/venues/\(venue731)", web: false, permission: nil, targetArea: nil,
                      rule: { readVenue($0, $1, "25993") }),
                Route(method: .get, uri: "/api/v1/venues/\(venue732)", web: false, permission: nil, targetArea: nil,
                      rule: { readVenue($0, $1, commune732) }),
                Route(method: .get, uri: "/api/v1/venues/\(venue731)/qr.svg", web: false, permission: nil, targetArea: nil,
                      rule: { readVenue($0, $1, "25993") }),
                Route(method: .get, uri: "/api/v1/venues/\(venue732)/checkins", web: false, permission: nil, targetArea: nil,
                      rule: { readVenue($0, $1, commune732) }),
                Route(method: .post, uri: "/api/v1/venues/\(venue731)/approve", web: false, permission: .manageVenues, targetArea: "25993"),
                Route(method: .post, uri: "/api/v1/venues/\(venue732)/approve", web: false, permission: .manageVenues, targetArea: commune732),
                Route(method: .post, uri: "/api/v1/venues", web: false, permission: nil, targetArea: nil,
                      body: #"{"name":"NAME","type":"market","communeCode":"25993"}"#,
                      rule: { role, scope in (role.may(.manageVenues) || role.may(.registerVenues)) && Self.covers(scope, "25993") }),
                Route(method: .post, uri: "/api/v1/checkins", web: false, permission: .submitCheckIns, targetArea: nil, body: "[]"),
                Route(method: .post, uri: "/api/v1/venues/import", web: false, permission: .manageVenues, targetArea: "25993",
                      body: "name,type,address,commune_code\nNAME,market,x,25993\n"),
                Route(method: .get, uri: "/venues", web: true, permission: nil, targetArea: nil,
                      rule: { role, _ in role.may(.readVenues) || role.may(.readOwnVenues) }),
                Route(method: .get, uri: "/venues/\(venue732)", web: true, permission: nil, targetArea: nil,
                      rule: { readVenue($0, $1, commune732) }),
                Route(method: .get, uri: "/venues/\(venue731)/poster", web: true, permission: nil, targetArea: nil,
                      rule: { readVenue($0, $1, "25993") }),
                Route(method: .post, uri: "/venues/\(venue732)/suspend", web: true, permission: .manageVenues, targetArea: commune732),
                Route(method: .get, uri: "/api/v1/declarations/queue", web: false, permission: .followUpDeclarations, targetArea: nil),
                Route(method: .get, uri: "/api/v1/declarations/counts", web: false, permission: .readDashboards, targetArea: nil),
                Route(method: .post, uri: "/api/v1/declarations/\(declaration732)/follow-up", web: false, permission: .followUpDeclarations,
                      targetArea: commune732, body: #"{"status":"called"}"#),
                Route(method: .get, uri: "/declarations", web: true, permission: .followUpDeclarations, targetArea: nil),
                Route(method: .get, uri: "/declarations/counts", web: true, permission: .readDashboards, targetArea: nil),
                Route(method: .get, uri: "/api/v1/stats?measure=f0_new&area=731", web: false, permission: .readDashboards, targetArea: "731"),
                Route(method: .get, uri: "/api/v1/stats?measure=checkins&area=732&groupBy=commune", web: false, permission: .readDashboards,
                      targetArea: "732"),
                Route(method: .get, uri: "/api/v1/risk-levels?area=732&date=2021-11-01", web: false, permission: .readDashboards, targetArea: "732"),
                Route(method: .get, uri: "/api/v1/maps/risk.svg?area=731", web: false, permission: .readDashboards, targetArea: "731"),
                Route(method: .get, uri: "/api/v1/dashboard?area=25993", web: false, permission: .readDashboards, targetArea: "25993"),
                Route(method: .post, uri: "/api/v1/risk-levels/announced", web: false, permission: .announceRiskLevels, targetArea: "25993",
                      body: #"{"areaCode":"25993","level":2,"from":"2021-11-01","document":"QĐ 1/UBND"}"#),
                Route(method: .get, uri: "/dashboard?area=732", web: true, permission: .readDashboards, targetArea: "732"),
                Route(method: .get, uri: "/api/v1/lockdown-zones?area=731", web: false, permission: .readDashboards, targetArea: "731"),
                Route(method: .get, uri: "/api/v1/lockdown-zones.geojson?area=732&date=2021-11-01", web: false, permission: .readDashboards,
                      targetArea: "732"),
                Route(method: .post, uri: "/api/v1/lockdown-zones", web: false, permission: .manageZones, targetArea: "25993",
                      body: #"{"name":"NAME","areaCode":"25993","unitCodes":["25993"],"validFrom":"2021-11-01","decision":"QĐ 1"}"#),
                Route(method: .post, uri: "/api/v1/lockdown-zones", web: false, permission: .manageZones, targetArea: commune732,
                      body: #"{"name":"NAME","areaCode":"\#(commune732)","unitCodes":["\#(commune732)"],"validFrom":"2021-11-01","decision":"QĐ 1"}"#),
                Route(method: .get, uri: "/zones?area=731", web: true, permission: .readDashboards, targetArea: "731"),
                Route(method: .post, uri: "/zones?area=25993", web: true, permission: .manageZones, targetArea: "25993",
                      body: "name=NAME&areaCode=25993&unit_25993=on&validFrom=2021-11-01&decision=Q%C4%90+2"),
                Route(method: .get, uri: "/reports/daily?area=731&date=2021-11-01", web: true, permission: .readDashboards, targetArea: "731"),
                Route(method: .get, uri: "/reports/declarations?area=732&from=2021-11-01&to=2021-11-07&format=xlsx", web: true,
                      permission: .readDashboards, targetArea: "732"),
                Route(method: .get, uri: "/api/v1/reports/f0.csv?area=732&from=2021-11-01", web: false, permission: .readCases, targetArea: "732"),
                Route(method: .get, uri: "/api/v1/reports/tests.csv?area=25993&from=2021-11-01", web: false, permission: .readTests, targetArea: "25993"),
                Route(method: .get, uri: "/api/v1/reports/contacts.xlsx?area=732&from=2021-11-01", web: false, permission: .readCases, targetArea: "732"),
                Route(method: .get, uri: "/api/v1/reports/checkins.csv?area=731&from=2021-11-01", web: false, permission: .readCheckIns, targetArea: "731"),
                Route(method: .get, uri: "/dashboard/map?area=731", web: true, permission: .readDashboards, targetArea: "731"),
                Route(method: .get, uri: "/api/v1/persons?q=nguyen", web: false, permission: .readPersons, targetArea: nil),
                Route(method: .get, uri: "/api/v1/persons/\(case732.person)", web: false, permission: .readPersons, targetArea: commune732),
                Route(method: .get, uri: "/api/v1/persons/\(case731.person)", web: false, permission: .readPersons, targetArea: "25993"),
                Route(method: .post, uri: "/api/v1/persons", web: false, permission: .writePersons, targetArea: "25993",
                      body: #"{"fullName":"NAME","phones":["0901234567"],"communeCode":"25993"}"#),
                Route(method: .get, uri: "/api/v1/cases", web: false, permission: .readCases, targetArea: nil),
                Route(method: .get, uri: "/api/v1/cases?format=xlsx", web: false, permission: .readCases, targetArea: nil),
                Route(method: .get, uri: "/api/v1/cases/queue", web: false, permission: .followUpCases, targetArea: nil),
                Route(method: .get, uri: "/api/v1/cases/\(case732.case)", web: false, permission: .readCases, targetArea: commune732),
                Route(method: .get, uri: "/api/v1/cases/\(case731.case)", web: false, permission: .readCases, targetArea: "25993"),
                Route(method: .post, uri: "/api/v1/cases/\(case732.case)/trace", web: false, permission: .traceCases, targetArea: commune732),
                Route(method: .post, uri: "/api/v1/cases/\(case731.case)/trace", web: false, permission: .traceCases, targetArea: "25993"),
                Route(method: .post, uri: "/api/v1/cases/\(case731.case)/events", web: false, permission: .followUpCases, targetArea: "25993",
                      body: #"{"kind":"note","detail":"NAME"}"#),
                Route(method: .patch, uri: "/api/v1/cases/\(case732.case)", web: false, permission: .manageCases, targetArea: commune732,
                      body: #"{"testReference":"NAME"}"#),
                Route(method: .get, uri: "/api/v1/cases/\(case732.case)/chain.svg", web: false, permission: .readCases, targetArea: commune732),
                Route(method: .get, uri: "/api/v1/clusters", web: false, permission: .readCases, targetArea: nil),
                Route(method: .post, uri: "/api/v1/clusters", web: false, permission: .manageCases, targetArea: commune732,
                      body: #"{"name":"NAME","communeCode":"\#(commune732)","place":"x","startedOn":"2021-09-01"}"#),
                Route(method: .get, uri: "/clusters", web: true, permission: .readCases, targetArea: nil),
                Route(method: .get, uri: "/clusters/\(cluster732)", web: true, permission: .readCases, targetArea: commune732),
                Route(method: .post, uri: "/api/v1/clusters/\(cluster732)/end", web: false, permission: .manageCases, targetArea: commune732,
                      body: #"{"endedOn":"2021-10-01"}"#),
                Route(method: .get, uri: "/cases", web: true, permission: .readCases, targetArea: nil),
                Route(method: .get, uri: "/cases/queue", web: true, permission: .followUpCases, targetArea: nil),
                Route(method: .get, uri: "/cases/\(case732.case)", web: true, permission: .readCases, targetArea: commune732),
                Route(method: .post, uri: "/cases/\(case731.case)/trace", web: true, permission: .traceCases, targetArea: "25993"),
                Route(method: .post, uri: "/api/v1/certificates", web: false, permission: nil, targetArea: nil,
                      body: #"{"kind":"recovery","sourceId":"\#(recovered731.case)"}"#, rule: certify("25993")),
                Route(method: .post, uri: "/api/v1/certificates", web: false, permission: nil, targetArea: nil,
                      body: #"{"kind":"recovery","sourceId":"\#(recovered732.case)"}"#, rule: certify(commune732)),
                Route(method: .get, uri: "/api/v1/persons/\(recovered732.person)/certificates", web: false, permission: .readPersons,
                      targetArea: commune732),
                Route(method: .get, uri: "/api/v1/certificate-complaints", web: false, permission: .manageCertificates, targetArea: nil),
                Route(method: .get, uri: "/certificates/complaints", web: true, permission: .manageCertificates, targetArea: nil),
                Route(method: .get, uri: "/api/v1/persons/\(case731.person)/tests", web: false, permission: nil, targetArea: nil,
                      rule: { role, scope in role.may(.readPersons) && role.may(.readTests) && Self.covers(scope, "25993") }),
                Route(method: .post, uri: "/api/v1/samples", web: false, permission: .collectSamples, targetArea: "25993",
                      body: #"{"tubeBarcode":"T-NAME","personIds":[\#(case731.person)],"method":"rt_pcr","specimenType":"np_swab"}"#),
                Route(method: .get, uri: "/samples/station", web: true, permission: .collectSamples, targetArea: nil),
                Route(method: .get, uri: "/samples/T-SLIP/slip", web: true, permission: nil, targetArea: nil,
                      rule: { role, scope in (role.may(.collectSamples) || role.may(.readTests)) && Self.covers(scope, "25993") }),
                Route(method: .post, uri: "/api/v1/lab/receive", web: false, permission: .recordResults, targetArea: nil, body: #"{"tubes":[]}"#),
                Route(method: .post, uri: "/api/v1/test-sites", web: false, permission: .manageSites, targetArea: commune732,
                      body: #"{"name":"NAME","kind":"fixed","communeCode":"\#(commune732)"}"#),
                Route(method: .post, uri: "/api/v1/test-sites", web: false, permission: .manageSites, targetArea: "25993",
                      body: #"{"name":"NAME","kind":"mobile","communeCode":"25993"}"#),
                Route(method: .get, uri: "/lab", web: true, permission: .recordResults, targetArea: nil),
                Route(method: .get, uri: "/checkpoint", web: true, permission: .declareTravel, targetArea: nil),
                Route(method: .get, uri: "/checkpoints", web: true, permission: .manageCheckpoints, targetArea: nil),
                Route(method: .get, uri: "/itineraries", web: true, permission: .readTravel, targetArea: nil),
                Route(method: .get, uri: "/api/v1/itineraries", web: false, permission: .readTravel, targetArea: nil),
                Route(method: .get, uri: "/api/v1/itineraries.csv?destination=731", web: false, permission: .readTravel, targetArea: "731"),
                Route(method: .get, uri: "/api/v1/itineraries.csv?destination=\(commune732)", web: false, permission: .readTravel, targetArea: commune732),
                Route(method: .get, uri: "/api/v1/itineraries.csv?destination=79", web: false, permission: nil, targetArea: nil,
                      rule: { role, scope in role.may(.readTravel) && scope == "75" }),
                Route(method: .post, uri: "/api/v1/travel-declarations", web: false, permission: .declareTravel, targetArea: commune732, body: crossing),
                Route(method: .post, uri: "/api/v1/checkpoints", web: false, permission: .manageCheckpoints, targetArea: commune732,
                      body: #"{"code":"NAME","name":"Chốt","communeCode":"\#(commune732)"}"#),
                Route(method: .get, uri: "/api/v1/travel-declarations/\(slip732)", web: false, permission: nil, targetArea: nil, rule: readSlip),
                Route(method: .get, uri: "/checkpoint/slips/\(slip732)", web: true, permission: nil, targetArea: nil, rule: readSlip),
                Route(method: .get, uri: "/venues/\(venue731)/scan", web: true, permission: nil, targetArea: nil,
                      rule: { role, scope in readVenue(role, scope, "25993") && role.may(.manageVenues) }),
            ]
            var checked = 0
            for role in Role.allCases {
                for scope in ["75", "731"] {
                    let (actor, token) = try await app.account(role, area: scope)
                    let web = try await app.sessions.issue(for: actor, kind: .web, lifetime: 600)
                    for route in routes {
                        let allowed = route.rule?(role, scope)
                            ?? ((route.permission.map(role.may) ?? true) && (route.targetArea.map { Self.covers(scope, $0) } ?? true))
                        var headers: HTTPFields = route.web ? [.cookie: "sentinel_session=\(web.token)"] : .bearer(token)
                        var body: ByteBuffer? = nil
                        let filled = route.body?.replacingOccurrences(of: "NAME", with: "u\(checked)")
                        if route.web && route.method == .post {
                            headers[.contentType] = "application/x-www-form-urlencoded"
                            body = ByteBuffer(string: "_csrf=\(web.csrfToken)" + (filled.map { "&" + $0 } ?? ""))
                        } else if let filled {
                            headers[.contentType] = "application/json"
                            body = ByteBuffer(string: filled)
                        }
                        let deniedBefore = try await denials(app.database)
                        try await client.execute(uri: route.uri, method: route.method, headers: headers, body: body) { response throws in
                            let ok = response.status.code < 400
                            #expect(ok == allowed, "\(role.rawValue)@\(scope) \(route.method) \(route.uri) → \(response.status.code)")
                            if !allowed { #expect(response.status == .forbidden, "\(role.rawValue)@\(scope) \(route.uri)") }
                        }
                        if !allowed {
                            #expect(try await denials(app.database) == deniedBefore + 1, "audit row for \(role.rawValue)@\(scope) \(route.uri)")
                        }
                        checked += 1
                    }
                }
            }
            #expect(checked == Role.allCases.count * 2 * routes.count)
        }
    }

    func denials(_ db: Database) async throws -> Int {
        try await db.read {
            try await $0.raw("SELECT COUNT(*) AS n FROM audit_log WHERE outcome LIKE 'denied%'").first()!.decode(column: "n", as: Int.self)
        }
    }
}
