import Foundation
import Metrics

/// Pool metrics for /metrics: how long each unit of database work takes (including the wait for a
/// connection, which is where a starved pool shows), how many are in flight, and how many failed.
struct DatabaseMetrics: Sendable {
    enum Mode: String { case read, write }

    private let timers: [String: Metrics.Timer]
    private let inFlight: [String: Meter]
    private let failures: [String: Counter]

    init(kind: DatabaseKind) {
        var timers: [String: Metrics.Timer] = [:], inFlight: [String: Meter] = [:], failures: [String: Counter] = [:]
        for mode in [Mode.read, .write] {
            let dimensions = [("engine", kind.rawValue), ("mode", mode.rawValue)]
            timers[mode.rawValue] = Metrics.Timer(label: "sentinel_db_operation_duration", dimensions: dimensions, preferredDisplayUnit: .seconds)
            inFlight[mode.rawValue] = Meter(label: "sentinel_db_operations_in_flight", dimensions: dimensions)
            failures[mode.rawValue] = Counter(label: "sentinel_db_operation_failures", dimensions: dimensions)
        }
        self.timers = timers
        self.inFlight = inFlight
        self.failures = failures
    }

    /// Call at the start of a unit of work; pass the result to `end`.
    func begin(_ mode: Mode) -> UInt64 {
        inFlight[mode.rawValue]?.increment()
        return DispatchTime.now().uptimeNanoseconds
    }

    func end(_ mode: Mode, _ started: UInt64, failed: Bool) {
        inFlight[mode.rawValue]?.decrement()
        timers[mode.rawValue]?.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started))
        if failed { failures[mode.rawValue]?.increment() }
    }
}
