import Domain

/// Counts recorded against old codes, re-added under the units of a later vintage.
public struct Reaggregation: Sendable, Equatable {
    /// New code → summed count.
    public var counts: [String: Int]
    /// Old codes whose count cannot be placed in one new unit (split between several, or no successor known),
    /// with their counts: shown beside a report rather than guessed.
    public var unplaced: [String: Int]

    /// `successorsOf(old)` lists each old unit's successors. A unit with exactly one successor moves whole.
    public static func reaggregate(_ counts: [String: Int], successorsOf: (String) -> [AreaSuccession]) -> Reaggregation {
        var result = Reaggregation(counts: [:], unplaced: [:])
        for (old, count) in counts {
            let next = successorsOf(old)
            if next.count == 1 {
                result.counts[next[0].newCode, default: 0] += count
            } else {
                result.unplaced[old, default: 0] += count
            }
        }
        return result
    }
}
