import Domain
import Foundation

/// One check-in as tracing sees it.
public struct Visit: Sendable, Equatable {
    public let personID: Int64
    public let venueID: Int64
    public let checkedIn: Date
    public let checkedOut: Date?

    public init(personID: Int64, venueID: Int64, checkedIn: Date, checkedOut: Date?) {
        self.personID = personID
        self.venueID = venueID
        self.checkedIn = checkedIn
        self.checkedOut = checkedOut
    }
}

/// What tracing needs to know of a venue.
public struct VenueFacts: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let type: VenueType
    public let dwellMinutes: Int

    public init(id: Int64, name: String, type: VenueType, dwellMinutes: Int) {
        self.id = id
        self.name = name
        self.type = type
        self.dwellMinutes = dwellMinutes
    }
}

/// The traced person's presence at a venue, inside the exposure window (before the margin is added).
public struct IndexPresence: Sendable, Equatable, Codable {
    public let venueId: Int64
    public let from: Date
    public let to: Date
}

/// Why a candidate is on the list: one shared presence.
public struct Evidence: Sendable, Equatable, Codable {
    public let venueId: Int64
    /// The traced person's presence (clipped to the window).
    public let indexFrom: Date
    public let indexTo: Date
    /// The candidate's presence (its check-out, or the venue's dwell time).
    public let contactFrom: Date
    public let contactTo: Date
    /// The shared time, the traced presence widened by the margin.
    public let from: Date
    public let to: Date
}

/// One ranked contact candidate.
public struct Candidate: Sendable, Equatable, Codable {
    public enum Source: String, Sendable, Codable, Comparable {
        case venue, household, declared
        public static func < (a: Source, b: Source) -> Bool { a.rawValue < b.rawValue }
    }

    public let personId: Int64
    public var rank: Int
    public let score: Double
    /// Shared time in minutes: the union of the evidence intervals, so a double check-in is not counted twice.
    public let overlapMinutes: Double
    public let sharedVenues: Int
    public let sources: [Source]
    public let evidence: [Evidence]
}

/// The co-location computation, pure: which presences overlap the traced person's, by how much, ranked.
/// The SQL side (`TracingEngine`) only fetches the rows this needs.
public enum CoLocation {
    /// The traced person's presences, cut to the window, merged where they overlap or touch at the same venue.
    public static func indexPresences(_ visits: [Visit], venues: [Int64: VenueFacts], window: DateInterval, rules: TracingRules) -> [IndexPresence] {
        var byVenue: [Int64: [(Date, Date)]] = [:]
        for visit in visits {
            guard let venue = venues[visit.venueID] else { continue }
            let end = rules.presenceEnd(checkedIn: visit.checkedIn, checkedOut: visit.checkedOut, dwellMinutes: venue.dwellMinutes)
            let from = max(visit.checkedIn, window.start), to = min(end, window.end)
            if from < to { byVenue[visit.venueID, default: []].append((from, to)) }
        }
        var result: [IndexPresence] = []
        for (venue, intervals) in byVenue {
            for merged in union(intervals) { result.append(IndexPresence(venueId: venue, from: merged.0, to: merged.1)) }
        }
        return result.sorted { ($0.from, $0.venueId) < ($1.from, $1.venueId) }
    }

    /// The check-in time ranges, per venue, in which a co-visitor's check-in can fall.
    public static func scanRanges(_ presences: [IndexPresence], venues: [Int64: VenueFacts], rules: TracingRules)
        -> [(venueID: Int64, from: Date, to: Date)]
    {
        let margin = TimeInterval(rules.marginMinutes * 60)
        var byVenue: [Int64: [(Date, Date)]] = [:]
        for p in presences {
            let cap = rules.presenceCap(dwellMinutes: venues[p.venueId]?.dwellMinutes ?? 0)
            byVenue[p.venueId, default: []].append((p.from.addingTimeInterval(-margin - cap), p.to.addingTimeInterval(margin)))
        }
        return byVenue.flatMap { venue, ranges in union(ranges).map { (venue, $0.0, $0.1) } }
            .sorted { ($0.venueID, $0.from) < ($1.venueID, $1.from) }
    }

