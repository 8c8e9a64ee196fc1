import Foundation

/// What a case is, epidemiologically. Raw values are stored and used in the API; never rename one.
public enum Classification: String, CaseIterable, Codable, Sendable, Comparable {
    /// Confirmed case.
    case f0 = "F0"
    /// Close contact of an F0 in its infectious period.
    case f1 = "F1"
    /// Close contact of an F1.
    case f2 = "F2"
    case suspected

    /// Lower is more serious: F0 < F1 < F2 < suspected. A contact is never downgraded by a later tracing.
    var seriousness: Int {
        switch self {
        case .f0: 0
        case .f1: 1
        case .f2: 2
        case .suspected: 3
        }
    }

    public static func < (a: Classification, b: Classification) -> Bool { a.seriousness < b.seriousness }

    /// Whom tracing from a case of this class finds: F0 → F1, F1 → F2. Nil when tracing does not apply.
    public var contactsAre: Classification? {
        switch self {
        case .f0: .f1
        case .f1: .f2
        case .f2, .suspected: nil
        }
    }
}

public enum Severity: String, CaseIterable, Codable, Sendable { case asymptomatic, mild, moderate, severe, critical }

/// Where an F0 is cared for: at home or at a facility of one of the three treatment tiers.
public enum CarePlace: String, CaseIterable, Codable, Sendable { case home, tier1 = "tier_1", tier2 = "tier_2", tier3 = "tier_3" }

public enum Outcome: String, CaseIterable, Codable, Sendable { case recovered, transferred, died }

/// Where a contact is quarantined.
public enum QuarantineSetting: String, CaseIterable, Codable, Sendable { case home, centralised }

public enum Sex: String, CaseIterable, Codable, Sendable { case male, female, other }

/// The commune health station's progress with a contact.
public enum CaseFollowUp: String, CaseIterable, Codable, Sendable {
    case pending, contacted, unreachable
    case inQuarantine = "in_quarantine"
    case released
}

/// A step the commune health station records on a case.
public enum CaseEventKind: String, CaseIterable, Codable, Sendable {
    case call, unreachable
    case quarantineStart = "quarantine_start"
    case test, release, note
}

/// How long a contact is quarantined, by class, setting and vaccination, from a dated document. Rules are data: a
/// table with effective dates, so changes in national guidance are new rows, not a release.
public struct QuarantineRule: Codable, Sendable, Equatable {
    /// Vaccination status the rule is for. `any` applies unless a rule for the specific status exists.
    public enum Vaccination: String, Codable, Sendable { case any, yes, no }

    public var classification: Classification
    public var setting: QuarantineSetting
    public var vaccinated: Vaccination
    public var days: Int
    public var effectiveFrom: String
    public var effectiveTo: String?
    public var document: String

    public init(classification: Classification, setting: QuarantineSetting, vaccinated: Vaccination, days: Int,
                effectiveFrom: String, effectiveTo: String? = nil, document: String) {
        self.classification = classification
        self.setting = setting
        self.vaccinated = vaccinated
        self.days = days
        self.effectiveFrom = effectiveFrom
        self.effectiveTo = effectiveTo
        self.document = document
    }

    public func applies(on day: String) -> Bool { effectiveFrom <= day && effectiveTo.map { day <= $0 } ?? true }
}

/// A validated set of quarantine rules. Two rules for the same class, setting and vaccination whose dates overlap
/// would make the answer depend on their order, so such a table is refused.
public struct QuarantineRuleTable: Sendable, Equatable {
    public let rules: [QuarantineRule]

    public init(_ rules: [QuarantineRule]) throws {
        var errors: [FieldError] = []
        for (i, rule) in rules.enumerated() {
            let field = "rules[\(i)]"
            if !LocalDay.isValid(rule.effectiveFrom) { errors.append(FieldError(field + ".effectiveFrom", "a day as YYYY-MM-DD")) }
            if let to = rule.effectiveTo, !LocalDay.isValid(to) || to < rule.effectiveFrom {
                errors.append(FieldError(field + ".effectiveTo", "a day as YYYY-MM-DD, not before effectiveFrom"))
            }
            if !(1...60).contains(rule.days) { errors.append(FieldError(field + ".days", "between 1 and 60")) }
            if rule.document.trimmingCharacters(in: .whitespaces).isEmpty { errors.append(FieldError(field + ".document", "the issuing document")) }
            for (j, other) in rules.enumerated().prefix(i)
            where other.classification == rule.classification && other.setting == rule.setting && other.vaccinated == rule.vaccinated {
                let overlaps = rule.effectiveFrom <= (other.effectiveTo ?? "9999-12-31") && other.effectiveFrom <= (rule.effectiveTo ?? "9999-12-31")
                if overlaps { errors.append(FieldError(field, "its dates overlap rules[\(j)] for the same class, setting and vaccination")) }
            }
        }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        self.rules = rules
    }

    /// The rule for a contact starting quarantine on `day`: the one for its exact vaccination status if any, else the
    /// `any` rule. Nil when no rule covers the day (the planned end is then entered by hand).
    public func rule(for classification: Classification, setting: QuarantineSetting, vaccinated: Bool?, on day: String) -> QuarantineRule? {
        let candidates = rules.filter { $0.classification == classification && $0.setting == setting && $0.applies(on: day) }
        if let vaccinated, let specific = candidates.first(where: { $0.vaccinated == (vaccinated ? .yes : .no) }) { return specific }
        return candidates.first { $0.vaccinated == .any }
    }

    /// The last day of quarantine (inclusive) for a start on `start`, with the rule that set it.
    public func plannedEnd(for classification: Classification, setting: QuarantineSetting, vaccinated: Bool?, start: String)
        -> (end: String, rule: QuarantineRule)?
    {
        guard let rule = rule(for: classification, setting: setting, vaccinated: vaccinated, on: start),
              let end = LocalDay.adding(rule.days - 1, to: start) else { return nil }
        return (end, rule)
    }
}
