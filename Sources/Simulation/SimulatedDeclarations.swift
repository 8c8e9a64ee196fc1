import Domain
import Foundation
import Storage

/// Citizens' health declarations of a simulated day, flagged by the same rules as a real submission: people with
/// symptoms in the first days of their illness declare them, quarantined contacts declare the contact, and a few per
/// cent of everyone else declare as workplaces and markets asked them to (mostly nothing, now and then a cold).
struct SimulatedDeclarations {
    let rules: [DeclarationRule]
    static let columns = ["client_id", "person_id", "commune_code", "submitted_at", "report_day", "symptoms", "exposures", "flag_reasons", "follow_up"]
    /// The client ids of simulated declarations: a UUID whose first group marks them, then the day and a number, so
    /// a day interrupted half-way is found and removed.
    static let marker = "5e5e5e5e-"

    static func clientID(day: Int, _ n: Int) -> String {
        marker + Simulator.pad(day, 4) + "-4000-8000-" + Simulator.pad(n, 12)
    }

    /// The first client id of a day (everything of that day and later sorts at or after it).
    static func firstClientID(day: Int) -> String { clientID(day: day, 0) }

    func rows(day: Int, dayName: String, midnight: Date, model: ProvinceModel, epidemic: Epidemic, personBase: Int64, seed: UInt64) -> [[BulkValue]] {
        var rng = SimRandom(seed: seed).fork(7000 + UInt64(day))
        let colds: [Symptom] = [.soreThroat, .cough, .other, .fatigue]
        let illness: [Symptom] = [.fever, .cough, .soreThroat, .fatigue, .lossOfTasteOrSmell, .shortnessOfBreath]
        var rows: [[BulkValue]] = []
        let d = Int16(day)
        for i in model.age.indices where model.age[i] >= 12 {
            var symptoms: Set<Symptom> = []
            var exposures: Set<Exposure> = []
            let ill = epidemic.onsetOn[i] <= d && d - epidemic.onsetOn[i] < 3 && epidemic.confirmedOn[i] > d
            let quarantined = epidemic.staysHome(i, on: day) && epidemic.confirmedOn[i] > d
            if ill, rng.chance(0.4) {
                for _ in 0...rng.int(0...2) { symptoms.insert(rng.pick(illness)) }
            } else if quarantined, rng.chance(0.3) {
                exposures.insert(.contactWithCase)
            } else if rng.chance(0.02) {
                if rng.chance(0.03) { symptoms.insert(rng.pick(colds)) }
            } else {
                continue
            }
            let reasons = rules.filter { $0.flags(symptoms: symptoms, exposures: exposures, day: dayName) }.map(\.id)
            let at = midnight.addingTimeInterval(Double(rng.int(6 * 3600...22 * 3600)))
            rows.append([.text(Self.clientID(day: day, rows.count)), .int(personBase + Int64(i)), .text(model.communes[Int(model.commune[i])].code),
                         .instant(at), .text(dayName), .text(symptoms.map(\.rawValue).sorted().joined(separator: ",")),
                         .text(exposures.map(\.rawValue).sorted().joined(separator: ",")), .text(reasons.joined(separator: ",")),
                         .text(reasons.isEmpty ? "none" : "pending")])
        }
        return rows
    }
}
