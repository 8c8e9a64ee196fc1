import Domain
import Foundation

/// The parameters of tracing, as data with the document that set them (bundled JSON; the CDC may change them).
public struct TracingRules: Codable, Sendable, Equatable {
    public var document: String
    /// The exposure window opens this many days before onset (or sampling, when asymptomatic).
    public var daysBeforeOnset: Int
    /// Presences this close in time count as shared: the F0's presence is widened by it on both sides.
    public var marginMinutes: Int
    /// A presence longer than this (a forgotten check-out) is cut here, unless the venue's dwell time is longer.
    public var maxPresenceHours: Int
    /// What living with the F0, or being named by it, weighs in the ranking, in minutes of venue overlap.
    public var householdMinutes: Double
    public var declaredMinutes: Double
    /// Venue types where people are closer or longer together weigh more.
    public var venueWeights: [String: Double]

    public static func bundled() throws -> TracingRules {
        try JSONDecoder().decode(TracingRules.self, from: Data(contentsOf: try resource("tracing-rules")))
    }

    public func weight(_ type: VenueType) -> Double { venueWeights[type.rawValue] ?? 1 }

    /// The longest presence at a venue with this dwell time, in seconds.
    func presenceCap(dwellMinutes: Int) -> TimeInterval { TimeInterval(max(maxPresenceHours * 60, dwellMinutes) * 60) }

    /// The longest any presence may be: bounds the index scans.
    var longestPresence: TimeInterval { TimeInterval(max(maxPresenceHours, 24) * 3600) }

    /// The end of a presence: the check-out, or the venue's dwell time when there is none, cut at the cap.
    public func presenceEnd(checkedIn: Date, checkedOut: Date?, dwellMinutes: Int) -> Date {
        let end = checkedOut ?? checkedIn.addingTimeInterval(TimeInterval(dwellMinutes * 60))
        return min(end, checkedIn.addingTimeInterval(presenceCap(dwellMinutes: dwellMinutes)))
    }

    /// The default exposure window of a case: from `daysBeforeOnset` days before onset (or sampling, or
    /// confirmation, for an asymptomatic case) to the end of the day of isolation — of confirmation when no
    /// isolation day is recorded (a confirmed case is isolated) — and never after `now`.
    public func defaultWindow(onset: String?, sampled: String?, confirmed: String?, isolated: String?, now: Date) -> DateInterval? {
        guard let anchor = onset ?? sampled ?? confirmed, let first = LocalDay.adding(-daysBeforeOnset, to: anchor),
              let start = LocalDay.start(first) else { return nil }
        let end = min(now, (isolated ?? confirmed).flatMap { LocalDay.adding(1, to: $0) }.flatMap(LocalDay.start) ?? now)
        return end > start ? DateInterval(start: start, end: end) : nil
    }
}

func resource(_ name: String) throws -> URL {
    guard let url = Bundle.module.url(forResource: name, withExtension: "json") else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: name + ".json"])
    }
    return url
}
