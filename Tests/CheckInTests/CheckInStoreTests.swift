import Accounts
import CheckIn
import Domain
import Foundation
import Geography
import People
import SQLKit
import Storage
import Testing
import TestSupport

struct World {
    let db: Database
    let venues: VenueStore
    let checkins: CheckInStore
    let officer: Principal
    let trace = RequestTrace(route: "test", requestID: "t")

    static func with<T: Sendable>(_ kind: DatabaseKind, _ body: (World) async throws -> T) async throws -> T {
        try await TestDatabases.with(kind) { db in
            try await Migrator().migrate(db)
            try await BundledAreas.loadIfNeeded(into: AreaStore(database: db))
            let accounts = AccountStore(database: db, hasher: PasswordHasher(cost: 4))
            let officer = try await accounts.createAsOperator(
                NewAccount(username: "officer731", displayName: "Cán bộ", password: "long-enough-pw", role: .districtOfficer, scopeCode: "731"),
                trace: .cli("test")).principal
            return try await body(World(db: db, venues: VenueStore(database: db), checkins: CheckInStore(database: db), officer: officer))
        }
    }

    func venue(_ name: String = "Chợ Trảng Dài", commune: String = "25993", type: VenueType = .market) async throws -> Venue {
        try await venues.register(NewVenue(name: name, type: type, address: "Khu phố 4", communeCode: commune), by: officer, trace: trace)
    }

    func count(_ table: String) async throws -> Int {
        try await db.read { try await $0.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()!.decode(column: "n", as: Int.self) }
    }
}

func event(_ venue: Venue, id: String = UUID().uuidString, person: PersonClaim = PersonClaim(idNumber: "075123456789", name: "Nguyễn Văn An"),
           at: Date = Date().addingTimeInterval(-600), out: Date? = nil) -> CheckInSubmission {
    CheckInSubmission(eventId: id, venueToken: venue.token, person: person, checkedInAt: at, checkedOutAt: out)
}

