import Domain
import Foundation

/// An agent-based SEIR epidemic over the simulated presences. Infection happens where people are together: at a venue,
/// with a hazard per hour of overlap with each infectious person present (check-out, else the venue's dwell time),
/// diluted at crowded places to the few people one really meets there, and at home, with a daily hazard per infectious household member. An infected person is exposed for 2–5 days, infectious
/// for 7–10 days from the day before onset, symptomatic in 65 % of cases.
///
/// Calibration: reported cases are what testing found and reported, so each morning the day's reported count (the
/// real series scaled to this population, `quotas`) is confirmed from the people testing would find — symptomatic ones
/// from 0–2 days after onset, half of the others by screening, quarantined contacts the day after — earliest first. The
/// transmission rate follows a controller that keeps the people testing will find over the next days at 1.3× the
/// cases to be reported then, so the curve has the real shape while infections come only from contact. Confirmed cases
/// isolate (no more check-ins); their household members are quarantined (F1) for 14 days and tested.
struct Epidemic {
    static let never = Int16.max

    struct Parameters {
        /// Per hour of overlap with one infectious person at a place small enough that everyone meets, before
        /// calibration.
        var venueRatePerHour = 0.001
        /// People a person meets closely at one place: at a larger place the hazard is diluted by the crowd (a
        /// worker of a 10,000-worker factory does not meet them all).
        var closeContacts = 20.0
        var householdRatePerDay = 0.03
        var symptomaticShare = 0.65
        var screenedShare = 0.5
        /// Days ahead the controller looks: most infections of today are found within it.
        var horizon = 10
        var slack = 1.3
        var quarantineDays = 14
        /// Found but not reported within this many days: never reported (the backlog of 2021 lost some).
        var missedAfterDays = 10

        /// The share of infections testing finds: every symptomatic one, `screenedShare` of the others.
        var foundShare: Double { symptomaticShare + (1 - symptomaticShare) * screenedShare }
    }

    let parameters: Parameters
    let quotas: [Int]
    let days: Int
    /// Per venue: dwell seconds (for presences without check-out) and a transmission factor by type.
    let venueDwell: [Double]
    let venueFactor: [Double]
    /// Households are consecutive people: household h is `householdStart[h]..<householdStart[h + 1]`.
    let household: [Int32]
    let householdStart: [Int32]

    // Per person; `never` when not (yet).
    var infectedOn: [Int16]
    var infectiousFrom: [Int16]
    var infectiousUntil: [Int16]
    var onsetOn: [Int16]
    var eligibleOn: [Int16]
    var confirmedOn: [Int16]
    var isolatedFrom: [Int16]
    var isolatedUntil: [Int16]
    /// Who infected the person (−1: seeded or unknown) and where (−1: at home).
    var infector: [Int32]
    var infectedAt: [Int32]

    /// People infected and not yet past their infectious period.
    private var active: [Int32] = []
    /// Found by testing, waiting to be reported.
    private var pending: [Int32] = []
    /// People who become findable on day `d`, at `d + bucketOffset` (entries may be stale: `eligibleOn` decides).
    private var buckets: [[Int32]]
    private let bucketOffset = 16

    private(set) var multiplier = 1.0
    private(set) var confirmed: [[Int32]]
    private(set) var quarantined: [[(person: Int32, source: Int32)]]
    private(set) var infections: [Int]
    private(set) var multipliers: [Double] = []
    private(set) var shortfall = 0
    private(set) var seeded = 0
    let seed: UInt64

    init(model: ProvinceModel, quotas: [Int], days: Int, seed: UInt64, parameters: Parameters = Parameters()) {
        precondition(quotas.count >= days + parameters.horizon)
        self.parameters = parameters
        self.quotas = quotas
        self.days = days
        self.seed = seed
        venueDwell = model.venues.map { Double($0.dwellMinutes * 60) }
        venueFactor = model.venues.map { Self.factor($0.type) }
        household = model.household
        var starts: [Int32] = []
        for i in model.household.indices where i == 0 || model.household[i] != model.household[i - 1] { starts.append(Int32(i)) }
        starts.append(Int32(model.household.count))
        householdStart = starts
        let n = model.age.count
        let none = [Int16](repeating: Self.never, count: n)
        (infectedOn, infectiousFrom, infectiousUntil, onsetOn, eligibleOn, confirmedOn, isolatedFrom, isolatedUntil) =
            (none, none, none, none, none, none, none, none)
        infector = [Int32](repeating: -1, count: n)
        infectedAt = [Int32](repeating: -1, count: n)
        buckets = Array(repeating: [], count: bucketOffset + quotas.count + 40)
        confirmed = Array(repeating: [], count: days)
        quarantined = Array(repeating: [], count: days)
        infections = Array(repeating: 0, count: days)
        seedInfections()
    }

