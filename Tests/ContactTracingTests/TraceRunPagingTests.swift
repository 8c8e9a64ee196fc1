import Accounts
@testable import ContactTracing
import Domain
import Foundation
import Simulation
import SQLKit
import Storage
import Testing
import TestSupport

/// A factory worker's run has tens of thousands of candidates: it is stored whole and read a page at a time.
@Suite struct TraceRunPagingTests {
    @Test(arguments: TestDatabases.kinds)
    func aRunIsReadInPagesByRankWithFiltersAndTheSameEvidence(kind: DatabaseKind) async throws {
        try await Province.with(kind) { w in
            let factory = try await w.venues.register(NewVenue(name: "Xưởng may Tam Hiệp", type: .business, address: "KCN", communeCode: "25993"),
                                                      by: w.district731, trace: w.trace)
            let worker = try await w.person("Nguyễn Văn Thợ", id: "075200000000")
            let now = Date()
            // Two shifts of the traced worker; 37 co-workers arriving a few minutes apart, some staying, some leaving early.
            let shifts = [now.addingTimeInterval(-54 * 3600), now.addingTimeInterval(-30 * 3600)]
            for start in shifts { try await w.checkIn(worker, at: factory, start, start.addingTimeInterval(4 * 3600)) }
            for i in 0..<37 {
                let other = try await w.person("Công nhân \(i)", id: String(format: "0752%08d", i + 1))
                let arrival = shifts[i % 2].addingTimeInterval(Double(i * 7 * 60))
                try await w.checkIn(other, at: factory, arrival, arrival.addingTimeInterval(Double((i % 5 + 1) * 40 * 60)))
                if i % 3 == 0 {  // some were on both shifts
                    let again = shifts[(i + 1) % 2].addingTimeInterval(Double(i * 60))
                    try await w.checkIn(other, at: factory, again, again.addingTimeInterval(3600))
                }
            }
            let f0 = try await w.f0(worker)
            let all = try await w.investigation.trace(f0.id, TraceRequest(limit: CandidatePage.maxLimit), by: w.cdc, trace: w.trace)
            #expect(all.candidateCount == 37 && all.candidates.count == 37 && all.matching == 37)
            let first = try await w.investigation.trace(f0.id, TraceRequest(limit: 5), by: w.cdc, trace: w.trace)
            #expect(first.candidateCount == 37 && first.candidates.map(\.personId) == all.candidates.prefix(5).map(\.personId),
                    "the same inputs rank the same; the answer carries the top 5")

            // Pages of 10 put together are the whole ranked list, with the evidence the run computed.
            var paged: [TracedCandidate] = []
            for offset in stride(from: 0, to: 40, by: 10) {
                let page = try await w.investigation.run(all.runId, of: f0.id, page: CandidatePage(offset: offset, limit: 10), by: w.cdc, trace: w.trace)
                #expect(page.offset == offset && page.limit == 10 && page.candidateCount == 37 && page.matching == 37)
                #expect(page.candidates.count == min(10, 37 - offset))
                paged += page.candidates
            }
            #expect(paged.map(\.personId) == all.candidates.map(\.personId))
            #expect(paged.map(\.rank) == Array(1...37))
            for (stored, computed) in zip(paged, all.candidates) {
                #expect(stored.overlapMinutes == computed.overlapMinutes && stored.score == computed.score)
                #expect(stored.evidence.count == computed.evidence.count)
                for (a, b) in zip(stored.evidence, computed.evidence) {
                    #expect(a.venueId == b.venueId)
                    for (x, y) in [(a.indexFrom, b.indexFrom), (a.indexTo, b.indexTo), (a.contactFrom, b.contactFrom), (a.contactTo, b.contactTo),
                                   (a.from, b.from), (a.to, b.to)] {
                        #expect(abs(x.timeIntervalSince(y)) < 1e-4, "\(x) vs \(y)")
                    }
                }
            }

            // Filters: at least an hour together; then only the confirmed ones.
            let long = try await w.investigation.run(all.runId, of: f0.id, page: CandidatePage(limit: 100, minMinutes: 60), by: w.cdc, trace: w.trace)
            let expected = all.candidates.filter { $0.overlapMinutes >= 60 }
            #expect(!expected.isEmpty && expected.count < 37, "the fixture has both kinds")
            #expect(long.matching == expected.count && long.candidates.map(\.personId) == expected.map(\.personId))
            let chosen = [all.candidates[3].personId, all.candidates[20].personId]
            _ = try await w.investigation.decide(f0.id, ContactDecision(runId: all.runId, personIds: chosen, decision: .confirmed), by: w.cdc, trace: w.trace)
            let confirmed = try await w.investigation.run(all.runId, of: f0.id, page: CandidatePage(decision: "confirmed"), by: w.cdc, trace: w.trace)
            #expect(confirmed.candidates.map(\.personId) == chosen && confirmed.matching == 2 && confirmed.candidateCount == 37)
            let pendingPage = try await w.investigation.run(all.runId, of: f0.id, page: CandidatePage(offset: 30, decision: "pending"), by: w.cdc, trace: w.trace)
            #expect(pendingPage.matching == 35 && pendingPage.candidates.count == 5)

            // Pages outside the rules are refused, not clamped.
            for bad in [CandidatePage(limit: 0), CandidatePage(limit: CandidatePage.maxLimit + 1), CandidatePage(offset: -1),
                        CandidatePage(decision: "maybe"), CandidatePage(minMinutes: -1), CandidatePage(minMinutes: .nan)] {
                await #expect(throws: ValidationFailure.self) {
                    try await w.investigation.run(all.runId, of: f0.id, page: bad, by: w.cdc, trace: w.trace)
                }
            }
            await #expect(throws: ValidationFailure.self) {
                try await w.investigation.trace(f0.id, TraceRequest(limit: 0), by: w.cdc, trace: w.trace)
            }
        }
    }

    /// Every page is read on the run's rows through its index, never a scan of all runs' candidates; on SQLite in rank
    /// order without sorting the run (tens of thousands of rows).
    @Test(arguments: TestDatabases.kinds)
    func pagesAreReadOnTheRankIndex(kind: DatabaseKind) async throws {
        try await Province.with(kind) { w in
            // 30 runs of 300 candidates: enough rows that PostgreSQL's planner weighs the index against a scan.
            let f0 = try await w.f0(try await w.person("Nguyễn Văn Thợ", id: "075200000000"))
            var runs: [Int64] = []
            for _ in 0..<30 { runs.append(try await w.investigation.trace(f0.id, by: w.cdc, trace: w.trace).runId) }
            var people: [Int64] = []
            for i in 0..<300 { people.append(try await w.person("Công nhân \(i)", id: String(format: "0752%08d", i + 1)).id) }
            try await w.db.write { db in
                for run in runs {
                    var insert = db.insert(into: "trace_candidates")
                        .columns("run_id", "person_id", "rank", "score", "overlap_minutes", "shared_venues", "sources", "evidence", "decision")
                    for (i, person) in people.enumerated() {
                        insert = insert.values(SQLBind(run), SQLBind(person), SQLBind(i + 1), SQLBind(Double(300 - i)), SQLBind(Double(300 - i)),
                                               SQLBind(1), SQLBind("venue"), SQLBind("[]"), SQLBind(i % 7 == 0 ? "confirmed" : "pending"))
                    }
                    try await insert.run()
                }
            }
            let query = Investigation.pageQuery(run: runs[12], CandidatePage(offset: 200, limit: 50, decision: "pending"))
            let plan = try await QueryPlan.lines(query, kind: kind, analyzing: "trace_candidates", on: w.db)
            #expect(plan.contains { $0.contains("trace_candidates_by_rank") }, "\(plan)")
            #expect(!plan.contains { $0.contains("Seq Scan") || $0.hasPrefix("SCAN trace_candidates") }, "\(plan)")
            // SQLite walks the index in rank order; PostgreSQL, at this size, sorts the one run's rows it found on it.
            if kind == .sqlite { #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)") }
        }
    }
}