    /// Candidates from co-visits, households and declared contacts, ranked. `visits` may hold rows outside the
    /// scan ranges and the traced person's own rows: both are ignored.
    public static func candidates(
        tracing personID: Int64, presences: [IndexPresence], visits: [Visit], venues: [Int64: VenueFacts], rules: TracingRules,
        household: Set<Int64> = [], declared: Set<Int64> = []
    ) -> [Candidate] {
        let margin = TimeInterval(rules.marginMinutes * 60)
        let presencesByVenue = Dictionary(grouping: presences, by: \.venueId)
        var evidence: [Int64: [Evidence]] = [:]
        for visit in visits where visit.personID != personID {
            guard let venue = venues[visit.venueID], let mine = presencesByVenue[visit.venueID] else { continue }
            let end = rules.presenceEnd(checkedIn: visit.checkedIn, checkedOut: visit.checkedOut, dwellMinutes: venue.dwellMinutes)
            for p in mine {
                let from = max(p.from.addingTimeInterval(-margin), visit.checkedIn)
                let to = min(p.to.addingTimeInterval(margin), end)
                if from < to {
                    evidence[visit.personID, default: []].append(Evidence(
                        venueId: visit.venueID, indexFrom: p.from, indexTo: p.to, contactFrom: visit.checkedIn, contactTo: end, from: from, to: to))
                }
            }
        }
        var people = Set(evidence.keys).union(household).union(declared)
        people.remove(personID)
        var result: [Candidate] = []
        result.reserveCapacity(people.count)
        for person in people {
            let items = (evidence[person] ?? []).sorted { ($0.from, $0.venueId, $0.contactFrom) < ($1.from, $1.venueId, $1.contactFrom) }
            var score = 0.0
            // In venue order: the same inputs must give the same floating-point sum, hence the same ranking.
            for (venue, shared) in Dictionary(grouping: items, by: \.venueId).sorted(by: { $0.key < $1.key }) {
                let minutes = measure(union(shared.map { ($0.from, $0.to) })) / 60
                score += minutes * rules.weight(venues[venue]?.type ?? .other)
            }
            var sources: [Candidate.Source] = items.isEmpty ? [] : [.venue]
            if household.contains(person) { sources.append(.household); score += rules.householdMinutes }
            if declared.contains(person) { sources.append(.declared); score += rules.declaredMinutes }
            result.append(Candidate(
                personId: person, rank: 0, score: (score * 100).rounded() / 100,
                overlapMinutes: (measure(union(items.map { ($0.from, $0.to) })) / 60 * 100).rounded() / 100,
                sharedVenues: Set(items.map(\.venueId)).count, sources: sources.sorted(), evidence: items))
        }
        result.sort {
            ($1.score, $1.sharedVenues, $1.overlapMinutes, $0.personId) < ($0.score, $0.sharedVenues, $0.overlapMinutes, $1.personId)
        }
        for i in result.indices { result[i].rank = i + 1 }
        return result
    }

    /// Intervals merged where they overlap or touch, sorted.
    static func union(_ intervals: [(Date, Date)]) -> [(Date, Date)] {
        var merged: [(Date, Date)] = []
        for interval in intervals.sorted(by: { $0.0 < $1.0 }) {
            if let last = merged.last, interval.0 <= last.1 {
                merged[merged.count - 1].1 = max(last.1, interval.1)
            } else {
                merged.append(interval)
            }
        }
        return merged
    }

    static func measure(_ disjoint: [(Date, Date)]) -> TimeInterval { disjoint.reduce(0) { $0 + $1.1.timeIntervalSince($1.0) } }
}
