import Foundation
@testable import Laboratory
import Testing

@Suite struct HL7Tests {
    /// An RT-PCR analyser's ORU^R01 (segments as LIS exports them, CR-separated): pooled tube, detected, three Ct values.
    static let detected = [
        "MSH|^~\\&|COBAS6800|CDC-DONGNAI|SENTINEL|SYT-DN|20210812153000+0700||ORU^R01^ORU_R01|MSG0001|P|2.5.1",
        "PID|1||075187000001^^^VN^NI||Nguyễn^Văn An||19870309|M",
        "OBR|1|ORD-1|TUBE-000123|94500-6^SARS-CoV-2 RNA^LN|||20210812080000+0700",
        "OBX|1|CWE|94500-6^SARS-CoV-2 RNA Resp Ql NAA+probe^LN||260373001^Detected^SCT||||||F|||20210812150000+0700",
        "OBX|2|NM|94509-7^E gene Ct^LN||24.31|{Ct}|||||F",
        "OBX|3|NM|94510-5^N gene Ct^LN||26.8|{Ct}|||||F",
        "SPM|1|TUBE-000123&LAB^TUBE-000123&LAB||258500001^Nasopharyngeal swab^SCT",
    ].joined(separator: "\r")

    @Test func readsADetectedPooledTube() throws {
        let results = ORUReader.results(Self.detected)
        #expect(results.count == 1)
        let result = try results[0].get()
        #expect(result.tubeBarcode == "TUBE-000123")
        #expect(result.outcome == .positive)
        #expect(result.ctValues == [CtValue(target: "E gene Ct", value: 24.31), CtValue(target: "N gene Ct", value: 26.8)])
        #expect(result.messageControlID == "MSG0001")
        #expect(result.observedAt == ISO8601DateFormatter().date(from: "2021-08-12T08:00:00Z"))
        #expect(!result.corrected)
    }

    /// A batch (FHS/BHS) of three messages with LF line ends: text results in Vietnamese, the tube only in OBR-3 or
    /// OBR-2, escape sequences, a custom field separator in one message; one message is broken and is the only one
    /// rejected, with its line.
    @Test func aBatchKeepsTheGoodMessagesAndNamesTheLineOfTheBadOne() throws {
        let batch = [
            "FHS|^~\\&|LAB", "BHS|^~\\&|LAB",
            "MSH|^~\\&|LAB|CDC||SYT|20210812||ORU^R01|M1|P|2.5",
            "OBR|1||TUBE\\F\\7", "OBX|1|ST|94500-6^SARS-CoV-2^LN||Âm tính||||||F",
            "MSH|^~\\&|LAB|CDC||SYT|202108121530||ORU^R01|M2|P|2.5",
            "OBR|1|ORD-9", "OBX|1|ST|94500-6^SARS-CoV-2^LN||Dương tính\\.br\\(xác nhận)||||||C",
            "MSH|^~\\&|LAB|CDC||SYT|20211345||ORU^R01|M3|P|2.5",
            "OBR|1||TUBE-9", "OBX|1|ST|x||Negative||||||F",
            "MSH#^~\\&#LAB#CDC##SYT#20210812##ORU^R01#M4#P#2.5",
            "OBR#1##TUBE-10", "OBX#1#CWE#x##455371000124106^Invalid^SCT######F",
            "BTS|4", "FTS|1",
        ].joined(separator: "\n")
        let results = ORUReader.results(batch)
        #expect(results.count == 4)
        #expect(try results[0].get().tubeBarcode == "TUBE|7")
        #expect(try results[0].get().outcome == .negative)
        #expect(try results[1].get().tubeBarcode == "ORD-9")
        #expect(try results[1].get().corrected)
        #expect(try results[1].get().outcome == .positive)  // "Dương tính" followed by a remark on a new line
        guard case .failure(let bad) = results[2] else { Issue.record("M3's month 13 was accepted"); return }
        #expect(bad.line == 9 && bad.reason.contains("MSH-7"))
        #expect(try results[3].get().outcome == .invalid)
        #expect(try results[3].get().tubeBarcode == "TUBE-10")
    }

