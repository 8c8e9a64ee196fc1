import Logging
import ServiceLifecycle
import Simulation
import Storage

/// In demo mode, fills an empty database with a synthetic province (the `small` scale: 300,000 people, four weeks of
/// check-ins with an epidemic, its cases and contacts) in the background, so the server answers at once and the province appears
/// within a minute or so. Skipped when the database already holds a simulation; an interrupted one resumes.
struct DemoProvinceService: Service {
    let database: Database
    let scale: SimulationScale
    let logger: Logger

    func run() async throws {
        await simulate()
        // A service that returns stops the server (ServiceGroup treats it as a failure): stay until shutdown.
        try? await gracefulShutdown()
    }

    private func simulate() async {
        var options = SimulationOptions()
        options.people = scale.people
        let existing = try? await database.read { try await Settings.get("simulation.signature", on: $0) }
        if let existing, existing != options.signature, (try? await database.read({ try await Settings.get("simulation.cases_done", on: $0) })) != nil {
            return  // another complete simulation (a benchmark's province): leave it
        }
        logger.info("demo: simulating a province in the background", metadata: ["people": "\(options.people)"])
        do {
            let simulator = Simulator(database: database, options: options, progress: ProgressReporter(quiet: true))
            let summary = try await cancelWhenGracefulShutdown { try await simulator.run() }
            logger.info("demo: province ready", metadata: [
                "seconds": "\(Int(summary.seconds))", "rows": "\(summary.counts.map { "\($0.table)=\($0.rows)" }.joined(separator: " "))",
            ])
        } catch is CancellationError {
            logger.info("demo: simulation interrupted; it resumes at the next start")
        } catch {
            logger.error("demo: simulation failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
