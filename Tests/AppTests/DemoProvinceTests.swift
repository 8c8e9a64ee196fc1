@testable import App
import Foundation
import Logging
import ServiceLifecycle
import Storage
import Testing
import TestSupport

@Suite struct DemoProvinceTests {
    /// The background simulation ending (here: skipped, the database holds another finished simulation) must not
    /// end the server: a service that returns stops its whole ServiceGroup.
    @Test func theDemoServiceKeepsTheServerRunningAfterItsWork() async throws {
        try await TestDatabases.with(.sqlite) { db in
            try await Migrator().migrate(db)
            try await db.write { sql in
                try await Settings.set("simulation.signature", "seed=1 another", on: sql)
                try await Settings.set("simulation.cases_done", "1", on: sql)
            }
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            let group = ServiceGroup(configuration: .init(services: [DemoProvinceService(database: db, scale: .tiny, logger: logger)], logger: logger))
            let running = Task { try await group.run() }
            try await Task.sleep(for: .milliseconds(300))
            await group.triggerGracefulShutdown()
            await #expect(throws: Never.self) { try await running.value }
        }
    }
}
