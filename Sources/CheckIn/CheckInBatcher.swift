import Foundation

/// Group commit for check-ins: requests that arrive while a transaction is being written wait and go into the
/// next one together, so a crowd of phones (single events) and several venue apps (batches) share transactions
/// instead of queueing one by one on SQLite's single writer. No timer: a request alone is written at once; under
/// load groups form by themselves. Each caller is answered after the transaction holding its events commits.
///
/// Why batches too: every index of `checkins` but the rowid is written in random order, so a transaction's cost
/// is mostly the pages it dirties, and four 1,000-event batches in one transaction dirty far fewer pages than in
/// four (measured, docs/performance.md). A group holds whole requests, at most `maxGroup` events (one request of
/// up to `CheckInStore.maxBatch` always fits). On PostgreSQL, which runs writers side by side, a batch is its own
/// transaction as before; only single events are grouped there.
public actor CheckInBatcher {
    public let store: CheckInStore
    public static let maxGroup = 4 * CheckInStore.maxBatch
    private var pending: [(events: [CheckInSubmission], reply: CheckedContinuation<[CheckInResult], any Error>)] = []
    private var writing = false

    /// Transactions written, and the most events one held: how the tests see that groups form.
    public private(set) var transactions = 0
    public private(set) var largestGroup = 0
    /// Requests waiting for the next transaction.
    public var waiting: Int { pending.count }

    public init(store: CheckInStore) { self.store = store }

    public func submit(_ event: CheckInSubmission) async throws -> CheckInResult {
        try await submit([event])[0]
    }

    /// One request's events; its results in the same order.
    public func submit(_ events: [CheckInSubmission]) async throws -> [CheckInResult] {
        guard !events.isEmpty else { return [] }
        if events.count > 1, store.database.kind != .sqlite { return try await store.ingest(events) }
        return try await withCheckedThrowingContinuation { reply in
            pending.append((events, reply))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            var count = 0
            var taken = 0
            while taken < pending.count, taken == 0 || count + pending[taken].events.count <= Self.maxGroup {
                count += pending[taken].events.count
                taken += 1
            }
            let group = Array(pending.prefix(taken))
            pending.removeFirst(taken)
            transactions += 1
            largestGroup = max(largestGroup, count)
            do {
                let results = try await store.ingest(group.flatMap(\.events))
                var start = 0
                for request in group {
                    request.reply.resume(returning: Array(results[start..<start + request.events.count]))
                    start += request.events.count
                }
            } catch {
                for request in group { request.reply.resume(throwing: error) }
            }
        }
        writing = false
    }
}
