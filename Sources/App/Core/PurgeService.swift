import CheckIn
import Logging
import ServiceLifecycle

/// Deletes check-ins older than the retention period: a minute after start, then once a day.
/// Several servers may run it at once; the delete is idempotent.
struct CheckInPurgeService: Service {
    let store: CheckInStore
    let logger: Logger
    var firstRun: Duration = .seconds(60)
    var interval: Duration = .seconds(24 * 3600)

    func run() async throws {
        var wait = firstRun
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let pause = wait
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            } catch {
                return
            }
            do {
                let purged = try await store.purge()
                logger.info("purged old check-ins", metadata: ["count": "\(purged)"])
            } catch {
                logger.error("check-in purge failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            wait = interval
        }
    }
}
