/// The regular-expression subset the DCC schema's `pattern`s use (ECMA-262 semantics: `$` is the very end), compiled
/// once and matched by backtracking over Unicode scalars: anchors `^ $`, `.`, `\d`, escaped literals, classes `[A-Z<]`,
/// groups with `|`, and the quantifiers `* + ? {n} {n,} {n,m}`. Anything else is refused when the schema loads.
/// (NSRegularExpression cost ~2 µs per field on Linux, more than the rest of the schema check.)
public struct SchemaPattern: Sendable {
    indirect enum Node: Sendable {
        case scalar(ClosedRange<UInt32>)
        case set([ClosedRange<UInt32>], negated: Bool)
        case any
        case start
        case end
        case sequence([Node])
        case alternation([Node])
        case repetition(Node, min: Int, max: Int?)
    }

    public struct Unsupported: Error, CustomStringConvertible {
        let pattern: String
        let reason: String
        public var description: String { "pattern \(pattern): \(reason)" }
    }

    let root: Node
    let source: String
    /// Every alternative starts with `^`: only a match from the first character can succeed.
    let anchored: Bool
    /// The one-pass matcher, for every pattern it can take (all of the DCC schema's); nil means backtracking.
    let automaton: SchemaPatternAutomaton?

    public init(_ pattern: String) throws {
        source = pattern
        var parser = Parser(scalars: Array(pattern.unicodeScalars), pattern: pattern)
        root = try parser.alternation()
        guard parser.index == parser.scalars.count else { throw Unsupported(pattern: pattern, reason: "unbalanced parenthesis") }
        anchored = Self.startsAnchored(root)
        automaton = SchemaPatternAutomaton(root)
    }

    private static func startsAnchored(_ node: Node) -> Bool {
        switch node {
        case .start: return true
        case .sequence(let nodes): return nodes.first.map(startsAnchored) ?? false
        case .alternation(let options): return options.allSatisfy(startsAnchored)
        default: return false
        }
    }

    /// Search semantics, as JSON Schema's `pattern` (a match anywhere unless anchored).
    public func matches(_ text: String) -> Bool {
        automaton?.matches(text) ?? backtrackingMatches(text)
    }

    /// The same answer by backtracking: for patterns the automaton does not take, and as its reference in tests.
    func backtrackingMatches(_ text: String) -> Bool {
        var scalars: [UInt32] = []
        scalars.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars { scalars.append(scalar.value) }
        for start in 0...(anchored ? 0 : scalars.count) where Self.match(root, scalars, start, { _ in true }) { return true }
        return false
    }

    /// Whether a one-character node (`scalar`, `set`, `any`) accepts `scalar`; false for every other node.
    static func accepts(_ node: Node, _ scalar: UInt32) -> Bool {
        switch node {
        case .scalar(let range): return range.contains(scalar)
        case .set(let ranges, let negated): return ranges.contains { $0.contains(scalar) } != negated
        case .any: return scalar != 10 && scalar != 13
        default: return false
        }
    }

    private static func match(_ node: Node, _ s: [UInt32], _ i: Int, _ next: (Int) -> Bool) -> Bool {
        switch node {
        case .scalar, .set, .any: return i < s.count && accepts(node, s[i]) && next(i + 1)
        case .start: return i == 0 && next(i)
        case .end: return i == s.count && next(i)
        case .sequence(let nodes): return sequence(nodes[...], s, i, next)
        case .alternation(let options): return options.contains { match($0, s, i, next) }
        case .repetition(let inner, let min, let max): return repeatMatch(inner, min, max, 0, s, i, next)
        }
    }

    private static func sequence(_ nodes: ArraySlice<Node>, _ s: [UInt32], _ i: Int, _ next: (Int) -> Bool) -> Bool {
        guard let first = nodes.first else { return next(i) }
        return match(first, s, i) { sequence(nodes.dropFirst(), s, $0, next) }
    }

