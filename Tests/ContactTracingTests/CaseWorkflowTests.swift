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

/// A province with staff, venues and people, for the investigation workflow.
struct Province {
    let db: Database
    let people: PersonRegistry
    let cases: CaseStore
    let investigation: Investigation
    let venues: VenueStore
    let checkins: CheckInStore
    let cdc: Principal
    let district731: Principal
    let commune25993: Principal
    let district732: Principal
    let trace = RequestTrace(route: "test", requestID: "t")

    static func with<T: Sendable>(_ kind: DatabaseKind, _ body: (Province) async throws -> T) async throws -> T {
        try await TestDatabases.with(kind) { db in
            try await Migrator().migrate(db)
            try await BundledAreas.loadIfNeeded(into: AreaStore(database: db))
            let accounts = AccountStore(database: db, hasher: PasswordHasher(cost: 4))
            func account(_ name: String, _ role: Role, _ scope: String) async throws -> Principal {
                try await accounts.createAsOperator(NewAccount(username: name, displayName: name, password: "long-enough-pw", role: role, scopeCode: scope),
                                                    trace: .cli("test")).principal
            }
            let cases = CaseStore(database: db)
            return try await body(Province(
                db: db, people: PersonRegistry(database: db), cases: cases,
                investigation: Investigation(database: db, engine: TracingEngine(rules: try .bundled()), cases: cases),
                venues: VenueStore(database: db), checkins: CheckInStore(database: db),
                cdc: try await account("cdc", .epidemiologist, "75"), district731: try await account("bienhoa", .districtOfficer, "731"),
                commune25993: try await account("trangdai", .communeOfficer, "25993"), district732: try await account("longkhanh", .districtOfficer, "732")))
        }
    }

    func person(_ name: String, id: String, phone: String? = nil, commune: String = "25993", address: String? = nil, year: Int = 1980) async throws -> Person {
        try await people.create(NewPerson(fullName: name, birthYear: year, idNumber: id, phones: phone.map { [$0] }, address: address, communeCode: commune),
                                by: cdc, trace: trace)
    }

    func checkIn(_ person: Person, at venue: Venue, _ from: Date, _ to: Date?) async throws {
        let result = try await checkins.ingest([CheckInSubmission(eventId: UUID().uuidString, venueToken: venue.token,
                                                                  person: PersonClaim(idNumber: person.idNumber), checkedInAt: from, checkedOutAt: to)])
        #expect(result.map(\.status) == [.accepted], "\(result)")
    }

    func f0(_ person: Person, confirmed: Date = Date()) async throws -> CaseRecord {
        var facts = CaseFacts()
        facts.confirmedOn = LocalDay.string(confirmed)
        facts.onsetOn = LocalDay.string(confirmed.addingTimeInterval(-86400))
        return try await cases.open(NewCase(personId: person.id, classification: .f0, facts: facts), by: cdc, trace: trace)
    }

    func count(_ sql: String) async throws -> Int {
        try await db.read { try await $0.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: sql)").first()!.decode(column: "n", as: Int.self) }
    }
}

