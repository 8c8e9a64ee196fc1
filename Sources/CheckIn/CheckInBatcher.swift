import Foundation

/// Group commit for single check-ins: events that arrive while a transaction is being written wait and go
/// into the next one together, so a crowd of phones shares transactions instead of queueing one by one on
/// SQLite's single writer. No timer: an event alone is written at once; under load batches form by themselves.
/// Each caller is answered after the transaction holding its event commits.
public actor CheckInBatcher {
    public let store: CheckInStore
    private var pending: [(event: CheckInSubmission, reply: CheckedContinuation<CheckInResult, any Error>)] = []
    private var writing = false

    public init(store: CheckInStore) { self.store = store }

    public func submit(_ event: CheckInSubmission) async throws -> CheckInResult {
        try await withCheckedThrowingContinuation { reply in
            pending.append((event, reply))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(CheckInStore.maxBatch))
            pending.removeFirst(batch.count)
            do {
                let results = try await store.ingest(batch.map(\.event))
                for (waiter, result) in zip(batch, results) { waiter.reply.resume(returning: result) }
            } catch {
                for waiter in batch { waiter.reply.resume(throwing: error) }
            }
        }
        writing = false
    }
}
