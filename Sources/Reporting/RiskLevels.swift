import Accounts
import Domain
import Foundation
import Geography
import SQLKit
import Storage

/// A unit's population as used for rates: an official figure when one is loaded, else an even share of its
/// parent's figure, marked as an estimate.
public struct PopulationFigureUsed: Codable, Sendable, Equatable {
    public let population: Int64
    public let year: Int
    public let source: String
    public let estimated: Bool
}

/// The level officials announced for a unit, recorded beside the computed one.
public struct AnnouncedLevel: Codable, Sendable, Equatable {
    public let id: Int64
    public let areaCode: String
    public let level: Int
    public let from: String
    public let to: String?
    public let document: String
}

/// The level of one unit on one day, with the inputs that produced it.
public struct RiskAssessment: Codable, Sendable, Equatable {
    public let areaCode: String
    public let name: String
    public let areaLevel: AreaLevel
    public let day: String
    /// nil when no rule set was in force that day, or the population is unknown (`reason` says which).
    public let level: Int?
    public let ruleSet: String?
    public let document: String?
    public let measure: String?
    public let windowFrom: String?
    public let windowTo: String?
    public let cases: Int64
    public let population: PopulationFigureUsed?
    /// Cases per `perPopulation` people over the window.
    public let rate: Double?
    public let perPopulation: Double?
    public let reason: String?
    public var announced: AnnouncedLevel?
}

/// New announced level, as an officer records it.
public struct NewAnnouncedLevel: Codable, Sendable, Equatable {
    public var areaCode: String
    public var level: Int
    public var from: String
    public var to: String?
    public var document: String

    public init(areaCode: String, level: Int, from: String, to: String? = nil, document: String) {
        self.areaCode = areaCode
        self.level = level
        self.from = from
        self.to = to
        self.document = document
    }
}

/// Epidemic levels per commune, district and province for any day, computed from the daily counts by the rule set in
/// force that day; announced levels kept beside them.
public struct RiskLevels: Sendable {
    let database: Database
    let statistics: Statistics
    let areas: AreaStore
    public let rules: RiskRuleTable
    let gate: AccessGate

    public init(database: Database, areas: AreaStore, rules: RiskRuleTable) {
        self.database = database
        self.areas = areas
        self.statistics = Statistics(database: database, areas: areas)
        self.rules = rules
        self.gate = AccessGate(database: database)
    }

    /// The area and each unit one level below it, on `day`.
    public func assess(area code: String, day: String, for principal: Principal, trace: RequestTrace) async throws -> [RiskAssessment] {
        guard LocalDay.isValid(day) else { throw ValidationFailure([FieldError("date", "a day as YYYY-MM-DD")]) }
        let unit = try await statistics.area(code, for: principal, trace: trace)
        let all = try await assessments(under: unit, day: day)
        let children = unit.level == .commune ? [] : try await areas.children(of: unit.code, vintage: Statistics.vintage).sorted { $0.code < $1.code }
        return ([unit] + children).compactMap { all[$0.code] }
    }

    /// Every unit under `unit` (itself, its districts and communes) on `day`, with announced levels.
    public func assessments(under unit: AreaUnit, day: String) async throws -> [String: RiskAssessment] {
        let communes = try await statistics.communes(under: unit)
        var units = [unit]
        if unit.level == .province { units += try await areas.children(of: unit.code, vintage: Statistics.vintage) }
        if unit.level != .commune { units += communes }
        let ruleSet = rules.ruleSet(on: day)
        var cases: [String: Int64] = [:]
        var windowFrom: String?
        if let ruleSet, let from = LocalDay.adding(-(ruleSet.windowDays - 1), to: day), let measure = Measure(rawValue: ruleSet.measure) {
            windowFrom = from
            let counts = try await statistics.counts([measure], area: unit.code, from: from, to: day, byCommune: true)[measure] ?? [:]
            cases = try await statistics.rolledUp(counts, communes: communes)
        }
        let announced = try await announcedLevels(units.map(\.code), on: day)
        var result: [String: RiskAssessment] = [:]
        for u in units {
            let population = try await population(of: u)
            let n = cases[u.code] ?? 0
            var level: Int?
            var rate: Double?
            var reason: String?
            if let ruleSet {
                if let population, population.population > 0 {
                    rate = Double(n) / Double(population.population) * ruleSet.perPopulation
                    level = ruleSet.level(forRate: rate!)
                } else {
                    reason = "no population figure"
                }
            } else {
                reason = "no rule set in force on \(day)"
            }
            result[u.code] = RiskAssessment(
                areaCode: u.code, name: u.name, areaLevel: u.level, day: day, level: level, ruleSet: ruleSet?.id, document: ruleSet?.document,
                measure: ruleSet?.measure, windowFrom: windowFrom, windowTo: ruleSet == nil ? nil : day, cases: n, population: population, rate: rate,
                perPopulation: ruleSet?.perPopulation, reason: reason, announced: announced[u.code])
        }
        return result
    }

