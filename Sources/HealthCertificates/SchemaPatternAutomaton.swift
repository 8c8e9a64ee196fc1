/// A position automaton (Glushkov) for a `SchemaPattern` of at most 64 character positions, run as bit masks: one
/// pass over the text, no backtracking, no closures. The schema's patterns are checked on every field of every
/// certificate verified; the backtracking matcher cost about a third of the schema check (docs/performance.md).
/// Anchors are supported only at the very start and end of the pattern (as the DCC schema writes them); any other
/// pattern gets no automaton and is matched by backtracking.
struct SchemaPatternAutomaton: Sendable {
    /// Each position's character class.
    private var classes: [SchemaPattern.Node] = []
    /// Positions that may follow each position.
    private var follow: [UInt64] = []
    private var first: UInt64 = 0
    private var last: UInt64 = 0
    private var nullable = false
    private var anchoredStart = false
    private var anchoredEnd = false
    /// The positions each ASCII character matches (non-ASCII scalars are classified when met).
    private var ascii: [UInt64] = []

    private struct Fragment { var nullable: Bool; var first: UInt64; var last: UInt64 }
    private struct TooLarge: Error {}

    init?(_ root: SchemaPattern.Node) {
        var body = root
        if case .sequence(var nodes) = root {
            if case .start? = nodes.first { anchoredStart = true; nodes.removeFirst() }
            if case .end? = nodes.last { anchoredEnd = true; nodes.removeLast() }
            body = .sequence(nodes)
        }
        guard let fragment = try? build(body) else { return nil }
        first = fragment.first
        last = fragment.last
        nullable = fragment.nullable
        ascii = (0..<128).map { c in mask(of: UInt32(c)) }
    }

    private mutating func build(_ node: SchemaPattern.Node) throws -> Fragment {
        switch node {
        case .scalar, .set, .any:
            guard classes.count < 64 else { throw TooLarge() }
            let bit: UInt64 = 1 << UInt64(classes.count)
            classes.append(node)
            follow.append(0)
            return Fragment(nullable: false, first: bit, last: bit)
        case .start, .end:
            throw TooLarge()  // an anchor inside the pattern: left to the backtracking matcher
        case .sequence(let nodes):
            var result = Fragment(nullable: true, first: 0, last: 0)
            for node in nodes { result = concatenate(result, try build(node)) }
            return result
        case .alternation(let options):
            var result = Fragment(nullable: false, first: 0, last: 0)
            for option in options {
                let f = try build(option)
                result = Fragment(nullable: result.nullable || f.nullable, first: result.first | f.first, last: result.last | f.last)
            }
            return result
        case .repetition(let inner, let min, let max):
            // x{2,4} = x x (x (x)?)? and x{2,} = x x x*: each copy gets positions of its own.
            var result = Fragment(nullable: true, first: 0, last: 0)
            for _ in 0..<min { result = concatenate(result, try build(inner)) }
            if let max {
                var optional: [Fragment] = []
                for _ in min..<max { optional.append(try build(inner)) }
                // Nested optionals from the innermost outwards: (x (x)?)?
                var tail: Fragment?
                for f in optional.reversed() {
                    let piece = tail.map { concatenate(f, $0) } ?? f
                    tail = Fragment(nullable: true, first: piece.first, last: piece.last)
                }
                if let tail { result = concatenate(result, tail) }
            } else {
                let f = try build(inner)
                link(from: f.last, to: f.first)
                result = concatenate(result, Fragment(nullable: true, first: f.first, last: f.last))
            }
            return result
        }
    }

    private mutating func concatenate(_ a: Fragment, _ b: Fragment) -> Fragment {
        link(from: a.last, to: b.first)
        return Fragment(nullable: a.nullable && b.nullable, first: a.nullable ? a.first | b.first : a.first,
                        last: b.nullable ? a.last | b.last : b.last)
    }

    private mutating func link(from positions: UInt64, to next: UInt64) {
        var rest = positions
        while rest != 0 {
            follow[rest.trailingZeroBitCount] |= next
            rest &= rest - 1
        }
    }

    private func mask(of scalar: UInt32) -> UInt64 {
        var mask: UInt64 = 0
        for (position, node) in classes.enumerated() where SchemaPattern.accepts(node, scalar) { mask |= 1 << UInt64(position) }
        return mask
    }

    /// Search semantics, as `SchemaPattern.matches`: a match anywhere unless anchored.
    func matches(_ text: String) -> Bool {
        if nullable, !(anchoredStart && anchoredEnd) { return true }
        var state: UInt64 = 0
        var atStart = true
        for scalar in text.unicodeScalars {
            var next: UInt64 = atStart || !anchoredStart ? first : 0
            var active = state
            while active != 0 {
                next |= follow[active.trailingZeroBitCount]
                active &= active - 1
            }
            next &= scalar.value < 128 ? ascii[Int(scalar.value)] : mask(of: scalar.value)
            if !anchoredEnd, next & last != 0 { return true }
            if next == 0, anchoredStart { return false }
            state = next
            atStart = false
        }
        return atStart ? nullable : (anchoredEnd && state & last != 0)
    }
}