@Suite struct CheckInStoreTests {
    @Test(arguments: TestDatabases.kinds)
    func aReplayedEventIsStoredOnce(kind: DatabaseKind) async throws {
        try await World.with(kind) { w in
            let venue = try await w.venue()
            let e = event(venue)
            #expect(try await w.checkins.ingest([e]).map(\.status) == [.accepted])
            #expect(try await w.checkins.ingest([e]).map(\.status) == [.duplicate])
            #expect(try await w.checkins.ingest([e, e]).map(\.status) == [.duplicate, .duplicate])
            let fresh = event(venue)
            #expect(try await w.checkins.ingest([fresh, fresh]).map(\.status) == [.accepted, .duplicate])
            #expect(try await w.count("checkins") == 2)
            #expect(try await w.count("persons") == 1, "the same CCCD is one person")
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func oneBadEventIsRejectedAndTheOthersStored(kind: DatabaseKind) async throws {
        try await World.with(kind) { w in
            let venue = try await w.venue()
            let suspended = try await w.venue("Quán cà phê", type: .restaurant)
            _ = try await w.venues.setStatus(suspended.id, .suspended, by: w.officer, trace: w.trace)
            let now = Date()
            var unknownVenue = event(venue)
            unknownVenue.venueToken = "nope-nope-nope-nope-nope"
            let batch = [
                event(venue),
                event(venue, id: "not-a-uuid"),
                event(venue, at: now.addingTimeInterval(600)),
                event(venue, at: now.addingTimeInterval(-29 * 86400)),
                event(venue, at: now.addingTimeInterval(-600), out: now.addingTimeInterval(-900)),
                unknownVenue,
                event(suspended),
                event(venue, person: PersonClaim(name: "Không ai")),
                event(venue, person: PersonClaim(phone: "12345")),
                event(venue, person: PersonClaim(personToken: "no-such-person-token")),
                event(venue, person: PersonClaim(phone: "+84 912 345 678", name: "Trần Thị Bích")),
                event(venue, at: now.addingTimeInterval(240)),
            ]
            let results = try await w.checkins.ingest(batch, now: now)
            #expect(results.map(\.status) == [.accepted, .rejected, .rejected, .rejected, .rejected, .rejected, .rejected, .rejected,
                                              .rejected, .rejected, .accepted, .accepted])
            #expect(results.compactMap(\.reason) == [.invalidEventId, .inFuture, .tooOld, .checkOutBeforeCheckIn, .unknownVenue,
                                                     .venueNotActive, .invalidPerson, .invalidPerson, .unknownPersonToken])
            #expect(results.map(\.eventId) == batch.map(\.eventId))
            #expect(try await w.count("checkins") == 3)
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func peopleAreFoundAgainByTokenIDOrPhoneAndName(kind: DatabaseKind) async throws {
        try await World.with(kind) { w in
            let venue = try await w.venue()
            let claims = [
                PersonClaim(idNumber: "075 123 456 789", name: "Lê Văn Tám"),
                PersonClaim(idNumber: "075123456789"),
                PersonClaim(phone: "0912345678", name: "Mẹ"),
                PersonClaim(phone: "+84912345678", name: "me"),     // same phone, same folded name: the same person
                PersonClaim(phone: "0912.345.678", name: "Con"),   // a child on the family phone: another person
            ]
            let results = try await w.checkins.ingest(claims.map { event(venue, person: $0) })
            #expect(results.allSatisfy { $0.status == .accepted })
            #expect(try await w.count("persons") == 3)
            let token = try await w.db.read { db in
                try await db.raw("SELECT qr_token FROM persons WHERE id_number = '075123456789'").first()!.decode(column: "qr_token", as: String.self)
            }
            #expect(try await w.checkins.ingest([event(venue, person: PersonClaim(personToken: token))]).first?.status == .accepted)
            #expect(try await w.count("persons") == 3)
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func aFullBatchGoesInAndOldCheckInsArePurged(kind: DatabaseKind) async throws {
        try await World.with(kind) { w in
            let venue = try await w.venue()
            let now = Date()
            let batch = (0..<CheckInStore.maxBatch).map { i in
                event(venue, person: PersonClaim(idNumber: String(format: "075%09d", i), name: "Người \(i)"),
                      at: now.addingTimeInterval(-Double(i) * 3600))
            }
            let results = try await w.checkins.ingest(batch, now: now)
            let accepted = results.filter { $0.status == .accepted }.count
            let expected = batch.filter { now.timeIntervalSince($0.checkedInAt) <= 28 * 86400 }.count
            #expect(accepted == expected)
            #expect(try await w.count("checkins") == expected)
            let purged = try await w.checkins.purge(now: now.addingTimeInterval(10 * 86400))
            #expect(purged == batch.filter { now.addingTimeInterval(10 * 86400).timeIntervalSince($0.checkedInAt) > 28 * 86400 && now.timeIntervalSince($0.checkedInAt) <= 28 * 86400 }.count)
            #expect(try await w.count("checkins") == expected - purged)
        }
    }
}

@Suite struct VenueStoreTests {
    @Test(arguments: TestDatabases.kinds)
    func officersApproveOperatorsWaitAndScopeHolds(kind: DatabaseKind) async throws {
        try await World.with(kind) { w in
            let accounts = AccountStore(database: w.db, hasher: PasswordHasher(cost: 4))
            let owner = try await accounts.createAsOperator(
                NewAccount(username: "owner", displayName: "Chủ quán", password: "long-enough-pw", role: .venueOperator, scopeCode: "25993"),
                trace: .cli("t")).principal
            let other = try await accounts.createAsOperator(
                NewAccount(username: "other", displayName: "Chủ khác", password: "long-enough-pw", role: .venueOperator, scopeCode: "25993"),
                trace: .cli("t")).principal
            let mine = try await w.venues.register(NewVenue(name: "Quán Phở", type: .restaurant, address: "1 Đường A", communeCode: "25993"),
                                                   by: owner, trace: w.trace)
            #expect(mine.status == .pending)
            #expect(mine.operatorAccountID == owner.accountID)
            #expect(mine.dwellMinutes == VenueType.restaurant.defaultDwellMinutes)
            #expect(try await w.venues.get(mine.id, by: owner, trace: w.trace) == mine)
            await #expect(throws: AccessDenied.self) { try await w.venues.get(mine.id, by: other, trace: w.trace) }
            #expect(try await w.venues.list(by: other, trace: w.trace).isEmpty)
            let approved = try await w.venues.setStatus(mine.id, .approved, by: w.officer, trace: w.trace)
            #expect(approved.status == .approved)
            // An officer of 731 cannot register a venue in 732's communes.
            let commune732 = try await AreaStore(database: w.db).children(of: "732", vintage: "2021").first!.code
            await #expect(throws: AccessDenied.self) { try await w.venue("Ngoài địa bàn", commune: commune732) }
            await #expect(throws: ValidationFailure.self) { try await w.venue("", commune: "25993") }
            await #expect(throws: ValidationFailure.self) { try await w.venue("Không có xã", commune: "99999") }
        }
    }
}

/// The hot queries of check-in and tracing must stay index lookups as the tables grow.
@Suite struct CheckInQueryPlanTests {
    func plan(_ db: Database, _ sql: String) async throws -> [String] {
        try await db.read { try await $0.raw("EXPLAIN QUERY PLAN \(unsafeRaw: sql)").all().map { try $0.decode(column: "detail", as: String.self) } }
    }

    @Test func venueLogPersonLookupAndTokenLookupUseIndexes() async throws {
        try await World.with(.sqlite) { w in
            let log = try await plan(w.db, """
                SELECT c.event_id FROM checkins c JOIN persons p ON p.id = c.person_id
                WHERE c.venue_id = 1 AND c.checked_in_at >= 0 AND c.checked_in_at < 1 ORDER BY c.checked_in_at DESC
                """)
            #expect(log.contains { $0.contains("checkins_by_venue_time_cover") }, "\(log)")
            #expect(!log.contains { $0.hasPrefix("SCAN c") || $0.hasPrefix("SCAN checkins") }, "\(log)")
            let byID = try await plan(w.db, "SELECT id FROM persons WHERE id_number IN ('075123456789', '075000000001')")
            #expect(byID.contains { $0.contains("persons_by_id_number") }, "\(byID)")
            let byToken = try await plan(w.db, "SELECT id FROM venues WHERE token IN ('a', 'b')")
            #expect(!byToken.contains { $0.hasPrefix("SCAN") }, "\(byToken)")
            let purge = try await plan(w.db, "DELETE FROM checkins WHERE checked_in_at < 0")
            #expect(!purge.contains { $0.hasPrefix("SCAN") }, "\(purge)")
        }
    }
}

@Suite struct CheckInBatcherTests {
    /// Many phones at once: every caller gets its own answer, each event is stored once, replays are duplicates.
    @Test(arguments: TestDatabases.kinds)
    func concurrentSingleEventsShareTransactionsAndKeepTheirAnswers(kind: DatabaseKind) async throws {
        try await World.with(kind) { w in
            let venue = try await w.venue()
            let batcher = CheckInBatcher(store: w.checkins)
            let replayed = UUID().uuidString
            let events = (0..<200).map { i in
                event(venue, id: i < 5 ? replayed : UUID().uuidString,
                      person: PersonClaim(idNumber: String(format: "075%09d", i % 50), name: "Người \(i % 50)"))
            }
            let results = try await withThrowingTaskGroup(of: (String, CheckInResult).self) { group in
                for e in events { group.addTask { (e.eventId, try await batcher.submit(e)) } }
                var all: [(String, CheckInResult)] = []
                for try await r in group { all.append(r) }
                return all
            }
            #expect(results.count == 200)
            #expect(results.allSatisfy { $0.0 == $0.1.eventId })
            #expect(results.filter { $0.1.status == .accepted }.count == 196)
            #expect(results.filter { $0.0 == replayed && $0.1.status == .duplicate }.count == 4)
            #expect(try await w.count("checkins") == 196)
            #expect(try await w.count("persons") == 50)
        }
    }
}

@Suite struct ConcurrentBatchTests {
    /// Batches that create the same new people at the same time all succeed (no deadlock surfaces), and each person
    /// exists once.
    @Test(arguments: TestDatabases.kinds)
    func overlappingBatchesAllLand(kind: DatabaseKind) async throws {
        try await World.with(kind) { w in
            let venue = try await w.venue()
            let accepted = try await withThrowingTaskGroup(of: Int.self) { group in
                for b in 0..<4 {
                    group.addTask {
                        var people = (0..<300).map { PersonClaim(idNumber: String(format: "075%09d", $0), name: "Người \($0)") }
                        if b % 2 == 1 { people.reverse() }
                        let results = try await w.checkins.ingest(people.map { event(venue, person: $0) })
                        return results.filter { $0.status == .accepted }.count
                    }
                }
                var total = 0
                for try await n in group { total += n }
                return total
            }
            #expect(accepted == 1200)
            #expect(try await w.count("persons") == 300)
        }
    }
}
