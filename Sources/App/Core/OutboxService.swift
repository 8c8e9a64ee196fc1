import ContactTracing
import Logging
import ServiceLifecycle
import Storage

/// Delivers queued notifications every few seconds with the configured sender (the default writes them to the log;
/// an SMS gateway implements `NotificationSender`). Several servers may run it: a message may then go out twice,
/// which the gateways de-duplicate by message id.
struct OutboxService: Service {
    let database: Database
    let sender: any NotificationSender
    let logger: Logger
    var interval: Duration = .seconds(10)

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let pause = interval
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            } catch {
                return
            }
            do {
                let sent = try await Outbox.deliver(using: sender, database: database)
                if sent > 0 { logger.info("outbox delivered", metadata: ["count": "\(sent)"]) }
            } catch {
                logger.error("outbox delivery failed", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }
}
