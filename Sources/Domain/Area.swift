/// The level of an administrative unit. Before July 2025 Viet Nam had three tiers; after, two.
public enum AreaLevel: String, CaseIterable, Codable, Sendable, Comparable {
    case province
    case district
    case commune

    var depth: Int {
        switch self {
        case .province: 0
        case .district: 1
        case .commune: 2
        }
    }

    public static func < (lhs: AreaLevel, rhs: AreaLevel) -> Bool { lhs.depth < rhs.depth }
}

/// One administrative unit in one vintage of the hierarchy (e.g. commune 25993 in the 2021 list).
public struct AreaUnit: Sendable, Equatable, Codable {
    public let vintage: String
    public let code: String
    public let name: String
    /// The unit's type as GSO names it: "Tỉnh", "Thành phố", "Huyện", "Phường", "Xã", "Thị trấn"…
    public let type: String
    public let level: AreaLevel
    public let parentCode: String?

    public init(vintage: String, code: String, name: String, type: String, level: AreaLevel, parentCode: String?) {
        self.vintage = vintage
        self.code = code
        self.name = name
        self.type = type
        self.level = level
        self.parentCode = parentCode
    }
}

/// A population figure for a unit, with where it came from.
public struct PopulationFigure: Sendable, Equatable, Codable {
    public let areaCode: String
    public let year: Int
    public let population: Int64
    public let source: String

    public init(areaCode: String, year: Int, population: Int64, source: String) {
        self.areaCode = areaCode
        self.year = year
        self.population = population
        self.source = source
    }
}

/// A 2021 unit's successor after the July 2025 reorganisation. A split commune has two.
public struct AreaSuccession: Sendable, Equatable, Codable {
    public let oldCode: String
    public let newCode: String
    /// "Nhập toàn bộ" (whole), "Nhập một phần" (part), "Giữ nguyên" (unchanged).
    public let note: String

    public init(oldCode: String, newCode: String, note: String) {
        self.oldCode = oldCode
        self.newCode = newCode
        self.note = note
    }

    /// True when only part of the old unit went into the new one.
    public var isPartial: Bool { note.lowercased().contains("một phần") }
}

/// GSO codes: 2 digits for a province, 3 for a district, 5 for a commune. The length is the level.
public enum AreaCode {
    public static func isWellFormed(_ code: String) -> Bool {
        [2, 3, 5].contains(code.count) && code.allSatisfy { $0.isASCII && $0.isNumber }
    }

    public static func level(of code: String) -> AreaLevel? {
        guard isWellFormed(code) else { return nil }
        switch code.count {
        case 2: return .province
        case 3: return .district
        default: return .commune
        }
    }
}
