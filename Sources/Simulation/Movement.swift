import Domain
import Foundation

/// One day's presences: who was where, from when to when (seconds after local midnight). Parallel arrays, because a
/// province day is ~3.7 M of them.
struct DayPresences {
    var person: [Int32] = []
    var venue: [Int32] = []
    var inAt: [Double] = []
    /// The check-out, or NaN when the person did not check out.
    var outAt: [Double] = []

    var count: Int { person.count }

    mutating func removeAll() {
        person.removeAll(keepingCapacity: true)
        venue.removeAll(keepingCapacity: true)
        inAt.removeAll(keepingCapacity: true)
        outAt.removeAll(keepingCapacity: true)
    }
}

/// Where people go on a day: work (Monday–Saturday) or school (Monday–Friday) with a check-out after the shift, and
/// errands — market, food, shops, offices, worship (more on Sundays), health station, bus — mostly in the home commune.
/// The same seed and day give the same movements; people isolated that day stay home (their draws are still made, so
/// everyone else's movements do not depend on who is isolated).
struct Movement {
    let model: ProvinceModel
    let seed: UInt64

    static let errandTypes: [VenueType] = [.market, .restaurant, .other, .agency, .church, .hospital, .transport]
    static let weekday = WeightedChoice([35, 30, 20, 4, 5, 3, 3])
    static let sunday = WeightedChoice([25, 30, 15, 0, 25, 3, 2])

    /// `dow`: 1 = Sunday … 7 = Saturday.
    func presences(day: Int, dow: Int, into out: inout DayPresences, staysHome: (Int) -> Bool) {
        out.removeAll()
        var rng = SimRandom(seed: seed).fork(1000 + UInt64(day))
        func emit(_ person: Int, _ venue: Int32, _ inAt: Double, _ outAt: Double?) {
            guard !staysHome(person) else { return }
            out.person.append(Int32(person))
            out.venue.append(venue)
            out.inAt.append(inAt)
            out.outAt.append(outAt ?? .nan)
        }
        for i in model.age.indices {
            let place = model.placeOfDay[i]
            if place >= 0 {
                let school = (6...17).contains(model.age[i])
                if (school ? (2...6).contains(dow) : dow != 1), rng.chance(school ? 0.95 : 0.9) {
                    let inAt = (school ? 6.75 : 7.0) * 3600 + rng.normal(0, school ? 600 : 1800)
                    let stay = (school ? rng.int(4...8) : rng.int(8...9)) * 3600 + rng.int(0...3600)
                    emit(i, place, inAt, rng.chance(0.9) ? inAt + Double(stay) : nil)
                }
            }
            guard model.age[i] >= 12 else { continue }
            let errands = rng.chance(0.64) ? (rng.chance(0.3) ? 2 : 1) : 0
            for _ in 0..<errands {
                let type = Self.errandTypes[(dow == 1 ? Self.sunday : Self.weekday).pick(&rng)]
                var home = Int(model.commune[i])
                if rng.chance(0.15), let others = model.communesOfDistrict[model.communes[home].district] { home = rng.pick(others) }
                guard let choices = model.errandVenues[home][type], !choices.isEmpty else { continue }
                let venue = rng.pick(choices)
                let inAt = Double(rng.int(6 * 3600...21 * 3600))
                let dwell = Double(model.venues[Int(venue)].dwellMinutes * 60)
                emit(i, venue, inAt, rng.chance(0.7) ? inAt + dwell * (0.3 + rng.unit()) : nil)
            }
        }
    }
}