@Suite struct CaseWorkflowTests {
    @Test(arguments: TestDatabases.kinds)
    func fromAPositiveCaseToAssignedContacts(kind: DatabaseKind) async throws {
        try await Province.with(kind) { w in
            let market = try await w.venues.register(NewVenue(name: "Chợ Trảng Dài", type: .market, address: "KP4", communeCode: "25993"),
                                                     by: w.district731, trace: w.trace)
            let an = try await w.person("Nguyễn Văn An", id: "075100000001", phone: "0901000001", address: "12 Đường 5")
            let binh = try await w.person("Trần Thị Bình", id: "075100000002", phone: "0901000002", commune: "26071")
            let cuong = try await w.person("Lê Văn Cường", id: "075100000003")
            let wife = try await w.person("Phạm Thị Dung", id: "075100000004", address: "12 đường 5")
            let now = Date()
            let t0 = now.addingTimeInterval(-6 * 3600)
            try await w.checkIn(an, at: market, t0, t0.addingTimeInterval(3600))
            try await w.checkIn(binh, at: market, t0.addingTimeInterval(1800), t0.addingTimeInterval(2 * 3600))  // 30 min shared
            try await w.checkIn(cuong, at: market, t0.addingTimeInterval(3 * 3600), nil)  // long after: not a contact

            let f0 = try await w.f0(an)
            let run = try await w.investigation.trace(f0.id, by: w.cdc, trace: w.trace)
            #expect(run.candidates.map(\.personId) == [wife.id, binh.id], "household first (a day's weight), then the co-visitor")
            #expect(run.candidates[0].sources == [.household])
            let visitor = run.candidates[1]
            #expect(visitor.overlapMinutes == 30 + 15, "30 minutes together, plus the 15-minute margin after the F0 left")
            #expect(visitor.evidence.count == 1 && visitor.evidence[0].venueId == market.id)
            #expect(run.presences.map(\.venueId) == [market.id])
            #expect(try await w.count("venue_exposures WHERE case_id = \(f0.id)") == 1, "the market is flagged for the public notice")

            // Confirm both (the co-visitor lives in another district: its own commune station gets it).
            let decided = try await w.investigation.decide(f0.id, ContactDecision(runId: run.runId, personIds: [binh.id, wife.id], decision: .confirmed,
                                                                                  quarantineSetting: .home), by: w.cdc, trace: w.trace)
            #expect(decided.allSatisfy { $0.created && $0.classification == .f1 })
            let binhCase = try await w.db.read { try await CaseStore.record(person: binh.id, on: $0) }!
            #expect(binhCase.communeCode == "26071" && binhCase.classification == .f1 && binhCase.followUp == .pending)
            #expect(try await w.count("outbox WHERE template = 'contact_notice'") == 1, "only Bình has a phone")
            #expect(try await w.count("case_sources WHERE source_case_id = \(f0.id)") == 2)

            // The stored run shows the F0's presences as computed; an F1's run (tracing F2) shows the F1's own, though only
            // F0 places are flagged for the public notice.
            let stored = try await w.investigation.run(run.runId, of: f0.id, by: w.cdc, trace: w.trace)
            #expect(stored.presences.map(\.venueId) == [market.id] && stored.presences.map(\.name) == ["Chợ Trảng Dài"])
            #expect(stored.presences.map { Int($0.from.timeIntervalSince1970) } == run.presences.map { Int($0.from.timeIntervalSince1970) })
            let f1Run = try await w.investigation.trace(binhCase.id, by: w.cdc, trace: w.trace)
            #expect(f1Run.presences.map(\.venueId) == [market.id], "\(f1Run.presences)")
            let f1Stored = try await w.investigation.run(f1Run.runId, of: binhCase.id, by: w.cdc, trace: w.trace)
            #expect(f1Stored.presences.map(\.venueId) == [market.id] && f1Stored.presences.first?.name == "Chợ Trảng Dài")
            #expect(f1Stored.presences.map { Int($0.to.timeIntervalSince1970) } == f1Run.presences.map { Int($0.to.timeIntervalSince1970) })
            #expect(try await w.count("venue_exposures WHERE case_id = \(binhCase.id)") == 0)

            // Confirming twice changes nothing.
            _ = try await w.investigation.decide(f0.id, ContactDecision(runId: run.runId, personIds: [binh.id], decision: .confirmed),
                                                 by: w.cdc, trace: w.trace)
            #expect(try await w.count("cases WHERE classification = 'F1'") == 2)
            #expect(try await w.count("case_sources") == 2)
            #expect(try await w.count("outbox") == 1)
            // Rejecting a confirmed contact is refused: the case is reclassified instead.
            await #expect(throws: CaseConflict.self) {
                try await w.investigation.decide(f0.id, ContactDecision(runId: run.runId, personIds: [binh.id], decision: .rejected), by: w.cdc, trace: w.trace)
            }
            // A person who was not a candidate of the run.
            await #expect(throws: ValidationFailure.self) {
                try await w.investigation.decide(f0.id, ContactDecision(runId: run.runId, personIds: [cuong.id], decision: .confirmed), by: w.cdc, trace: w.trace)
            }

