/// A small, fast, deterministic generator (SplitMix64): the same seed gives the same province, byte for byte.
/// Each phase derives its own stream (`fork`), so changing one phase does not shift the others.
public struct SimRandom: Sendable, RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An independent stream for a named purpose.
    public func fork(_ purpose: UInt64) -> SimRandom {
        var copy = SimRandom(seed: state ^ (purpose &* 0xD6E8_FEB8_6659_FD93))
        _ = copy.next()
        return copy
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Uniform in `range` (inclusive).
    public mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }

    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Normal(mean, sd), by Box–Muller.
    public mutating func normal(_ mean: Double, _ sd: Double) -> Double {
        let u = max(unit(), 1e-12), v = unit()
        return mean + sd * (-2 * _log(u)).squareRoot() * _cos(2 * Double.pi * v)
    }

    public mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
}

/// Picks by weight in O(log n), from cumulative weights.
public struct WeightedChoice: Sendable {
    let cumulative: [Double]

    public init(_ weights: [Double]) {
        var total = 0.0
        cumulative = weights.map { total += max(0, $0); return total }
    }

    public func pick(_ rng: inout SimRandom) -> Int {
        let target = rng.unit() * (cumulative.last ?? 0)
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > target { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

import Foundation
@inline(__always) func _log(_ x: Double) -> Double { Foundation.log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { Foundation.cos(x) }
