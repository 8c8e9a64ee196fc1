import ContactTracing
import People
import Domain
import CheckIn
import Foundation
import SQLKit
import Simulation
import Storage
import Testing
import TestSupport

@Suite struct SimulationTests {
    static func options(seed: UInt64 = 7) -> SimulationOptions {
        var o = SimulationOptions()
        o.seed = seed
        o.people = 3000
        o.days = 3
        o.lastDay = "2021-09-05"
        o.nearDuplicateShare = 0.02
        return o
    }

    /// A digest of every simulated row, in key order (FNV-1a over their text).
    static func digest(_ db: Database) async throws -> UInt64 {
        try await db.read { sql in
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            func feed(_ text: String) { for b in text.utf8 { hash = (hash ^ UInt64(b)) &* 0x100_0000_01B3 } }
            for (table, order, columns) in [
                ("persons", "id", "id, full_name, id_number, phone, birth_year, birth_date, commune_code, qr_token, address"),
                ("venues", "id", "id, token, name, venue_type, commune_code, dwell_minutes"),
                ("checkins", "event_id", "event_id, venue_id, person_id, checked_in_at, checked_out_at"),
                ("cases", "person_id", "person_id, classification, confirmed_on, severity, outcome, outcome_on, quarantine_start"),
                ("samples", "id", "id, tube_barcode, collected_at, commune_code, pooled"),
                ("test_registrations", "code", "code, person_id, reason, commune_code, source, created_at"),
                ("health_declarations", "client_id", "client_id, person_id, report_day, symptoms, exposures, flag_reasons"),
                ("travel_declarations", "client_id", "client_id, slip_code, crossed_at, direction, plate, origin_code, destination_code, occupants"),
                ("travel_occupants o JOIN travel_declarations t ON t.id = o.declaration_id", "t.client_id, o.seat",
                 "t.client_id, o.seat, o.person_id, o.test_status, o.test_day"),
            ] {
                for row in try await sql.raw("SELECT \(unsafeRaw: columns) FROM \(unsafeRaw: table) ORDER BY \(unsafeRaw: order)").all() {
                    for column in row.allColumns {
                        if let text = try? row.decode(column: column, as: String.self) {
                            feed(text)
                        } else if let number = try? row.decode(column: column, as: Double.self) {
                            feed(String(number))
                        } else {
                            feed("∅")
                        }
                        feed("|")
                    }
                }
            }
            return hash
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func theSameSeedGivesTheSameProvinceAndAResumedRunFinishesIt(kind: DatabaseKind) async throws {
        let first = try await TestDatabases.with(kind) { db -> UInt64 in
            try await Migrator().migrate(db)
            let summary = try await Simulator(database: db, options: Self.options(), progress: ProgressReporter(quiet: true)).run()
            let counts = Dictionary(uniqueKeysWithValues: summary.counts.map { ($0.table, $0.rows) })
            #expect(counts["persons"] == 3000 + Int(counts["persons"]! - 3000) && counts["persons"]! > 3000, "near-duplicates added")
            #expect(counts["cases"]! > 0, "the epidemic's cases and contacts")
            let perPersonDay = Double(counts["checkins"]!) / 3000 / 3
            #expect((0.7...2.0).contains(perPersonDay), "\(perPersonDay) check-ins per person and day")
            // The check-in indexes are back after the load.
            #expect(Set(try await db.secondaryIndexes(on: "checkins").map(\.name)).isSuperset(of: ["checkins_by_venue_time_cover", "checkins_by_person_time"]))
            let digest = try await Self.digest(db)
            // Interrupted after the first day of check-ins: a rerun continues and ends with the same rows.
            try await db.write { sql in
                try await sql.raw("DELETE FROM settings WHERE key IN ('simulation.checkins_done', 'simulation.cases_done')").run()
                try await Settings.set("simulation.checkins_day", "1", on: sql)
                try await sql.raw("DELETE FROM case_classifications").run()
                try await sql.raw("DELETE FROM case_sources").run()
                // …and its laboratory rows half-written: the tubes are there, not yet their members and results.
                for table in ["person_tests", "sample_results", "sample_members"] { try await sql.raw("DELETE FROM \(unsafeRaw: table)").run() }
                try await sql.raw("DELETE FROM cases").run()
                try await sql.raw("DELETE FROM checkins WHERE event_id >= 's001'").run()
                // …and day 1's vehicles written without their people.
                try await sql.raw("DELETE FROM travel_occupants WHERE declaration_id IN (SELECT id FROM travel_declarations WHERE client_id >= '7a7a7a7a-0001')").run()
                try await sql.raw("INSERT INTO checkins (event_id, venue_id, person_id, commune_code, checked_in_at, received_at) SELECT 's001000000000', venue_id, person_id, commune_code, checked_in_at, received_at FROM checkins LIMIT 1").run()
            }
            let resumed = try await Simulator(database: db, options: Self.options(), progress: ProgressReporter(quiet: true)).run()
            #expect(resumed.resumed)
            #expect(try await Self.digest(db) == digest, "a resumed run writes exactly the rows of an uninterrupted one")
            // Another seed needs --restart, which replaces the rows.
            await #expect(throws: SimulationConflict.self) {
                try await Simulator(database: db, options: Self.options(seed: 8), progress: ProgressReporter(quiet: true)).run()
            }
            _ = try await Simulator(database: db, options: Self.options(seed: 8), progress: ProgressReporter(quiet: true)).run(restart: true)
            #expect(try await Self.digest(db) != digest)
            return digest
        }
        let second = try await TestDatabases.with(kind) { db -> UInt64 in
            try await Migrator().migrate(db)
            _ = try await Simulator(database: db, options: Self.options(), progress: ProgressReporter(quiet: true)).run()
            return try await Self.digest(db)
        }
        #expect(first == second, "same seed, same database contents")
    }

    @Test func everyGeneratedRecordPassesTheChecksUserInputPasses() async throws {
        try await TestDatabases.with(.sqlite) { db in
            try await Migrator().migrate(db)
            _ = try await Simulator(database: db, options: Self.options(), progress: ProgressReporter(quiet: true)).run()
            try await db.read { sql in
                for row in try await sql.raw("SELECT full_name, id_number, phone, birth_year, commune_code FROM persons").all() {
                    let claim = PersonClaim(idNumber: try row.decode(column: "id_number", as: String?.self), phone: try row.decode(column: "phone", as: String?.self),
                                            name: try row.decode(column: "full_name", as: String.self),
                                            birthYear: try row.decode(column: "birth_year", as: Int?.self),
                                            communeCode: try row.decode(column: "commune_code", as: String?.self))
                    guard case .success(let normalised) = claim.normalised() else { Issue.record("invalid person \(claim)"); return }
                    #expect(normalised.idNumber == claim.idNumber && normalised.phone == claim.phone, "stored in normal form")
                    if let id = claim.idNumber { #expect(id.hasPrefix("075") && id.count == 12) }
                }
                for row in try await sql.raw("SELECT name, venue_type, address, commune_code, dwell_minutes FROM venues").all() {
                    let venue = NewVenue(name: try row.decode(column: "name", as: String.self),
                                         type: VenueType(rawValue: try row.decode(column: "venue_type", as: String.self)) ?? .other,
                                         address: try row.decode(column: "address", as: String.self),
                                         communeCode: try row.decode(column: "commune_code", as: String.self),
                                         dwellMinutes: try row.decode(column: "dwell_minutes", as: Int.self))
                    #expect(throws: Never.self) { try venue.validate() }
                }
                // Declarations as the declaration API checks them: a device UUID, a known commune, a day.
                for row in try await sql.raw("SELECT client_id, commune_code, report_day FROM health_declarations").all() {
                    #expect(UUID(uuidString: try row.decode(column: "client_id", as: String.self)) != nil)
                    #expect(AreaCode.level(of: try row.decode(column: "commune_code", as: String.self)) == .commune)
                    #expect(LocalDay.isValid(try row.decode(column: "report_day", as: String.self)))
                }
                // Vehicles at the checkpoints as the travel store checks them: plate, places and direction, the crossing's day,
                // their people; about one resident in a thousand a day drives.
                let vehicles = try await sql.raw("""
                    SELECT t.client_id, t.slip_code, t.plate, t.direction, t.origin_code, t.destination_code, t.destination_district, t.report_day,
                           t.crossed_at, t.occupants, (SELECT COUNT(*) FROM travel_occupants o WHERE o.declaration_id = t.id) AS seated
                    FROM travel_declarations t
                    """).all()
                #expect((3...9).contains(vehicles.count), "\(vehicles.count) vehicles over 3 days for 3,000 people (3 tries a day, adults out and about)")
                for row in vehicles {
                    #expect(UUID(uuidString: try row.decode(column: "client_id", as: String.self)) != nil)
                    #expect(SlipCode.isWellFormed(try row.decode(column: "slip_code", as: String.self)))
                    let plate = try row.decode(column: "plate", as: String.self)
                    #expect(VehiclePlate.normalised(plate) == plate)
                    let origin = try await TravelStore.place(try row.decode(column: "origin_code", as: String.self), on: sql)
                    let destination = try await TravelStore.place(try row.decode(column: "destination_code", as: String.self), on: sql)
                    let entering = try row.decode(column: "direction", as: String.self) == "entering"
                    #expect(origin?.inProvince == !entering && destination?.inProvince == entering)
                    #expect(try row.decode(column: "destination_district", as: String?.self) == destination?.district)
                    #expect(try row.decode(column: "report_day", as: String.self) == LocalDay.string(try row.decode(column: "crossed_at", as: Date.self)))
                    #expect(try row.decode(column: "occupants", as: Int.self) == row.decode(column: "seated", as: Int.self))
                }
                let bad = try await sql.raw("""
                    SELECT COUNT(*) AS n FROM checkins c JOIN venues v ON v.id = c.venue_id
                    WHERE c.commune_code <> v.commune_code OR (c.checked_out_at IS NOT NULL AND c.checked_out_at < c.checked_in_at)
                    """).first()!.decode(column: "n", as: Int.self)
                #expect(bad == 0)
                // The bulk loader does not check foreign keys while it loads: every reference must hold after.
                let orphans = try await sql.raw("PRAGMA foreign_key_check").all()
                #expect(orphans.isEmpty, "\(orphans.count) rows refer to rows that do not exist")
            }
        }
    }
}