@Suite struct EvidenceCodecTests {
    static func evidence(_ r: inout SimRandom) -> Evidence {
        // Whole seconds (check-ins) and fractions (dwell-time ends, clipped windows), as the engine produces them.
        func instant() -> Date {
            let base = Double(Int.random(in: 1_600_000_000...1_900_000_000, using: &r))
            return Date(timeIntervalSince1970: Bool.random(using: &r) ? base : base + Double.random(in: 0..<1, using: &r))
        }
        return Evidence(venueId: Int64.random(in: 1...Int64(Int32.max), using: &r), indexFrom: instant(), indexTo: instant(),
                        contactFrom: instant(), contactTo: instant(), from: instant(), to: instant())
    }

    @Test func roundTripsTheSameInstants() throws {
        var random = SimRandom(seed: 20211201)
        for count in [0, 1, 2, 17, 300] {
            let list = (0..<count).map { _ in Self.evidence(&random) }
            let decoded = try EvidenceCodec.decode(EvidenceCodec.encode(list))
            #expect(decoded.count == list.count)
            for (a, b) in zip(decoded, list) {
                #expect(a.venueId == b.venueId)
                for (x, y) in [(a.indexFrom, b.indexFrom), (a.indexTo, b.indexTo), (a.contactFrom, b.contactFrom), (a.contactTo, b.contactTo),
                               (a.from, b.from), (a.to, b.to)] {
                    #expect(x.timeIntervalSince1970 == y.timeIntervalSince1970)
                }
            }
        }
    }

    @Test func readsRunsStoredAsKeyedObjects() throws {
        var random = SimRandom(seed: 7)
        let list = (0..<5).map { _ in Self.evidence(&random) }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let old = String(decoding: try encoder.encode(list), as: UTF8.self)
        #expect(try EvidenceCodec.decode(old).map(\.venueId) == list.map(\.venueId))
        #expect(EvidenceCodec.encode(list).count * 4 < old.count * 3, "the arrays are smaller than the keyed objects, even with fractions")
    }

    @Test func refusesWhatItDidNotWrite() {
        for bad in ["", "[", "[[1,2,3,4,5,6,7]", "[[1,2,3,4,5,6]]", "[[1,2,3,4,5,6,7,8]]", "[[1.5,2,3,4,5,6,7]]", "[[1,2,3,4,5,6,7]]x",
                    "[[1,nan,3,4,5,6,7]]", "[[1,2,3,4,5,6,inf]]", "[[1,,3,4,5,6,7]]", "[1,2]", "[{\"venueId\":\"x\"}]"] {
            #expect(throws: (any Error).self, "\(bad)") { try EvidenceCodec.decode(bad) }
        }
    }
}
