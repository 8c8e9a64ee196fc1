import Foundation

/// The symptoms the declaration form asks about (last 14 days).
public enum Symptom: String, CaseIterable, Codable, Sendable {
    case fever, cough, soreThroat = "sore_throat", shortnessOfBreath = "shortness_of_breath", lossOfTasteOrSmell = "loss_of_taste_or_smell"
    case fatigue, other
}

/// Exposures in the last 14 days.
public enum Exposure: String, CaseIterable, Codable, Sendable {
    /// Close contact with a confirmed case (F0) or a close contact (F1).
    case contactWithCase = "contact_with_case"
    /// Visited a place with community transmission.
    case visitedOutbreakArea = "visited_outbreak_area"
    case travelled
}

/// A rule that flags a declaration for a call from the commune health station. Rules are data (bundled JSON), each
/// with the dates it applies and the document that set it, so national guidance changes without a release.
public struct DeclarationRule: Codable, Sendable, Equatable {
    public let id: String
    public let description: String
    public let anySymptom: [Symptom]?
    public let anyExposure: [Exposure]?
    /// With `anySymptom`: that many of those symptoms at least (default 1).
    public let minimumSymptoms: Int?
    public let effectiveFrom: String
    public let effectiveTo: String?
    public let document: String

    /// True when the rule applies on `day` (yyyy-MM-dd) and the declaration meets it.
    public func flags(symptoms: Set<Symptom>, exposures: Set<Exposure>, day: String) -> Bool {
        guard effectiveFrom <= day, effectiveTo.map({ day <= $0 }) ?? true else { return false }
        var met = true
        if let any = anySymptom { met = met && symptoms.intersection(any).count >= (minimumSymptoms ?? 1) }
        if let any = anyExposure { met = met && !exposures.isDisjoint(with: any) }
        return met && (anySymptom != nil || anyExposure != nil)
    }
}
