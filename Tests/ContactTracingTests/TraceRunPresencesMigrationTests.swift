import Accounts
import CheckIn
@testable import ContactTracing
import Domain
import Foundation
import Geography
import People
import SQLKit
import Storage
import Testing
import TestSupport

/// Migration 17 gives the runs made before it the F0 exposures that lie in their window — what their page showed until
/// then — and nothing outside it.
@Suite struct TraceRunPresencesMigrationTests {
    @Test(arguments: TestDatabases.kinds)
    func earlierRunsKeepThePresencesTheyShowed(kind: DatabaseKind) async throws {
        try await TestDatabases.with(kind) { db in
            try await Migrator(migrations: Array(Migrations.all.prefix { $0.id <= 16 })).migrate(db)
            try await BundledAreas.loadIfNeeded(into: AreaStore(database: db))
            let accounts = AccountStore(database: db, hasher: PasswordHasher(cost: 4))
            func account(_ name: String, _ role: Role) async throws -> Principal {
                try await accounts.createAsOperator(NewAccount(username: name, displayName: name, password: "long-enough-pw", role: role, scopeCode: "75"),
                                                    trace: .cli("test")).principal
            }
            let cdc = try await account("cdc", .epidemiologist)
            let officer = try await account("officer", .districtOfficer)
            let trace = RequestTrace(route: "test", requestID: "t")
            let market = try await VenueStore(database: db).register(NewVenue(name: "Chợ", type: .market, address: "KP4", communeCode: "25993"),
                                                                     by: officer, trace: trace)
            let person = try await PersonRegistry(database: db).create(NewPerson(fullName: "Nguyễn Văn Cũ", birthYear: 1980, idNumber: "075080000555",
                                                                                 communeCode: "25993"), by: cdc, trace: trace)
            var facts = CaseFacts()
            facts.confirmedOn = "2021-08-10"
            let f0 = try await CaseStore(database: db).open(NewCase(personId: person.id, classification: .f0, facts: facts), by: cdc, trace: trace)
            let day = try #require(LocalDay.start("2021-08-08"))
            let (windowFrom, windowTo) = (day, day.addingTimeInterval(3 * 86400))
            try await db.write { db in
                try await db.raw("""
                    INSERT INTO trace_runs (case_id, run_at, run_by, window_from, window_to, margin_minutes, candidate_count)
                    VALUES (\(bind: f0.id), \(bind: windowTo), \(bind: cdc.accountID), \(bind: windowFrom), \(bind: windowTo), 15, 0)
                    """).run()
                for (from, hours) in [(day.addingTimeInterval(3600), 1.0), (day.addingTimeInterval(-5 * 86400), 2.0)] {
                    try await db.raw("""
                        INSERT INTO venue_exposures (venue_id, case_id, exposed_from, exposed_to, commune_code, flagged_at)
                        VALUES (\(bind: market.id), \(bind: f0.id), \(bind: from), \(bind: from.addingTimeInterval(hours * 3600)), '25993', \(bind: windowTo))
                        """).run()
                }
            }
            #expect(try await Migrator().migrate(db).contains(17))
            let rows = try await db.read { try await $0.raw("SELECT run_id, venue_id, present_from FROM trace_run_presences").all() }
            #expect(rows.count == 1, "only the exposure inside the run's window")
            #expect(try rows.first.map { Int(try $0.decode(column: "present_from", as: Date.self).timeIntervalSince1970) } == Int(day.timeIntervalSince1970) + 3600)
        }
    }
}