    @Test func malformedMessagesAreRejectedWithTheirLine() {
        let cases: [(String, Int, String)] = [
            ("PID|1||x\rOBR|1||T1\rOBX|1|ST|x||Negative", 1, "MSH"),
            ("MSH|^~\\&|LAB|CDC||SYT|20210812||ORU^R01|M1|P|2.5\rOB|1||T1", 2, "segment name"),
            ("MSHA^~\\&|LAB", 1, "separators"),
            ("MSH|^~|", 1, "truncated"),
            ("MSH|^~\\&|LAB|CDC||SYT|20210812||ADT^A01|M1|P|2.5\rOBR|1||T1", 1, "ORU^R01"),
            ("MSH|^~\\&|LAB|CDC||SYT|20210812||ORU^R01|M1|P|2.5\rOBR|1||T1\rOBX|1|ST|x||maybe||||||F", 3, "not a known result"),
            ("MSH|^~\\&|LAB|CDC||SYT|20210812||ORU^R01|M1|P|2.5\rOBR|1||T1\rOBX|1|NM|x||abc||||||F", 3, "not a number"),
            ("MSH|^~\\&|LAB|CDC||SYT|20210812||ORU^R01|M1|P|2.5\rOBR|1||T1\rOBX|1|ST|x||Negative||||||F|||2021-08-12", 3, "OBX-14"),
            ("MSH|^~\\&|LAB|CDC||SYT|20210812||ORU^R01|M1|P|2.5\rOBR|1\rOBX|1|ST|x||Negative||||||F", 1, "specimen id"),
            ("MSH|^~\\&|LAB|CDC||SYT|20210812||ORU^R01|M1|P|2.5\rOBR|1||T1\rOBX|1|ST|x||Negative||||||P", 3, "preliminary"),
            ("MSH|^~\\&|LAB|CDC||SYT|20210812||ORU^R01|M1|P|2.5\rOBR|1||T1", 1, "no qualitative result"),
        ]
        for (text, line, reason) in cases {
            let results = ORUReader.results(text)
            guard results.count == 1, case .failure(let rejection) = results[0] else {
                Issue.record("accepted: \(text.prefix(60))"); continue
            }
            #expect(rejection.line == line, "\(text.prefix(60))")
            #expect(rejection.reason.contains(reason), "\(rejection.reason)")
        }
    }

    @Test func resultWords() {
        let cases: [(String, LabOutcome?)] = [
            ("Âm tính", .negative), ("DƯƠNG TÍNH", .positive), ("Not detected", .negative), ("Dương tính (xác nhận)", .positive),
            ("negative for influenza, positive for SARS-CoV-2", nil), ("positive?", .positive), ("maybe", nil), ("", nil),
        ]
        for (text, expected) in cases {
            let message = "MSH|^~\\&|L|C||S|20210812||ORU^R01|M|P|2.5\rOBR|1||T\rOBX|1|ST|x||\(text)||||||F"
            let result = try? ORUReader.results(message).first?.get()
            #expect(result?.outcome == expected, "\(text)")
        }
    }

    @Test func timestamps() {
        let utc = ISO8601DateFormatter()
        #expect(HL7Parser.timestamp("20210812153000+0700") == utc.date(from: "2021-08-12T08:30:00Z"))
        #expect(HL7Parser.timestamp("202108121530") == utc.date(from: "2021-08-12T08:30:00Z"))  // lab local time
        #expect(HL7Parser.timestamp("20210812") == utc.date(from: "2021-08-11T17:00:00Z"))
        #expect(HL7Parser.timestamp("20210812153000.25-0100")!.timeIntervalSince(utc.date(from: "2021-08-12T16:30:00Z")!) == 0.25)
        for bad in ["2021081", "20211301", "20210230", "20210812256000", "2021-08-12", "20210812+07", "abc", ""] {
            #expect(HL7Parser.timestamp(bad) == nil, "\(bad)")
        }
    }

    @Test func escapes() throws {
        let message = try #require(try HL7Parser.parse("MSH|^~\\&|A\rNTE|1||a\\S\\b\\T\\c\\R\\d\\E\\e\\X4869\\f\\H\\g\\N\\").first?.get())
        #expect(message.value(message.first("NTE"), 3) == "a^b&c~d\\eHifg")
    }
}

