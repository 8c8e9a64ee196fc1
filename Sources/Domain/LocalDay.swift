import Foundation

/// A local calendar day, `yyyy-MM-dd`, as the epidemic calendar counts (Asia/Ho_Chi_Minh).
public enum LocalDay {
    public static let timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!

    static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// Vietnam has kept UTC+7 without daylight saving since 1976-01-01 (before, the south used other offsets): from
    /// then on the day and clock are computed with integers, on hot paths (every check-in counted, every exported row)
    /// where Foundation's calendar costs microseconds; earlier instants go through the calendar.
    static let fixedOffsetSince: TimeInterval = 189_302_400  // 1976-01-01T00:00:00Z
    static let offset = 7 * 3600

    public static func string(_ instant: Date) -> String {
        if let fields = fields(instant) { return text(fields, clock: false) }
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// Local date and time to the minute, as people read it: "2021-08-12 15:30".
    public static func clock(_ instant: Date) -> String {
        if let fields = fields(instant) { return text(fields, clock: true) }
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }

    typealias Fields = (year: Int, month: Int, day: Int, hour: Int, minute: Int)

    /// The civil date and time at UTC+7 (days-to-civil after H. Hinnant), nil before 1976 or beyond year 9999.
    static func fields(_ instant: Date) -> Fields? {
        let t = instant.timeIntervalSince1970
        guard t >= fixedOffsetSince, t < 253_402_300_800 else { return nil }
        let seconds = Int(t.rounded(.down)) + offset
        let ofDay = seconds % 86_400
        let date = CivilDate(daysSince1970: seconds / 86_400)
        return (date.year, date.month, date.day, ofDay / 3600, ofDay % 3600 / 60)
    }

    static func text(_ f: Fields, clock: Bool) -> String {
        var bytes = [UInt8](repeating: UInt8(ascii: "0"), count: clock ? 16 : 10)
        func put(_ value: Int, at index: Int, width: Int) {
            var v = value
            for k in stride(from: index + width - 1, through: index, by: -1) {
                bytes[k] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            }
        }
        put(f.year, at: 0, width: 4)
        bytes[4] = UInt8(ascii: "-")
        put(f.month, at: 5, width: 2)
        bytes[7] = UInt8(ascii: "-")
        put(f.day, at: 8, width: 2)
        if clock {
            bytes[10] = UInt8(ascii: " ")
            put(f.hour, at: 11, width: 2)
            bytes[13] = UInt8(ascii: ":")
            put(f.minute, at: 14, width: 2)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The instant a local day starts, or nil when `day` is not a real `yyyy-MM-dd` date.
    public static func start(_ day: String) -> Date? {
        let parts = day.split(separator: "-", omittingEmptySubsequences: false)
        guard day.count == 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              let date = calendar.date(from: DateComponents(year: y, month: m, day: d)),
              string(date) == day
        else { return nil }
        return date
    }

    public static func isValid(_ day: String) -> Bool { start(day) != nil }

    /// `day` moved by `days` (negative for earlier).
    public static func adding(_ days: Int, to day: String) -> String? {
        guard let start = start(day), let moved = calendar.date(byAdding: .day, value: days, to: start) else { return nil }
        return string(moved)
    }
}

/// A proleptic Gregorian date from a count of days since 1970-01-01 (H. Hinnant's days-to-civil), for the hot paths
/// that format millions of instants.
public struct CivilDate: Equatable, Sendable {
    public let year: Int
    public let month: Int
    public let day: Int

    public init(daysSince1970 days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }
}