    /// Close, long contact spreads more: food and worship over shops and offices.
    static func factor(_ type: VenueType) -> Double {
        switch type {
        case .restaurant: 1.5
        case .church, .market: 1.2
        case .business, .school, .transport, .hospital: 1.0
        case .agency: 0.6
        default: 0.8
        }
    }

    /// Infections before the first day, spread over the ten days before it, enough for the first days' reports.
    private mutating func seedInfections() {
        var rng = SimRandom(seed: seed).fork(5000)
        let wanted = Int(Double(quotas.prefix(parameters.horizon).reduce(0, +)) * parameters.slack / parameters.foundShare) + 1
        let n = infectedOn.count
        var tries = 0
        while seeded < min(wanted, n / 4) && tries < wanted * 10 {
            tries += 1
            let j = rng.int(0...(n - 1))
            guard infectedOn[j] == Self.never else { continue }
            infect(j, on: -rng.int(1...10), by: -1, at: -1, &rng)
            seeded += 1
        }
        for d in -bucketOffset..<0 { pending += buckets[d + bucketOffset].filter { eligibleOn[Int($0)] == Int16(d) } }
    }

    private mutating func infect(_ j: Int, on day: Int, by source: Int32, at venue: Int32, _ rng: inout SimRandom) {
        let latent = rng.int(2...5)
        let symptomatic = rng.chance(parameters.symptomaticShare)
        infectedOn[j] = Int16(day)
        infectiousFrom[j] = Int16(day + latent - 1)
        infectiousUntil[j] = Int16(day + latent - 1 + rng.int(7...10))
        infector[j] = source
        infectedAt[j] = venue
        var findable: Int?
        if symptomatic {
            onsetOn[j] = Int16(day + latent)
            findable = day + latent + rng.int(0...2)
        } else if rng.chance(parameters.screenedShare) {
            findable = day + latent + rng.int(1...6)
        }
        // A quarantined contact is tested the day after quarantine starts, and again while it lasts.
        if isolatedUntil[j] != Self.never, isolatedUntil[j] > Int16(day) {
            findable = min(findable ?? Int.max, max(day + latent - 1, day + 1))
        }
        if let findable { makeFindable(j, on: findable) }
        active.append(Int32(j))
        if (0..<days).contains(day) { infections[day] += 1 }
    }

    private mutating func makeFindable(_ j: Int, on day: Int) {
        // Already due that day (a contact quarantined again): one entry, or the person would be reported twice.
        guard eligibleOn[j] != Int16(day) else { return }
        eligibleOn[j] = Int16(day)
        let slot = day + bucketOffset
        if buckets.indices.contains(slot) { buckets[slot].append(Int32(j)) }
    }

    func staysHome(_ i: Int, on day: Int) -> Bool {
        isolatedFrom[i] <= Int16(day) && Int16(day) < isolatedUntil[i]
    }

    private func infectious(_ i: Int, on day: Int) -> Bool {
        infectiousFrom[i] <= Int16(day) && Int16(day) < infectiousUntil[i]
    }

    /// The morning: the day's reports, earliest found first; each confirmed person isolates, their household is
    /// quarantined.
    mutating func report(day: Int) {
        let d = Int16(day)
        pending += buckets[day + bucketOffset].filter { eligibleOn[Int($0)] == d && confirmedOn[Int($0)] == Self.never }
        let missedBefore = Int16(day - parameters.missedAfterDays)
        pending.removeAll { confirmedOn[Int($0)] != Self.never || eligibleOn[Int($0)] < missedBefore }
        pending.sort { (eligibleOn[Int($0)], $0) < (eligibleOn[Int($1)], $1) }
        let quota = quotas[day]
        let today = Array(pending.prefix(quota))
        pending.removeFirst(today.count)
        shortfall += quota - today.count
        for person in today {
            let j = Int(person)
            confirmedOn[j] = d
            isolatedFrom[j] = min(isolatedFrom[j] == Self.never ? d : isolatedFrom[j], d)
            isolatedUntil[j] = Self.never
            let h = Int(household[j])
            for m in Int(householdStart[h])..<Int(householdStart[h + 1]) where m != j && confirmedOn[m] == Self.never && !staysHome(m, on: day) {
                isolatedFrom[m] = d
                isolatedUntil[m] = d + Int16(parameters.quarantineDays)
                quarantined[day].append((Int32(m), person))
                if infectedOn[m] != Self.never, infectiousUntil[m] > d, eligibleOn[m] == Self.never || eligibleOn[m] > d + 1 {
                    makeFindable(m, on: max(day + 1, Int(infectiousFrom[m])))
                }
            }
        }
        confirmed[day] = today
    }