/// Random ORU^R01 messages read by our reader and by python-hl7 (which we did not write) give the same tube, the
/// same coded/text value and the same Ct values.
@Suite struct HL7CrossCheckTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Independent/read_oru.py").path

    @Test func agreesWithPythonHL7() throws {
        let ci = ProcessInfo.processInfo.environment["CI"] != nil
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import hl7"]
        try probe.run()
        probe.waitUntilExit()
        try #require(probe.terminationStatus == 0 || ci, "python-hl7 is not installed")

        var random = SystemRandomNumberGenerator()
        let codes: [(String, LabOutcome)] = [("260373001^Detected^SCT", .positive), ("260415000^Not detected^SCT", .negative),
                                             ("455371000124106^Invalid^SCT", .invalid)]
        var messages: [String] = []
        var expected: [(tube: String, outcome: LabOutcome, cts: [Double])] = []
        for index in 0..<60 {
            let tube = "T\(Int.random(in: 100_000...999_999, using: &random))"
            let (code, outcome) = codes.randomElement(using: &random)!
            let cts = (0..<Int.random(in: 0...3, using: &random)).map { _ in (Double(Int.random(in: 1500...4000, using: &random)) / 100) }
            var segments = ["MSH|^~\\&|LAB|CDC||SYT|20210812153000||ORU^R01|M\(index)|P|2.5", "PID|1||0751\(index)"]
            switch index % 3 {
            case 0: segments += ["OBR|1|ORD\(index)|X\(index)", "SPM|1|\(tube)&LAB^F\(index)"]
            case 1: segments += ["OBR|1|ORD\(index)|\(tube)"]
            default: segments += ["OBR|1|\(tube)"]
            }
            segments.append(index % 2 == 0 ? "OBX|1|CWE|94500-6^SARS-CoV-2^LN||\(code)||||||F"
                                            : "OBX|1|ST|94500-6^SARS-CoV-2^LN||\(["positive", "negative", "invalid"][LabOutcome.allCases.firstIndex(of: outcome)!])||||||F")
            for (n, ct) in cts.enumerated() { segments.append("OBX|\(n + 2)|NM|9450\(n)-7^Gene \(n) Ct^LN||\(ct)|{Ct}|||||F") }
            messages.append(segments.joined(separator: "\r"))
            expected.append((tube, outcome, cts))
        }
        let input = try JSONSerialization.data(withJSONObject: messages)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let theirs = try #require(try JSONSerialization.jsonObject(with: output) as? [[String: Any]])
        #expect(theirs.count == messages.count)
        for (index, message) in messages.enumerated() {
            let ours = try ORUReader.results(message)[0].get()
            #expect(ours.tubeBarcode == theirs[index]["tube"] as? String, "message \(index)")
            #expect(ours.tubeBarcode == expected[index].tube)
            #expect(ours.outcome == expected[index].outcome)
            let value = theirs[index]["value"] as? String ?? ""
            #expect(ORUReader.snomed[value] == ours.outcome || ORUReader.word(value) == ours.outcome, "message \(index): \(value)")
            #expect(ours.ctValues.map(\.value) == (theirs[index]["numbers"] as? [Double]), "message \(index)")
        }
    }
}

@Suite struct PercentileTests {
    /// Nearest rank, checked against sorting by hand.
    @Test func nearestRank() {
        #expect(LabStore.percentile([], 0.5) == nil)
        #expect(LabStore.percentile([7], 0.9) == 7)
        #expect(LabStore.percentile((1...10).map(Double.init), 0.5) == 5)
        #expect(LabStore.percentile((1...10).map(Double.init), 0.9) == 9)
        #expect(LabStore.percentile((1...11).map(Double.init), 0.9) == 10)
        for _ in 0..<100 {
            let values = (0..<Int.random(in: 1...50)).map { _ in Double.random(in: 0...72) }.sorted()
            let p90 = LabStore.percentile(values, 0.9)!
            // At least 90 % of the values are at or below it, and fewer than 90 % strictly below.
            #expect(Double(values.filter { $0 <= p90 }.count) >= 0.9 * Double(values.count))
            #expect(Double(values.filter { $0 < p90 }.count) < 0.9 * Double(values.count))
        }
    }
}
