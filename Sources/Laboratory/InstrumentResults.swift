import Domain
import Foundation

/// A qualitative SARS-CoV-2 result for one tube (which may hold a pool).
public enum LabOutcome: String, Sendable, Codable, CaseIterable {
    case positive, negative, invalid
}

/// One cycle-threshold value of an RT-PCR run, per gene target.
public struct CtValue: Sendable, Codable, Equatable {
    public let target: String
    public let value: Double

    public init(target: String, value: Double) {
        self.target = target
        self.value = value
    }
}

/// A result read from an instrument's message, before it is matched to a collected tube.
public struct InstrumentResult: Sendable, Equatable {
    public let line: Int
    public let messageControlID: String?
    public let tubeBarcode: String
    public let outcome: LabOutcome
    public let ctValues: [CtValue]
    public let observedAt: Date?
    /// OBX-11 "C": a correction of an earlier result.
    public let corrected: Bool
    /// Who ran the test, where the instrument's file says.
    public var operatorName: String? = nil
}

/// Reads `ORU^R01` messages into results (issue 5's mapping): the tube from SPM-2, else OBR-3, else OBR-2; the
/// outcome from a coded OBX-5 in SNOMED CT (260373001 Detected, 260415000 Not detected, 455371000124106 Invalid)
/// or a text one (Positive/Negative/Dương tính/Âm tính…); Ct values from numeric OBX segments.
public enum ORUReader {
    static let snomed: [String: LabOutcome] = ["260373001": .positive, "260415000": .negative, "455371000124106": .invalid]
    static let words: [String: LabOutcome] = [
        "positive": .positive, "detected": .positive, "duong tinh": .positive, "pos": .positive,
        "negative": .negative, "not detected": .negative, "am tinh": .negative, "neg": .negative,
        "invalid": .invalid, "khong hop le": .invalid,
    ]

    /// A result word, diacritics and case aside, alone or followed by a remark ("Dương tính (xác nhận)"); a
    /// sentence that merely contains one ("negative for influenza, positive for …") is not read as a result.
    static func word(_ text: String) -> LabOutcome? {
        let folded = TextFolding.fold(text)
        if let exact = words[folded] { return exact }
        let head = folded.prefix { $0.isLetter || $0 == " " }.trimmingCharacters(in: .whitespaces)
        return head.count < folded.count ? words[head] : nil
    }

    public static func results(_ text: String) -> [Result<InstrumentResult, HL7Parser.Rejection>] {
        HL7Parser.parse(text).map { parsed in parsed.flatMap(result(of:)) }
    }

    static func result(of message: HL7Message) -> Result<InstrumentResult, HL7Parser.Rejection> {
        func reject(_ line: Int, _ reason: String) -> Result<InstrumentResult, HL7Parser.Rejection> {
            .failure(HL7Parser.Rejection(line: line, reason: reason))
        }
        let msh = message.first("MSH")
        guard message.value(msh, 9, component: 1) == "ORU", message.value(msh, 9, component: 2) == "R01" else {
            return reject(message.line, "not an ORU^R01 message (MSH-9 is \(message.value(msh, 9) ?? "empty"))")
        }
        if let sent = message.value(msh, 7), HL7Parser.timestamp(sent) == nil {
            return reject(message.line, "MSH-7 \(sent) is not an HL7 date/time")
        }
        let spm = message.first("SPM"), obr = message.first("OBR")
        guard let tube = message.value(spm, 2) ?? message.value(obr, 3) ?? message.value(obr, 2) else {
            return reject(message.line, "no specimen id (SPM-2, OBR-3 or OBR-2)")
        }
        var outcome: LabOutcome?
        var cts: [CtValue] = []
        var observed: Date?
        var corrected = false
        if let collected = message.value(obr, 7) {
            guard let date = HL7Parser.timestamp(collected) else { return reject(obr!.line, "OBR-7 \(collected) is not an HL7 date/time") }
            observed = date
        }
        for obx in message.segments("OBX") {
            let type = message.value(obx, 2) ?? ""
            let status = message.value(obx, 11) ?? "F"
            guard status != "P" && status != "I" else { return reject(obx.line, "a preliminary result (OBX-11 \(status)) is not imported") }
            if status == "C" { corrected = true }
            if let time = message.value(obx, 14) {
                guard let date = HL7Parser.timestamp(time) else { return reject(obx.line, "OBX-14 \(time) is not an HL7 date/time") }
                observed = date
            }
            switch type {
            case "NM", "SN":
                guard let text = message.value(obx, 5), let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                    return reject(obx.line, "OBX-5 of a numeric result is not a number")
                }
                cts.append(CtValue(target: message.value(obx, 3, component: 2) ?? message.value(obx, 3) ?? "?", value: value))
            case "CWE", "CE", "CNE", "CF":
                if outcome == nil, let code = message.value(obx, 5) {
                    outcome = snomed[code] ?? word(message.value(obx, 5, component: 2) ?? code)
                    if outcome == nil { return reject(obx.line, "OBX-5 code \(code) is not a known result") }
                }
            case "ST", "TX", "FT":
                if outcome == nil, let text = message.value(obx, 5) {
                    outcome = word(text)
                    if outcome == nil { return reject(obx.line, "OBX-5 \"\(text.prefix(40))\" is not a known result") }
                }
            default:
                continue
            }
        }
        guard let outcome else { return reject(message.line, "no qualitative result (a coded or text OBX)") }
        return .success(InstrumentResult(line: message.line, messageControlID: message.value(msh, 10), tubeBarcode: tube,
                                         outcome: outcome, ctValues: cts, observedAt: observed, corrected: corrected))
    }
}
