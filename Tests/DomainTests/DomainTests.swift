import Foundation
import Domain
import Testing

@Suite struct TextFoldingTests {
    @Test(arguments: [
        ("Nguyễn Văn An", "nguyen van an"),
        ("ĐỒNG NAI", "dong nai"),
        ("  Phường   Trảng Dài ", "phuong trang dai"),
        ("Xã Xuân Tâm", "xa xuan tam"),
    ])
    func foldsDiacriticsCaseAndSpaces(input: String, expected: String) {
        #expect(TextFolding.fold(input) == expected)
    }
}

@Suite struct CSVTests {
    @Test func readsQuotedFieldsCRLFAndBOM() throws {
        let text = "\u{FEFF}a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n2,\"multi\nline\",z\r\n"
        let records = try CSV.parse(text)
        #expect(records.map(\.fields) == [["a", "b", "c"], ["1", "x, y", "say \"hi\""], ["2", "multi\nline", "z"]])
        #expect(records.map(\.line) == [1, 2, 3])
    }

    @Test func reportsUnclosedQuoteAndStrayQuote() {
        #expect(throws: CSV.Malformed.self) { try CSV.parse("a,\"b\n") }
        #expect(throws: CSV.Malformed.self) { try CSV.parse("a,b\"c\n") }
    }

    @Test func tableNamesMissingColumnsAndShortRows() throws {
        #expect(throws: CSV.Malformed(line: 1, reason: "missing column(s): c")) {
            try CSV.table("a,b\n1,2\n", required: ["a", "c"])
        }
        #expect(throws: CSV.Malformed(line: 3, reason: "expected 2 fields, found 1")) {
            try CSV.table("a,b\n1,2\n3\n", required: ["a"])
        }
    }
}

@Suite struct RoleTests {
    @Test func adminMayDoEverythingAndLeaderOnlyRead() {
        #expect(Permission.allCases.allSatisfy(Role.admin.may))
        #expect(Role.leader.may(.readDashboards))
        #expect(!Role.leader.may(.manageAccounts))
        #expect(!Role.venueOperator.may(.readPersons))
    }

    @Test func onlyAdminsManageAccountsOrReadTheAuditLog() {
        for role in Role.allCases where role != .admin {
            #expect(!role.may(.manageAccounts), "\(role)")
            #expect(!role.may(.readAudit), "\(role)")
        }
    }

    @Test func everyRoleHasAStableRawValue() {
        #expect(Role.allCases.map(\.rawValue) == [
            "admin", "epidemiologist", "district_officer", "commune_officer", "sampler", "lab", "vaccinator",
            "facility_manager", "venue_operator", "leader", "checkpoint_officer",
        ])
    }
}

@Suite struct AreaCodeTests {
    @Test func levelFollowsLength() {
        #expect(AreaCode.level(of: "75") == .province)
        #expect(AreaCode.level(of: "731") == .district)
        #expect(AreaCode.level(of: "25993") == .commune)
        #expect(AreaCode.level(of: "7a1") == nil)
        #expect(AreaCode.level(of: "7311") == nil)
        #expect(AreaCode.level(of: "' OR 1=1") == nil)
    }
}

@Suite struct ValidatorTests {
    @Test func collectsEveryError() {
        var v = Validator()
        v.require(false, "a", "bad a")
        v.require(true, "b", "fine")
        v.require(false, "c", "bad c")
        #expect(throws: ValidationFailure([FieldError("a", "bad a"), FieldError("c", "bad c")])) { try v.check() }
    }
}

/// The integer fast path of the local day and clock against Foundation's calendar in Asia/Ho_Chi_Minh.
@Suite struct LocalClockTests {
    static func calendarText(_ instant: Date) -> (day: String, clock: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        let day = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        return (day, day + String(format: " %02d:%02d", c.hour!, c.minute!))
    }

    @Test func theFastPathAgreesWithTheCalendar() {
        var generator = SystemRandomNumberGenerator()
        var instants: [TimeInterval] = (0..<20_000).map { _ in Double.random(in: -2_208_988_800...7_258_118_400, using: &generator) }
        // Local midnights and the minutes around them, leap days, year ends, the start of the fixed offset.
        for day in stride(from: 189_302_400.0 - 86_400 * 3, to: 4_102_444_800, by: 86_400 * 97) {
            instants += [day - 25_200, day - 25_200 - 0.5, day - 25_200 + 59.9, day - 1, day]
        }
        instants += [951_782_400 - 25_200, 951_868_800 - 25_200, 1_709_164_800 - 25_200, 4_107_542_400 - 25_200]
        for t in instants {
            let instant = Date(timeIntervalSince1970: t)
            let expected = Self.calendarText(instant)
            #expect(LocalDay.string(instant) == expected.day, "\(t)")
            #expect(LocalDay.clock(instant) == expected.clock, "\(t)")
        }
    }
}
