import CheckIn
import Domain
import Foundation
import People
import Storage
import Testing
import TestSupport

/// Holds SQLite's writer until `release` is called, so requests pile up behind it.
final class WriterHold: Sendable {
    let acquired: AsyncStream<Void>
    private let acquiredSignal: AsyncStream<Void>.Continuation
    private let gate: AsyncStream<Void>
    private let gateSignal: AsyncStream<Void>.Continuation
    let task: Task<Void, any Error>

    init(_ db: Database) {
        (acquired, acquiredSignal) = AsyncStream<Void>.makeStream()
        (gate, gateSignal) = AsyncStream<Void>.makeStream()
        let (signal, gate) = (acquiredSignal, gate)
        task = Task { try await db.write { _ in
            signal.yield()
            for await _ in gate { break }
        } }
    }

    func waitUntilHeld() async { for await _ in acquired { break } }
    func release() { gateSignal.finish() }
}

/// Polls an actor's state (no time is asserted: only that the state is reached).
func eventually(_ condition: () async -> Bool) async throws {
    for _ in 0..<10_000 {
        if await condition() { return }
        try await Task.sleep(for: .milliseconds(1))
    }
    Issue.record("the state was never reached")
}

/// Batches that wait for the writer are written together, and each request still gets exactly its own answers.
@Suite struct CheckInGroupCommitTests {
    @Test func batchesWaitingTogetherShareOneTransactionAndKeepTheirAnswers() async throws {
        try await World.with(.sqlite) { w in
            let venue = try await w.venue()
            let batcher = CheckInBatcher(store: w.checkins)
            func person(_ i: Int) -> PersonClaim { PersonClaim(idNumber: String(format: "075%09d", i), name: "Người \(i)") }
            let first = (0..<10).map { event(venue, person: person($0)) }
            let shared = UUID().uuidString
            let second = (0..<20).map { event(venue, id: $0 == 7 ? shared : UUID().uuidString, person: person($0)) }
            var third = (0..<30).map { event(venue, id: $0 == 3 ? shared : UUID().uuidString, person: person(100 + $0)) }
            third[12].eventId = "not-a-uuid"
            let thirdRequest = third

            let hold = WriterHold(w.db)
            await hold.waitUntilHeld()
            let a = Task { try await batcher.submit(first) }
            try await eventually { await batcher.transactions == 1 }  // taken alone, now waiting for the writer
            let b = Task { try await batcher.submit(second) }
            try await eventually { await batcher.waiting == 1 }
            let c = Task { try await batcher.submit(thirdRequest) }
            try await eventually { await batcher.waiting == 2 }
            hold.release()
            try await hold.task.value
            let (ra, rb, rc) = (try await a.value, try await b.value, try await c.value)

            #expect(await batcher.transactions == 2, "the two waiting requests went into one transaction")
            #expect(await batcher.largestGroup == 50)
            #expect(ra.map(\.eventId) == first.map(\.eventId) && rb.map(\.eventId) == second.map(\.eventId)
                    && rc.map(\.eventId) == third.map(\.eventId), "each request gets its own results, in its order")
            #expect(ra.allSatisfy { $0.status == .accepted } && rb.allSatisfy { $0.status == .accepted })
            #expect(rc[3].status == .duplicate, "an event id another request of the same group carried is stored once")
            #expect(rc[12].status == .rejected && rc[12].reason == .invalidEventId)
            #expect(rc.enumerated().filter { $0.offset != 3 && $0.offset != 12 }.allSatisfy { $0.element.status == .accepted },
                    "one bad event rejects only itself")
            #expect(try await w.count("checkins") == 10 + 20 + 28)
        }
    }

    /// A group never exceeds its cap: requests that would overflow it wait for the next transaction.
    @Test func groupsStayWithinTheirCap() async throws {
        try await World.with(.sqlite) { w in
            let venue = try await w.venue()
            let batcher = CheckInBatcher(store: w.checkins)
            let hold = WriterHold(w.db)
            await hold.waitUntilHeld()
            let size = CheckInStore.maxBatch
            let opener = Task { try await batcher.submit([event(venue)]) }
            try await eventually { await batcher.transactions == 1 }
            var requests: [Task<[CheckInResult], any Error>] = []
            for r in 0..<5 {
                let events = (0..<size).map { event(venue, person: PersonClaim(idNumber: String(format: "075%09d", r * size + $0), name: "N")) }
                requests.append(Task { try await batcher.submit(events) })
                try await eventually { await batcher.waiting == r + 1 }
            }
            hold.release()
            _ = try await opener.value
            for request in requests { #expect(try await request.value.allSatisfy { $0.status == .accepted }) }
            #expect(await batcher.largestGroup == CheckInBatcher.maxGroup)
            #expect(await batcher.transactions == 3, "1 + 4 + 1 requests")
            #expect(try await w.count("checkins") == 1 + 5 * size)
        }
    }
}
