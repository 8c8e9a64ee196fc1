import CheckIn
import ContactTracing
import HealthCertificates
import Logging
import ServiceLifecycle
import Storage

/// A job the server runs on a timer until shutdown: first after `first`, then every `interval`. A failed round is
/// logged and the next one runs as planned. Several servers may run the same job: each job must be idempotent.
struct PeriodicJob: Service {
    let name: String
    let first: Duration
    let interval: Duration
    let logger: Logger
    let work: @Sendable () async throws -> Void

    func run() async throws {
        var wait = first
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let pause = wait
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
            } catch {
                return
            }
            do {
                try await work()
            } catch {
                logger.error("\(name) failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            wait = interval
        }
    }
}

extension PeriodicJob {
    /// Deletes check-ins older than the retention period: a minute after start, then once a day.
    static func checkInPurge(_ store: CheckInStore, logger: Logger) -> PeriodicJob {
        PeriodicJob(name: "check-in purge", first: .seconds(60), interval: .seconds(24 * 3600), logger: logger) {
            let purged = try await store.purge()
            logger.info("purged old check-ins", metadata: ["count": "\(purged)"])
        }
    }

    /// Issues the certificates records call for (recovered cases, individual RT-PCR results), every 30 seconds, and
    /// texts each person the link. Does nothing on a server without signing keys.
    static func certificates(_ certificates: CertificateService, linkBase: String, logger: Logger) -> PeriodicJob {
        PeriodicJob(name: "certificates", first: .seconds(30), interval: .seconds(30), logger: logger) {
            let issued = try await certificates.issuePending(linkBase: linkBase)
            if issued > 0 { logger.info("certificates issued", metadata: ["count": "\(issued)"]) }
        }
    }

    /// Delivers queued notifications every ten seconds with `sender` (the default writes them to the log; an SMS
    /// gateway implements `NotificationSender`). Two servers may both send a message; gateways de-duplicate by id.
    static func outbox(_ database: Database, sender: any NotificationSender, logger: Logger) -> PeriodicJob {
        PeriodicJob(name: "outbox delivery", first: .seconds(10), interval: .seconds(10), logger: logger) {
            let sent = try await Outbox.deliver(using: sender, database: database)
            if sent > 0 { logger.info("outbox delivered", metadata: ["count": "\(sent)"]) }
        }
    }

    /// Writes each destination's list of the previous day's arrivals after local midnight: checked every ten minutes,
    /// a day is written once (and the days missed while the server was down, up to a week).
    static func itineraries(_ archive: ItineraryArchive, logger: Logger) -> PeriodicJob {
        PeriodicJob(name: "lists of arrivals", first: .seconds(90), interval: .seconds(600), logger: logger) {
            for day in try await archive.writeDue() {
                logger.info("lists of arrivals written", metadata: ["day": "\(day)", "directory": "\(archive.directory.path)"])
            }
        }
    }

    /// Folds the count deltas into the daily counts every two seconds, so readers add few pending rows. On a database
    /// that gained the counts by migration, the first round computes them from the records.
    static func aggregates(_ database: Database, logger: Logger) -> PeriodicJob {
        PeriodicJob(name: "aggregates", first: .seconds(2), interval: .seconds(2), logger: logger) {
            if try await Aggregates.buildIfNeverBuilt(database) { logger.info("daily counts computed from the records") }
            while try await Aggregates.fold(database) == 5_000 {}
        }
    }
}