            // The commune station of 25993 sees the wife in its queue; Long Khánh's sees Bình.
            #expect(try await w.cases.queue(by: w.commune25993, trace: w.trace).map(\.personId) == [wife.id])
            #expect(try await w.cases.queue(by: w.district732, trace: w.trace).map(\.personId) == [binh.id])

            // Quarantine at home from today: 14 days by the 2021 rule (unvaccinated), 7 if vaccinated after 16/12/2021.
            var facts = CaseFacts()
            facts.quarantineSetting = .home
            facts.vaccinated = true
            let today = LocalDay.string(now)
            let quarantined = try await w.cases.record(.quarantineStart, on: binhCase.id, day: today, detail: "gọi điện, cách ly tại nhà", facts: facts,
                                                       by: w.district732, trace: w.trace)
            #expect(quarantined.followUp == .inQuarantine)
            #expect(quarantined.facts.quarantineEnd == LocalDay.adding(6, to: today))
            #expect(quarantined.quarantineRule?.contains("10696/BYT-MT") == true)
            let released = try await w.cases.record(.release, on: binhCase.id, day: LocalDay.adding(7, to: today)!, detail: "", by: w.district732, trace: w.trace)
            #expect(released.followUp == .released && released.facts.releasedOn == LocalDay.adding(7, to: today))

            // Bình turns positive: F1 → F0 keeps the history and starts its own tracing.
            var positive = CaseFacts()
            positive.confirmedOn = today
            let reclassified = try await w.cases.reclassify(binhCase.id, to: .f0, reason: "RT-PCR dương tính", facts: positive, by: w.cdc, trace: w.trace)
            #expect(reclassified.classification == .f0)
            let detail = try await w.cases.detail(binhCase.id, by: w.cdc, trace: w.trace)
            #expect(detail.history.map(\.classification) == [.f1, .f0])
            #expect(detail.sources.map(\.sourceCaseId) == [f0.id])
            let second = try await w.investigation.trace(binhCase.id, by: w.cdc, trace: w.trace)
            #expect(second.candidates.map(\.personId).contains(an.id), "An was at the market with Bình")

            // The chain: Long Khánh sees its own case by name, Biên Hòa's only by number.
            let wifeCase = try await w.db.read { try await CaseStore.record(person: wife.id, on: $0) }!
            let chain = try await w.cases.chain(binhCase.id, by: w.district732, trace: w.trace)
            #expect(Set(chain.nodes.map(\.caseId)) == [f0.id, binhCase.id, wifeCase.id])
            #expect(chain.nodes.first { $0.caseId == f0.id }?.label == "#\(f0.id)")
            #expect(chain.nodes.first { $0.caseId == binhCase.id }?.label.contains("Trần Thị Bình") == true)
            #expect(chain.nodes.first { $0.caseId == wifeCase.id }?.generation == 1)

