import Foundation

/// Progress of a long phase on standard error: a redrawn bar with rate and ETA on a terminal, a plain line every
/// few seconds otherwise (CI logs, files).
public final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private let quiet: Bool
    private var phase = ""
    private var total = 0
    private var done = 0
    private var started = Date()
    private var lastPrinted = Date.distantPast

    public init(quiet: Bool = false) { self.quiet = quiet }

    public func begin(_ phase: String, total: Int) {
        lock.withLock {
            self.phase = phase
            self.total = total
            done = 0
            started = Date()
            lastPrinted = .distantPast
        }
    }

    public func advance(by count: Int) {
        lock.withLock {
            done += count
            let now = Date()
            if now.timeIntervalSince(lastPrinted) >= (isTerminal ? 0.2 : 5) {
                lastPrinted = now
                print(line(now), terminator: isTerminal ? "\r" : "\n")
            }
        }
    }

    /// Ends the phase; returns its elapsed seconds.
    @discardableResult
    public func end() -> TimeInterval {
        lock.withLock {
            let elapsed = Date().timeIntervalSince(started)
            print(line(Date()) + (isTerminal ? "\u{1B}[K" : ""), terminator: "\n")
            return elapsed
        }
    }

    private func line(_ now: Date) -> String {
        let elapsed = max(now.timeIntervalSince(started), 0.001)
        let rate = Double(done) / elapsed
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let eta = rate > 0 && total > done ? Double(total - done) / rate : 0
        let width = 24
        let bar = String(repeating: "█", count: Int(fraction * Double(width))) + String(repeating: "·", count: width - Int(fraction * Double(width)))
        return String(format: "%@ %@ %3.0f%% %@/%@  %@/s  %@ elapsed, ETA %@", phase.padding(toLength: 10, withPad: " ", startingAt: 0), bar,
                      fraction * 100, Self.count(done), Self.count(total), Self.count(Int(rate)), Self.duration(elapsed), Self.duration(eta))
    }

    private func print(_ text: String, terminator: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data((text + terminator).utf8))
    }

    static func count(_ n: Int) -> String {
        switch n {
        case 1_000_000...: String(format: "%.1fM", Double(n) / 1e6)
        case 10_000...: String(format: "%.0fk", Double(n) / 1e3)
        default: String(n)
        }
    }

    static func duration(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded())
        return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
