import Foundation
@testable import Laboratory
import Testing

/// Instrument and LIS exports as CSV: read the way a lab would fill them in, and checked against files written by
/// Python's csv module (quoting, separators, line ends we did not write ourselves).
@Suite struct InstrumentCSVTests {
    @Test func readsAnExportWithCtColumnsTimesAndCorrections() throws {
        let text = """
            \u{FEFF}Mã ống,Kết quả,Ct_E,Ct_N,Ct_RdRp,Thời gian,Kỹ thuật viên,Status
            TUBE-1,Dương tính,22.5,"24,1",undetermined,12/08/2021 15:30,KTV Hà,
            TUBE-2,Âm tính,,,-,2021-08-12 16:00:05,,
            TUBE-3,260373001,30,,,2021-08-12T09:00:00Z,,C
            TUBE-4,positive,abc,,,,,
            ,negative,,,,,,
            TUBE-6,maybe,,,,,,
            TUBE-7,negative,,,,31/02/2021 10:00,,

            """
        let results = InstrumentCSV.results(text)
        #expect(results.count == 7)
        let first = try results[0].get()
        #expect(first.tubeBarcode == "TUBE-1" && first.outcome == .positive && first.line == 2)
        #expect(first.ctValues == [CtValue(target: "E", value: 22.5), CtValue(target: "N", value: 24.1)])
        #expect(first.observedAt == ISO8601DateFormatter().date(from: "2021-08-12T08:30:00Z"), "Vietnam time, UTC+7")
        #expect(first.operatorName == "KTV Hà" && !first.corrected)
        let second = try results[1].get()
        #expect(second.outcome == .negative && second.ctValues.isEmpty && second.observedAt == ISO8601DateFormatter().date(from: "2021-08-12T09:00:05Z"))
        let third = try results[2].get()
        #expect(third.outcome == .positive && third.corrected && third.observedAt == ISO8601DateFormatter().date(from: "2021-08-12T09:00:00Z"))
        let refusals = results[3...].map { result -> String in
            guard case .failure(let rejection) = result else { return "accepted" }
            return "\(rejection.line): \(rejection.reason)"
        }
        #expect(refusals == ["5: Ct E \"abc\" is not a number", "6: no tube barcode", "7: \"maybe\" is not a known result",
                             "8: 31/02/2021 10:00 is not a date and time"])
    }

    @Test func aFileWithoutTheColumnsIsRefusedAsAWhole() {
        for text in ["tube,ct_e\nT-1,20\n", "", "result\npositive\n", "tube,result\n\"T-1,positive\n"] {
            let results = InstrumentCSV.results(text)
            #expect(results.count == 1)
            if case .success = results[0] { Issue.record("accepted \(text)") }
        }
        #expect(InstrumentCSV.looksLikeCSV("tube,result\n") && !InstrumentCSV.looksLikeCSV("\u{FEFF}\r\nMSH|^~\\&|"))
    }

    /// Python's csv module writes the file — with `;` as a Vietnamese-locale spreadsheet does, CRLF line ends,
    /// quotes around fields holding the separator, a quote or a line break — and we read back what it was given.
    @Test(arguments: [",", ";"])
    func agreesWithPythonsCSVWriter(separator: String) throws {
        let rows: [[String]] = (0..<200).map { index in
            let outcome = ["Positive", "Âm tính", "Not detected", "455371000124106"][index % 4]
            return ["T;\(index),\"x\"", outcome, index % 3 == 0 ? "" : String(format: "%.2f", 15 + Double(index % 25) * 0.73),
                    "2021-09-\(String(format: "%02d", index % 28 + 1)) 0\(index % 10):1\(index % 6)", "Nguyễn \"Bé\"\nca \(index % 2)"]
        }
        let header = ["tube_barcode", "result", "ct_ORF1ab", "resulted_at", "operator"]
        let json = try JSONSerialization.data(withJSONObject: [header] + rows)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import csv, json, sys
            rows = json.load(sys.stdin)
            w = csv.writer(sys.stdout, delimiter=sys.argv[1], lineterminator="\\r\\n", quoting=csv.QUOTE_MINIMAL)
            w.writerows(rows)
            """, separator]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(json)
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0 && !text.isEmpty)

        let results = InstrumentCSV.results(text)
        #expect(results.count == rows.count)
        let expected: [String: LabOutcome] = ["Positive": .positive, "Âm tính": .negative, "Not detected": .negative, "455371000124106": .invalid]
        for (row, result) in zip(rows, results) {
            let read = try result.get()
            #expect(read.tubeBarcode == row[0] && read.outcome == expected[row[1]] && read.operatorName == row[4])
            #expect(read.ctValues.map(\.value) == (row[2].isEmpty ? [] : [Double(row[2])!]) && read.ctValues.allSatisfy { $0.target == "ORF1ab" })
            #expect(read.observedAt != nil)
        }
    }
}