            // A cluster at the market; another district's case cannot be added by Biên Hòa.
            let clusters = ClusterStore(database: w.db)
            let cluster = try await clusters.create(NewCluster(name: "Ổ dịch chợ Trảng Dài", communeCode: "25993", place: "Chợ Trảng Dài", venueId: market.id,
                                                               indexCaseId: f0.id, startedOn: today, caseIds: [wifeCase.id]), by: w.district731, trace: w.trace)
            #expect(cluster.caseIds == [f0.id, wifeCase.id].sorted())
            await #expect(throws: AccessDenied.self) { try await clusters.add([binhCase.id], to: cluster.id, by: w.district731, trace: w.trace) }
            #expect(try await clusters.add([binhCase.id], to: cluster.id, by: w.cdc, trace: w.trace).caseIds.count == 3)
            #expect(try await clusters.list(by: w.district732, trace: w.trace).isEmpty, "the cluster lies in Biên Hòa")
        }
    }

    /// Traced first as an F2 (contact of an F1), then as a contact of an F0: the case becomes F1, keeps its history,
    /// and its quarantine now ends by the F1 rule.
    @Test(arguments: TestDatabases.kinds)
    func anF2FoundAgainAsAnF0sContactBecomesF1(kind: DatabaseKind) async throws {
        try await Province.with(kind) { w in
            let market = try await w.venues.register(NewVenue(name: "Chợ", type: .market, address: "KP1", communeCode: "25993"),
                                                     by: w.district731, trace: w.trace)
            let a = try await w.person("A", id: "075100000011"), b = try await w.person("B", id: "075100000012")
            let c = try await w.person("C", id: "075100000013")
            let t0 = Date().addingTimeInterval(-3 * 3600)
            for p in [a, b, c] { try await w.checkIn(p, at: market, t0, t0.addingTimeInterval(1800)) }
            var f1Facts = CaseFacts()
            f1Facts.lastExposureOn = LocalDay.string(t0.addingTimeInterval(-86400))
            let bCase = try await w.cases.open(NewCase(personId: b.id, classification: .f1, facts: f1Facts), by: w.cdc, trace: w.trace)
            let fromB = try await w.investigation.trace(bCase.id, by: w.cdc, trace: w.trace)
            _ = try await w.investigation.decide(bCase.id, ContactDecision(runId: fromB.runId, personIds: [c.id], decision: .confirmed), by: w.cdc, trace: w.trace)
            let asF2 = try await w.db.read { try await CaseStore.record(person: c.id, on: $0) }!
            #expect(asF2.classification == .f2)
            var home = CaseFacts()
            home.quarantineSetting = .home
            let today = LocalDay.string(Date())
            let quarantinedF2 = try await w.cases.record(.quarantineStart, on: asF2.id, day: today, detail: "", facts: home, by: w.cdc, trace: w.trace)
            #expect(quarantinedF2.facts.quarantineEnd == nil, "no sourced F2 rule")
            let f0 = try await w.f0(a)
            let fromA = try await w.investigation.trace(f0.id, by: w.cdc, trace: w.trace)
            let outcome = try await w.investigation.decide(f0.id, ContactDecision(runId: fromA.runId, personIds: [c.id], decision: .confirmed),
                                                          by: w.cdc, trace: w.trace)
            #expect(outcome.map(\.classification) == [.f1] && outcome.map(\.created) == [false])
            let detail = try await w.cases.detail(asF2.id, by: w.cdc, trace: w.trace)
            #expect(detail.history.map(\.classification) == [.f2, .f1])
            #expect(detail.record.facts.quarantineEnd == LocalDay.adding(13, to: today), "14 days at home by the F1 rule")
            #expect(Set(detail.sources.map(\.sourceCaseId)) == [bCase.id, f0.id])
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func badRequestsAreRefusedWithReasons(kind: DatabaseKind) async throws {
        try await Province.with(kind) { w in
            let an = try await w.person("Nguyễn Văn An", id: "075100000001")
            let binh = try await w.person("Trần Thị Bình", id: "075100000002", commune: "26071")
            let f0 = try await w.f0(an)
            // Only F0 and F1 are traced.
            let suspected = try await w.cases.open(NewCase(personId: binh.id, classification: .suspected), by: w.cdc, trace: w.trace)
            await #expect(throws: CaseConflict.self) { try await w.investigation.trace(suspected.id, by: w.cdc, trace: w.trace) }
            // One case per person.
            await #expect(throws: CaseExists.self) {
                try await w.cases.open(NewCase(personId: binh.id, classification: .f1), by: w.cdc, trace: w.trace)
            }
            // Another district's case: refused and audited.
            let before = try await w.count("audit_log WHERE outcome = 'denied:scope'")
            await #expect(throws: AccessDenied.self) { try await w.investigation.trace(f0.id, by: w.district732, trace: w.trace) }
            await #expect(throws: AccessDenied.self) { try await w.cases.detail(f0.id, by: w.district732, trace: w.trace) }
            #expect(try await w.count("audit_log WHERE outcome = 'denied:scope'") == before + 2)
            // A commune officer follows up but does not trace.
            await #expect(throws: AccessDenied.self) { try await w.investigation.trace(f0.id, by: w.commune25993, trace: w.trace) }
            // F0 needs its confirmation date; days must be real days.
            var facts = CaseFacts()
            facts.onsetOn = "2021-02-30"
            let carol = try await w.person("Lê Thị Cúc", id: "075100000003")
            await #expect(throws: ValidationFailure.self) {
                try await w.cases.open(NewCase(personId: carol.id, classification: .f0, facts: facts), by: w.cdc, trace: w.trace)
            }
            await #expect(throws: CaseNotFound.self) { try await w.cases.detail(999_999, by: w.cdc, trace: w.trace) }
            // A window longer than a month is refused.
            await #expect(throws: ValidationFailure.self) {
                try await w.investigation.trace(f0.id, TraceRequest(from: Date().addingTimeInterval(-40 * 86400), to: Date()), by: w.cdc, trace: w.trace)
            }
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func personRegistrySuggestsDuplicatesAndSearchesWithoutDiacritics(kind: DatabaseKind) async throws {
        try await Province.with(kind) { w in
            let an = try await w.people.create(NewPerson(fullName: "Nguyễn Văn An", birthYear: 1980, idNumber: "075100000001",
                                                         phones: ["0901 000 001", "+84912000002"], communeCode: "25993"), by: w.cdc, trace: w.trace)
            #expect(an.phones == ["0901000001", "0912000002"])
            // The same ID number is the same person: never a second record.
            await #expect(throws: DuplicatePerson.self) {
                try await w.people.create(NewPerson(fullName: "Nguyen Van An", idNumber: "075100000001", confirmNew: true), by: w.cdc, trace: w.trace)
            }
            // Same folded name, birth year and a phone: suggested, created only when confirmed as someone else.
            let twin = NewPerson(fullName: "NGUYEN VAN AN", birthYear: 1980, phones: ["0912000002"], communeCode: "25993")
            do {
                _ = try await w.people.create(twin, by: w.cdc, trace: w.trace)
                Issue.record("a likely duplicate was saved without confirmation")
            } catch let duplicate as DuplicatePerson {
                #expect(duplicate.matches.map(\.person.id) == [an.id] && !duplicate.certain)
            }
            var confirmed = twin
            confirmed.confirmNew = true
            _ = try await w.people.create(confirmed, by: w.cdc, trace: w.trace)

            #expect(try await w.people.search("nguyen van", by: w.cdc, trace: w.trace).count == 2)
            #expect(try await w.people.search("Nguyễn Văn A", by: w.cdc, trace: w.trace).count == 2)
            #expect(try await w.people.search("0912 000 002", by: w.cdc, trace: w.trace).count == 2, "by a second phone too")
            #expect(try await w.people.search("075100000001", by: w.cdc, trace: w.trace).map(\.id) == [an.id])
            #expect(try await w.people.search("tran", by: w.cdc, trace: w.trace).isEmpty)
            #expect(try await w.people.search("nguyen%", by: w.cdc, trace: w.trace).isEmpty, "LIKE wildcards are literal")
            // Another district sees none of them, and may not open one.
            #expect(try await w.people.search("nguyen", by: w.district732, trace: w.trace).isEmpty)
            await #expect(throws: AccessDenied.self) { try await w.people.get(an.id, by: w.district732, trace: w.trace) }
            await #expect(throws: ValidationFailure.self) {
                try await w.people.create(NewPerson(fullName: "Không định danh"), by: w.cdc, trace: w.trace)
            }
        }
    }

    @Test func quarantineRulesPickTheDocumentInForce() async throws {
        // The table every installation starts with (migration 16): the 2021 guidance.
        let rules = try await TestDatabases.with(.sqlite) { db in
            try await Migrator().migrate(db)
            return try await db.read { try await QuarantineRuleBook.table(on: $0) }
        }
        #expect(rules.rules.count == 3)
        #expect(rules.plannedEnd(for: .f1, setting: .centralised, vaccinated: nil, start: "2021-08-10")?.end == "2021-08-23")
        #expect(rules.plannedEnd(for: .f1, setting: .home, vaccinated: true, start: "2021-12-01")?.rule.days == 14, "before Dispatch 10696")
        #expect(rules.plannedEnd(for: .f1, setting: .home, vaccinated: true, start: "2021-12-20")?.rule.days == 7)
        #expect(rules.plannedEnd(for: .f1, setting: .home, vaccinated: false, start: "2021-12-20")?.rule.days == 14)
        #expect(rules.plannedEnd(for: .f1, setting: .home, vaccinated: nil, start: "2021-06-01") == nil, "no rule before 14/7/2021")
        #expect(rules.plannedEnd(for: .f2, setting: .home, vaccinated: nil, start: "2021-08-10") == nil, "no sourced F2 rule: entered by hand")
        let overlapping = rules.rules + [QuarantineRule(classification: .f1, setting: .home, vaccinated: .yes, days: 10, effectiveFrom: "2022-01-01",
                                                        effectiveTo: nil, document: "test")]
        #expect(throws: ValidationFailure.self) { try QuarantineRuleTable(overlapping) }
        var closed = rules.rules
        let last = closed.removeLast()
        closed.append(QuarantineRule(classification: last.classification, setting: last.setting, vaccinated: last.vaccinated, days: last.days,
                                     effectiveFrom: last.effectiveFrom, effectiveTo: "2021-12-31", document: last.document))
        closed.append(QuarantineRule(classification: .f1, setting: .home, vaccinated: .yes, days: 5, effectiveFrom: "2022-01-01", effectiveTo: nil,
                                     document: "test"))
        #expect(try QuarantineRuleTable(closed).plannedEnd(for: .f1, setting: .home, vaccinated: true, start: "2022-02-01")?.rule.days == 5)
    }
}

