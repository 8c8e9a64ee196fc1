import Domain
import Foundation

/// Instrument or LIS exports as CSV, one tube per row, read into the same results as HL7 messages so both go
/// through one import. The header names the columns (case, spaces and Vietnamese diacritics aside):
///
///     tube_barcode | tube | barcode | sample_id | specimen_id | ma_ong | ma_mau     required
///     result | outcome | ket_qua                                                     required: Positive/Negative/Invalid,
///                                                                                    Dương tính/Âm tính, or a SNOMED CT code
///     ct_<target> (ct_E, ct_N, ct_RdRp…)                                             optional, numbers (28.5 or 28,5);
///                                                                                    empty, "-", "undetermined" = no value
///     resulted_at | result_time | thoi_gian                                          optional: ISO 8601, YYYY-MM-DD HH:MM[:SS],
///                                                                                    DD/MM/YYYY HH:MM[:SS] (Vietnam time),
///                                                                                    or an HL7 timestamp
///     operator | ky_thuat_vien                                                       optional
///     status | corrected                                                             optional: C, 1, yes, true, có = a
///                                                                                    correction of an earlier result
///
/// Commas or semicolons separate the fields (a spreadsheet saved under a Vietnamese locale writes `;`). A bad row is
/// refused with its line number; the other rows are kept.
public enum InstrumentCSV {
    static let tubeNames: Set<String> = ["tube_barcode", "tube", "barcode", "sample_id", "specimen_id", "ma_ong", "ma_mau"]
    static let resultNames: Set<String> = ["result", "outcome", "ket_qua"]
    static let timeNames: Set<String> = ["resulted_at", "result_time", "thoi_gian"]
    static let operatorNames: Set<String> = ["operator", "ky_thuat_vien"]
    static let correctedNames: Set<String> = ["status", "corrected"]
    static let noValue: Set<String> = ["", "-", "undetermined", "undet", "n/a", "na", "khong xac dinh"]

    /// Whether a text looks like this format rather than HL7 (whose first segment is MSH).
    public static func looksLikeCSV(_ text: String) -> Bool {
        let start = text.drop { $0 == "\u{FEFF}" || $0.isWhitespace }
        return !start.hasPrefix("MSH")
    }

    static func column(_ header: String) -> String {
        TextFolding.fold(header).replacingOccurrences(of: " ", with: "_")
    }

    public static func results(_ text: String) -> [Result<InstrumentResult, HL7Parser.Rejection>] {
        let records: [CSVRecord]
        do { records = try CSV.parse(text, separator: CSV.separator(of: text)) } catch let malformed as CSV.Malformed {
            return [.failure(HL7Parser.Rejection(line: malformed.line, reason: malformed.reason))]
        } catch {
            return [.failure(HL7Parser.Rejection(line: 1, reason: "unreadable CSV"))]
        }
        let rows = records.filter { !$0.fields.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
        guard let header = rows.first else { return [.failure(HL7Parser.Rejection(line: 1, reason: "empty file"))] }
        let names = header.fields.map(column)
        func index(_ set: Set<String>) -> Int? { names.firstIndex(where: set.contains) }
        guard let tubeAt = index(tubeNames), let resultAt = index(resultNames) else {
            return [.failure(HL7Parser.Rejection(line: header.line, reason: "the header needs a tube column (tube_barcode) and a result column (result)"))]
        }
        let timeAt = index(timeNames), operatorAt = index(operatorNames), correctedAt = index(correctedNames)
        let cts = names.enumerated().compactMap { offset, name -> (Int, String)? in
            name.hasPrefix("ct_") && name.count > 3 ? (offset, String(header.fields[offset].trimmingCharacters(in: .whitespaces).dropFirst(3))) : nil
        }
        return rows.dropFirst().map { row in result(row, tubeAt: tubeAt, resultAt: resultAt, timeAt: timeAt, operatorAt: operatorAt,
                                                    correctedAt: correctedAt, cts: cts) }
    }

    static func result(_ row: CSVRecord, tubeAt: Int, resultAt: Int, timeAt: Int?, operatorAt: Int?, correctedAt: Int?,
                       cts: [(Int, String)]) -> Result<InstrumentResult, HL7Parser.Rejection> {
        func cell(_ index: Int?) -> String {
            guard let index, index < row.fields.count else { return "" }
            return row.fields[index].trimmingCharacters(in: .whitespaces)
        }
        func reject(_ reason: String) -> Result<InstrumentResult, HL7Parser.Rejection> {
            .failure(HL7Parser.Rejection(line: row.line, reason: reason))
        }
        let tube = cell(tubeAt)
        guard !tube.isEmpty else { return reject("no tube barcode") }
        let word = cell(resultAt)
        guard let outcome = ORUReader.snomed[word] ?? ORUReader.word(word) else { return reject("\"\(word.prefix(40))\" is not a known result") }
        var values: [CtValue] = []
        for (index, target) in cts {
            let text = cell(index)
            if noValue.contains(TextFolding.fold(text)) { continue }
            guard let value = Double(text.replacingOccurrences(of: ",", with: ".")), value.isFinite else {
                return reject("Ct \(target) \"\(text.prefix(20))\" is not a number")
            }
            values.append(CtValue(target: target, value: value))
        }
        var observed: Date?
        let time = cell(timeAt)
        if !time.isEmpty {
            guard let date = timestamp(time) else { return reject("\(time.prefix(30)) is not a date and time") }
            observed = date
        }
        let corrected = ["c", "1", "yes", "true", "co", "corrected"].contains(TextFolding.fold(cell(correctedAt)))
        let who = cell(operatorAt)
        var result = InstrumentResult(line: row.line, messageControlID: nil, tubeBarcode: tube, outcome: outcome, ctValues: values,
                                      observedAt: observed, corrected: corrected)
        result.operatorName = who.isEmpty ? nil : String(who.prefix(100))
        return .success(result)
    }

    /// ISO 8601 with a zone; `YYYY-MM-DD HH:MM[:SS]` or `DD/MM/YYYY HH:MM[:SS]` in Vietnam time; an HL7 timestamp.
    static func timestamp(_ text: String) -> Date? {
        let iso = ISO8601DateFormatter()
        if let date = iso.date(from: text) { return date }
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = iso.date(from: text) { return date }
        let numbers = text.split { !$0.isNumber }.map(String.init)
        guard numbers.count == 5 || numbers.count == 6, numbers.allSatisfy({ $0.count <= 4 }) else {
            return text.allSatisfy(\.isNumber) ? HL7Parser.timestamp(text) : nil
        }
        let n = numbers.compactMap(Int.init)
        let (year, month, day) = numbers[0].count == 4 ? (n[0], n[1], n[2]) : (n[2], n[1], n[0])
        guard (1900...2200).contains(year), (1...12).contains(month), (1...31).contains(day), n[3] < 24, n[4] < 60,
              n.count == 5 || n[5] < 60 else { return nil }
        var parts = DateComponents(year: year, month: month, day: day, hour: n[3], minute: n[4], second: n.count == 6 ? n[5] : 0)
        parts.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = parts.timeZone!
        guard let date = calendar.date(from: parts), calendar.component(.day, from: date) == day else { return nil }
        return date
    }
}