    /// One unit's computed and announced level for each day of a range (at most 92 days).
    public func history(area code: String, from: String, to: String, for principal: Principal, trace: RequestTrace) async throws -> [RiskAssessment] {
        let days = Statistics.daysBetween(from, to)
        guard LocalDay.isValid(from), LocalDay.isValid(to), !days.isEmpty, days.count <= 92 else {
            throw ValidationFailure([FieldError("to", "a range of 1 to 92 days")])
        }
        let unit = try await statistics.area(code, for: principal, trace: trace)
        var history: [RiskAssessment] = []
        for day in days {
            if let a = try await assessments(only: unit, day: day) { history.append(a) }
        }
        return history
    }

    func assessments(only unit: AreaUnit, day: String) async throws -> RiskAssessment? {
        try await assessments(under: unit, day: day)[unit.code]
    }

    // MARK: Announced levels

    public func announce(_ new: NewAnnouncedLevel, by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws -> AnnouncedLevel {
        var v = Validator()
        v.require((1...4).contains(new.level), "level", "1 to 4")
        v.require(LocalDay.isValid(new.from), "from", "a day as YYYY-MM-DD")
        v.require(new.to.map { LocalDay.isValid($0) && $0 >= new.from } ?? true, "to", "a day on or after from")
        v.require(!new.document.trimmingCharacters(in: .whitespaces).isEmpty && new.document.count <= 300, "document",
                  "the announcing document (number and date), at most 300 characters")
        try v.check()
        guard try await areas.unit(code: new.areaCode, vintage: Statistics.vintage) != nil else { throw AreaNotFound(code: new.areaCode) }
        try await gate.require(principal, .announceRiskLevels, area: new.areaCode, entity: "risk_level", entityID: nil, trace: trace)
        return try await database.write { db in
            let row = try await db.raw("""
                INSERT INTO announced_risk_levels (area_code, level, from_day, to_day, document, recorded_by, recorded_at)
                VALUES (\(bind: new.areaCode), \(bind: new.level), \(bind: new.from), \(bind: new.to), \(bind: new.document),
                        \(bind: principal.accountID), \(bind: now))
                RETURNING id
                """).first()!
            let id = try row.decode(column: "id", as: Int64.self)
            try await AuditLog.append(AuditEntry(principal: principal, action: "announce:\(new.level)", entity: "risk_level", entityID: String(id),
                                                 areaCode: new.areaCode, context: trace), on: db)
            return AnnouncedLevel(id: id, areaCode: new.areaCode, level: new.level, from: new.from, to: new.to, document: new.document)
        }
    }

    /// The announcement in force on `day` for each unit: the latest recorded one covering the day.
    func announcedLevels(_ codes: [String], on day: String) async throws -> [String: AnnouncedLevel] {
        guard !codes.isEmpty else { return [:] }
        let rows = try await database.read { db in
            try await db.raw("""
                SELECT id, area_code, level, from_day, to_day, document FROM announced_risk_levels
                WHERE area_code IN (\(binds: codes)) AND from_day <= \(bind: day) AND (to_day IS NULL OR to_day >= \(bind: day))
                ORDER BY from_day, id
                """).all()
        }
        var result: [String: AnnouncedLevel] = [:]
        for row in rows {
            let a = AnnouncedLevel(id: try row.decode(column: "id", as: Int64.self), areaCode: try row.decode(column: "area_code", as: String.self),
                                   level: try row.decode(column: "level", as: Int.self), from: try row.decode(column: "from_day", as: String.self),
                                   to: try row.decode(column: "to_day", as: String?.self), document: try row.decode(column: "document", as: String.self))
            result[a.areaCode] = a   // later rows win
        }
        return result
    }

    // MARK: Population

    public func population(of unit: AreaUnit) async throws -> PopulationFigureUsed? {
        if let figure = try await areas.population(of: unit.code).first {
            return PopulationFigureUsed(population: figure.population, year: figure.year, source: figure.source,
                                        estimated: figure.source.hasPrefix("Ước tính"))
        }
        guard let parentCode = unit.parentCode, let parent = try await areas.unit(code: parentCode, vintage: Statistics.vintage),
              let parentFigure = try await population(of: parent) else { return nil }
        let siblings = try await areas.children(of: parentCode, vintage: Statistics.vintage).count
        guard siblings > 0 else { return nil }
        return PopulationFigureUsed(population: parentFigure.population / Int64(siblings), year: parentFigure.year,
                                    source: "Ước tính: dân số \(parent.name) chia đều cho \(siblings) đơn vị", estimated: true)
    }
}