/// Tracing's index reads must stay index reads as the check-ins grow.
@Suite struct TracingQueryPlanTests {
    @Test(arguments: TestDatabases.kinds)
    func tracingReadsUseTheCheckInIndexes(kind: DatabaseKind) async throws {
        let rows = BruteForceTests.generate(seed: 5, people: 400, rows: 20_000)
        try await TestDatabases.with(kind) { db in
            try await Migrator().migrate(db)
            try await BruteForceTests.load(rows, people: 400, into: db)
            let window = DateInterval(start: Date(timeIntervalSince1970: TimeInterval(BruteForceTests.origin)), duration: 86400)
            let ranges = [(venueID: Int64(1), from: window.start, to: window.end), (venueID: Int64(2), from: window.start, to: window.end)]
            let queries = [("checkins_by_person_time", TracingEngine.ownVisitsQuery(person: 3, from: window.start, to: window.end)),
                           ("checkins_by_venue_time_cover", TracingEngine.coVisitsQuery(ranges, excluding: 3))]
            for (index, query) in queries {
                let plan = try await QueryPlan.lines(query, kind: kind, analyzing: "checkins", on: db)
                #expect(plan.contains { $0.contains(index) }, "\(index) not used: \(plan)")
                if kind == .sqlite && index.hasSuffix("_cover") {
                    #expect(plan.contains { $0.contains("COVERING INDEX") }, "co-visitors must be read from the index alone: \(plan)")
                }
                #expect(!plan.contains { $0.contains("SCAN checkins") || $0.contains("SCAN c\n") || $0.contains("Seq Scan on checkins") }, "\(plan)")
            }
        }
    }
}
