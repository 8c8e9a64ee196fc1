import Domain
import Foundation
import Storage

/// One dated rule set: the measure it reads, over how many days, per how many people, and the bands of levels.
public struct RiskRuleSet: Codable, Sendable, Equatable {
    public struct Band: Codable, Sendable, Equatable {
        /// The band holds rates below this; the last band has none.
        public let below: Double?
        public let level: Int
        public init(below: Double?, level: Int) {
            self.below = below
            self.level = level
        }
    }

    public let id: String
    public let document: String
    public let from: String
    /// Last day in force; nil while in force.
    public let to: String?
    public let measure: String
    public let windowDays: Int
    public let perPopulation: Double
    public let bands: [Band]
    public let notes: String

    public init(id: String, document: String, from: String, to: String?, measure: String, windowDays: Int, perPopulation: Double,
                bands: [Band], notes: String) {
        self.id = id
        self.document = document
        self.from = from
        self.to = to
        self.measure = measure
        self.windowDays = windowDays
        self.perPopulation = perPopulation
        self.bands = bands
        self.notes = notes
    }

    public func covers(_ day: String) -> Bool { from <= day && (to.map { day <= $0 } ?? true) }

    public func level(forRate rate: Double) -> Int {
        bands.first { band in band.below.map { rate < $0 } ?? true }?.level ?? bands.last?.level ?? 0
    }
}

public struct RiskLevelName: Codable, Sendable, Equatable {
    public let level: Int
    public let vi: String
    public let en: String
    public let color: String

    public init(level: Int, vi: String, en: String, color: String) {
        self.level = level
        self.vi = vi
        self.en = en
        self.color = color
    }
}

/// The rule sets in force over time. Overlapping periods, unknown measures and unordered bands are refused at load.
public struct RiskRuleTable: Sendable, Equatable {
    public let ruleSets: [RiskRuleSet]
    public let levels: [RiskLevelName]

    struct File: Codable { let ruleSets: [RiskRuleSet]; let levels: [RiskLevelName] }

    public init(ruleSets: [RiskRuleSet], levels: [RiskLevelName]) throws {
        var errors: [FieldError] = []
        let sorted = ruleSets.sorted { $0.from < $1.from }
        for (i, set) in sorted.enumerated() {
            let path = "ruleSets[\(set.id)]"
            if !LocalDay.isValid(set.from) || !(set.to.map(LocalDay.isValid) ?? true) { errors.append(FieldError(path, "from/to must be days")) }
            if let to = set.to, to < set.from { errors.append(FieldError(path, "ends before it starts")) }
            if Measure(rawValue: set.measure) == nil { errors.append(FieldError(path, "unknown measure \(set.measure)")) }
            if set.windowDays < 1 || set.windowDays > 28 || set.perPopulation <= 0 { errors.append(FieldError(path, "window 1–28 days, population > 0")) }
            let limits = set.bands.compactMap(\.below)
            if set.bands.isEmpty || set.bands.last?.below != nil || limits != limits.sorted() || limits.count != set.bands.count - 1 {
                errors.append(FieldError(path, "bands must rise and end with an open band"))
            }
            if set.bands.contains(where: { level in !levels.contains { $0.level == level.level } }) {
                errors.append(FieldError(path, "a band names a level without a name"))
            }
            if set.document.trimmingCharacters(in: .whitespaces).isEmpty { errors.append(FieldError(path, "the issuing document is required")) }
            if i > 0, set.from <= sorted[i - 1].to ?? "9999-12-31" {
                errors.append(FieldError(path, "overlaps \(sorted[i - 1].id) (in force until \(sorted[i - 1].to ?? "now"))"))
            }
        }
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        self.ruleSets = sorted
        self.levels = levels
    }

    public static func decode(_ data: Data) throws -> RiskRuleTable {
        let file = try JSONDecoder().decode(File.self, from: data)
        return try RiskRuleTable(ruleSets: file.ruleSets, levels: file.levels)
    }

    public static func bundled() throws -> RiskRuleTable { try decode(try ReportingResources.data("risk-rules", "json")) }

    public func ruleSet(on day: String) -> RiskRuleSet? { ruleSets.first { $0.covers(day) } }

    public func name(of level: Int) -> RiskLevelName? { levels.first { $0.level == level } }
}
