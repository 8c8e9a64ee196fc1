import Foundation
import Logging
import SQLiteNIO
import Synchronization

/// Copies the write-ahead log back into an SQLite file from a connection of its own, a few times a second, so the
/// writer does not have to.
///
/// Why: check-ins write every index in random order, so a 1,000-row transaction dirties ~2,600 pages — more than
/// SQLite's automatic checkpoint threshold (1,000 pages) — and the writer then ran a checkpoint inside every commit:
/// two thirds of the commit's time (measured, docs/performance.md). A passive checkpoint here runs on the other
/// core while the writer goes on, and pages written several times between two checkpoints are copied once. The
/// writer keeps a higher automatic threshold (`writerThreshold`) so the log stays bounded if this one falls behind.
final class WALCheckpointer: Sendable {
    /// Pages after which the writer checkpoints itself (32 MiB of log at 4 KiB pages).
    static let writerThreshold = 8192
    static let interval: Duration = .milliseconds(250)

    private final class Progress: Sendable { let frames = Atomic<Int>(0) }
    private let task: Task<Void, Never>
    private let progress: Progress

    init(connection: SQLiteConnection, logger: Logger) {
        let progress = Progress()
        self.progress = progress
        task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.interval)
                guard !Task.isCancelled else { break }
                do {
                    // (busy, frames in the log, frames copied back): a passive checkpoint never waits for anyone.
                    let rows = try await connection.query("PRAGMA wal_checkpoint(PASSIVE)")
                    if case .integer(let n)? = rows.first?.column("checkpointed"), n > 0 {
                        progress.frames.wrappingAdd(Int(n), ordering: .relaxed)
                    }
                } catch {
                    logger.warning("background checkpoint failed", metadata: ["error": "\(error)"])
                }
            }
            try? await connection.close().get()
        }
    }

    /// Frames this checkpointer has copied back since it started (each checkpoint counts the frames of the log it
    /// found copied, so a frame can be counted again by a later checkpoint of the same log).
    var framesCheckpointed: Int { progress.frames.load(ordering: .relaxed) }

    func stop() async {
        task.cancel()
        await task.value
    }
}