    /// Greedy: one more repetition first, then stop (never loops on an empty match).
    private static func repeatMatch(_ inner: Node, _ min: Int, _ max: Int?, _ count: Int, _ s: [UInt32], _ i: Int,
                                    _ next: (Int) -> Bool) -> Bool {
        if max.map({ count < $0 }) ?? true,
           match(inner, s, i, { j in j != i && repeatMatch(inner, min, max, count + 1, s, j, next) }) {
            return true
        }
        return count >= min && next(i)
    }

    struct Parser {
        let scalars: [Unicode.Scalar]
        let pattern: String
        var index = 0

        func fail(_ reason: String) -> Unsupported { Unsupported(pattern: pattern, reason: reason) }
        var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

        mutating func alternation() throws -> Node {
            var options = [try sequence()]
            while peek == "|" { index += 1; options.append(try sequence()) }
            return options.count == 1 ? options[0] : .alternation(options)
        }

        mutating func sequence() throws -> Node {
            var nodes: [Node] = []
            while let c = peek, c != "|", c != ")" {
                var atom = try self.atom()
                atom = try quantified(atom)
                nodes.append(atom)
            }
            return .sequence(nodes)
        }

        mutating func atom() throws -> Node {
            let c = scalars[index]
            index += 1
            switch c {
            case "^": return .start
            case "$": return .end
            case ".": return .any
            case "(":
                if peek == "?" { throw fail("group modifiers are not supported") }
                let inner = try alternation()
                guard peek == ")" else { throw fail("missing )") }
                index += 1
                return inner
            case "[": return try characterClass()
            case "\\": return try escape()
            case "*", "+", "?", "{", ")", "]", "}": throw fail("unexpected \(c)")
            default: return .scalar(c.value...c.value)
            }
        }

        mutating func escape() throws -> Node {
            guard let c = peek else { throw fail("trailing backslash") }
            index += 1
            switch c {
            case "d": return .set([48...57], negated: false)
            case ".", "\\", "-", "+", "*", "?", "(", ")", "[", "]", "{", "}", "|", "^", "$", "/": return .scalar(c.value...c.value)
            default: throw fail("escape \\\(c) is not supported")
            }
        }

        mutating func characterClass() throws -> Node {
            var negated = false
            if peek == "^" { negated = true; index += 1 }
            var ranges: [ClosedRange<UInt32>] = []
            while let c = peek, c != "]" {
                index += 1
                var low = c.value
                if c == "\\" {
                    guard let e = peek else { throw fail("trailing backslash") }
                    index += 1
                    if e == "d" { ranges.append(48...57); continue }
                    low = e.value
                }
                if peek == "-", index + 1 < scalars.count, scalars[index + 1] != "]" {
                    let high = scalars[index + 1].value
                    index += 2
                    guard low <= high else { throw fail("reversed range") }
                    ranges.append(low...high)
                } else {
                    ranges.append(low...low)
                }
            }
            guard peek == "]" else { throw fail("missing ]") }
            index += 1
            return .set(ranges, negated: negated)
        }

        mutating func quantified(_ atom: Node) throws -> Node {
            guard let c = peek else { return atom }
            switch c {
            case "*": index += 1; return .repetition(atom, min: 0, max: nil)
            case "+": index += 1; return .repetition(atom, min: 1, max: nil)
            case "?": index += 1; return .repetition(atom, min: 0, max: 1)
            case "{":
                index += 1
                let min = number()
                guard let min else { throw fail("{ without a count") }
                var max: Int? = min
                if peek == "," { index += 1; max = number() }
                guard peek == "}" else { throw fail("missing }") }
                index += 1
                if let max, max < min { throw fail("{\(min),\(max)}") }
                return .repetition(atom, min: min, max: max)
            default: return atom
            }
        }

        mutating func number() -> Int? {
            var value: Int?
            while let c = peek, ("0"..."9").contains(c) {
                value = (value ?? 0) * 10 + Int(c.value - 48)
                index += 1
            }
            return value
        }
    }
}