    /// The day's contacts: at venues (overlapping presences with an infectious person) and at home.
    mutating func transmit(day: Int, presences p: DayPresences) {
        var rng = SimRandom(seed: seed).fork(6000 + UInt64(day))
        let d = Int16(day)
        // Infectious presences per venue.
        var slot = [Int32: Int32]()
        var sources: [[Int]] = []
        for k in 0..<p.count where infectious(Int(p.person[k]), on: day) {
            let v = p.venue[k]
            if let s = slot[v] {
                sources[Int(s)].append(k)
            } else {
                slot[v] = Int32(sources.count)
                sources.append([k])
            }
        }
        if !sources.isEmpty {
            var venueSlot = [Int32](repeating: -1, count: venueDwell.count)
            for (v, s) in slot { venueSlot[Int(v)] = s }
            var present = [Int32](repeating: 0, count: sources.count)
            for k in 0..<p.count where venueSlot[Int(p.venue[k])] >= 0 { present[Int(venueSlot[Int(p.venue[k])])] += 1 }
            let rate = parameters.venueRatePerHour * multiplier
            for k in 0..<p.count {
                let j = Int(p.person[k])
                let s = venueSlot[Int(p.venue[k])]
                guard s >= 0, infectedOn[j] == Self.never else { continue }
                let v = Int(p.venue[k])
                let start = p.inAt[k], end = p.outAt[k].isNaN ? start + venueDwell[v] : p.outAt[k]
                var seconds = 0.0, longest = 0.0, source: Int32 = -1
                for o in sources[Int(s)] {
                    let oEnd = p.outAt[o].isNaN ? p.inAt[o] + venueDwell[v] : p.outAt[o]
                    let overlap = min(end, oEnd) - max(start, p.inAt[o])
                    guard overlap > 0 else { continue }
                    seconds += overlap
                    if overlap > longest { longest = overlap; source = p.person[o] }
                }
                guard seconds > 0 else { continue }
                let crowd = min(1, parameters.closeContacts / Double(present[Int(s)]))
                if rng.chance(1 - exp(-rate * venueFactor[v] * crowd * seconds / 3600)) { infect(j, on: day, by: source, at: Int32(v), &rng) }
            }
        }
        // At home: measures change behaviour at home less than outside.
        let home = parameters.householdRatePerDay * min(1, multiplier.squareRoot())
        active.removeAll { infectiousUntil[Int($0)] <= d }
        for person in active where infectious(Int(person), on: day) {
            let h = Int(household[Int(person)])
            for m in Int(householdStart[h])..<Int(householdStart[h + 1]) where infectedOn[m] == Self.never {
                if rng.chance(home) { infect(m, on: day, by: person, at: -1, &rng) }
            }
        }
    }

    /// The evening: steers the transmission rate so that today's infections are what the reports about a week from
    /// now need (most infections are found 4–8 days later), corrected by the gap between the people testing will find
    /// over the horizon and the reports due then (times `slack`). Damped, at most ×1.5 or ÷1.5 a day: infections
    /// answer the rate the same day, so the loop settles instead of swinging.
    mutating func calibrate(after day: Int) {
        let found = parameters.foundShare
        let horizon = (day + 1)...(day + parameters.horizon)
        let due = Double(horizon.reduce(0) { $0 + quotas[$1] }) * parameters.slack
        var findable = pending.count
        for k in horizon where buckets.indices.contains(k + bucketOffset) {
            findable += buckets[k + bucketOffset].reduce(0) { $0 + (eligibleOn[Int($1)] == Int16(k) && confirmedOn[Int($1)] == Self.never ? 1 : 0) }
        }
        let base = Double(quotas[min(day + 6, quotas.count - 1)]) * parameters.slack / found
        let gap = (due - Double(findable)) / found / Double(parameters.horizon)
        let wanted = max(0.2 * base, base + gap)
        let today = Double(day < infections.count ? infections[day] : 0)
        let step = (max(wanted, 0.1) / max(today, 0.5)).squareRoot()
        multiplier = min(50, max(0.01, multiplier * min(1.5, max(0.67, step))))
        multipliers.append(multiplier)
    }
}
