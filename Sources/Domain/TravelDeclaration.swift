import Foundation

/// Which way a vehicle crosses the province's road checkpoint.
public enum TravelDirection: String, CaseIterable, Codable, Sendable {
    /// Coming into the province: the destination is one of its communes.
    case entering
    /// Going out: the origin is one of its communes.
    case leaving
    /// Passing through: both ends lie outside.
    case transit
}

public enum VehicleType: String, CaseIterable, Codable, Sendable {
    case car, truck, coach, motorbike, other
}

/// What the traveller shows about testing at the checkpoint (2021: a negative result within 72 h was asked for).
public enum TravelTestStatus: String, CaseIterable, Codable, Sendable {
    case none
    case rapidNegative = "rapid_negative"
    case pcrNegative = "pcr_negative"
}

/// Vietnamese number plates as the police write them: two digits of the registering province, a series of one or two
/// letters (a motorbike's series carries a digit or letter more), then four or five digits — "60A-123.45",
/// "51F12345", "59-X1 234.56". Stored without separators, shown with them.
public enum VehiclePlate {
    /// The plate in capitals without spaces, dots or dashes, or nil when it is not a Vietnamese plate.
    public static func normalised(_ raw: String) -> String? {
        let s = raw.uppercased().filter { !$0.isWhitespace && $0 != "-" && $0 != "." }
        let chars = Array(s)
        guard (7...10).contains(chars.count), chars.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        guard chars[0].isNumber, chars[1].isNumber, chars[2].isLetter else { return nil }
        // The series: letters, then at most one further character; the rest is the 4–5 digit number.
        var i = 3
        while i < chars.count, chars[i].isLetter, i < 4 { i += 1 }
        let digits = chars[i...]
        let number: ArraySlice<Character>
        if digits.count >= 6, digits.allSatisfy(\.isNumber) {
            number = digits.dropFirst()  // a digit of the series (motorbike "59X1…") before the number
        } else {
            number = digits
        }
        guard (4...5).contains(number.count), number.allSatisfy(\.isNumber) else { return nil }
        return s
    }

    /// "60A12345" → "60A-123.45"; "60A1234" → "60A-1234".
    public static func display(_ plate: String) -> String {
        let chars = Array(plate)
        guard chars.count >= 7 else { return plate }
        let numberLength = chars.suffix(5).allSatisfy(\.isNumber) && chars.count - 5 >= 3 ? 5 : 4
        let series = String(chars.dropLast(numberLength)), number = String(chars.suffix(numberLength))
        return series + "-" + (numberLength == 5 ? number.prefix(3) + "." + number.suffix(2) : number)
    }
}

/// Viet Nam's 63 provinces and centrally-run cities with their GSO codes (Decision 124/2004/QĐ-TTg, as listed until
/// the reorganisation of 1 July 2025). Road checkpoints name the other province a vehicle comes from or goes to.
public enum Provinces {
    public struct Province: Sendable, Equatable {
        public let code: String
        public let name: String
    }

    public static let vietnam2021: [Province] = [
        ("01", "Thành phố Hà Nội"), ("02", "Tỉnh Hà Giang"), ("04", "Tỉnh Cao Bằng"), ("06", "Tỉnh Bắc Kạn"), ("08", "Tỉnh Tuyên Quang"),
        ("10", "Tỉnh Lào Cai"), ("11", "Tỉnh Điện Biên"), ("12", "Tỉnh Lai Châu"), ("14", "Tỉnh Sơn La"), ("15", "Tỉnh Yên Bái"),
        ("17", "Tỉnh Hoà Bình"), ("19", "Tỉnh Thái Nguyên"), ("20", "Tỉnh Lạng Sơn"), ("22", "Tỉnh Quảng Ninh"), ("24", "Tỉnh Bắc Giang"),
        ("25", "Tỉnh Phú Thọ"), ("26", "Tỉnh Vĩnh Phúc"), ("27", "Tỉnh Bắc Ninh"), ("30", "Tỉnh Hải Dương"), ("31", "Thành phố Hải Phòng"),
        ("33", "Tỉnh Hưng Yên"), ("34", "Tỉnh Thái Bình"), ("35", "Tỉnh Hà Nam"), ("36", "Tỉnh Nam Định"), ("37", "Tỉnh Ninh Bình"),
        ("38", "Tỉnh Thanh Hóa"), ("40", "Tỉnh Nghệ An"), ("42", "Tỉnh Hà Tĩnh"), ("44", "Tỉnh Quảng Bình"), ("45", "Tỉnh Quảng Trị"),
        ("46", "Tỉnh Thừa Thiên Huế"), ("48", "Thành phố Đà Nẵng"), ("49", "Tỉnh Quảng Nam"), ("51", "Tỉnh Quảng Ngãi"), ("52", "Tỉnh Bình Định"),
        ("54", "Tỉnh Phú Yên"), ("56", "Tỉnh Khánh Hòa"), ("58", "Tỉnh Ninh Thuận"), ("60", "Tỉnh Bình Thuận"), ("62", "Tỉnh Kon Tum"),
        ("64", "Tỉnh Gia Lai"), ("66", "Tỉnh Đắk Lắk"), ("67", "Tỉnh Đắk Nông"), ("68", "Tỉnh Lâm Đồng"), ("70", "Tỉnh Bình Phước"),
        ("72", "Tỉnh Tây Ninh"), ("74", "Tỉnh Bình Dương"), ("75", "Tỉnh Đồng Nai"), ("77", "Tỉnh Bà Rịa - Vũng Tàu"), ("79", "Thành phố Hồ Chí Minh"),
        ("80", "Tỉnh Long An"), ("82", "Tỉnh Tiền Giang"), ("83", "Tỉnh Bến Tre"), ("84", "Tỉnh Trà Vinh"), ("86", "Tỉnh Vĩnh Long"),
        ("87", "Tỉnh Đồng Tháp"), ("89", "Tỉnh An Giang"), ("91", "Tỉnh Kiên Giang"), ("92", "Thành phố Cần Thơ"), ("93", "Tỉnh Hậu Giang"),
        ("94", "Tỉnh Sóc Trăng"), ("95", "Tỉnh Bạc Liêu"), ("96", "Tỉnh Cà Mau"),
    ].map { Province(code: $0.0, name: $0.1) }

    /// The 34 provinces and cities from 1 July 2025 (Resolution 202/2025/QH15), under the codes they kept.
    public static let vietnam2025: [Province] = [
        ("01", "Thành phố Hà Nội"), ("04", "Tỉnh Cao Bằng"), ("08", "Tỉnh Tuyên Quang"), ("11", "Tỉnh Điện Biên"), ("12", "Tỉnh Lai Châu"),
        ("14", "Tỉnh Sơn La"), ("15", "Tỉnh Lào Cai"), ("19", "Tỉnh Thái Nguyên"), ("20", "Tỉnh Lạng Sơn"), ("22", "Tỉnh Quảng Ninh"),
        ("24", "Tỉnh Bắc Ninh"), ("25", "Tỉnh Phú Thọ"), ("31", "Thành phố Hải Phòng"), ("33", "Tỉnh Hưng Yên"), ("37", "Tỉnh Ninh Bình"),
        ("38", "Tỉnh Thanh Hóa"), ("40", "Tỉnh Nghệ An"), ("42", "Tỉnh Hà Tĩnh"), ("44", "Tỉnh Quảng Trị"), ("46", "Thành phố Huế"),
        ("48", "Thành phố Đà Nẵng"), ("51", "Tỉnh Quảng Ngãi"), ("52", "Tỉnh Gia Lai"), ("56", "Tỉnh Khánh Hòa"), ("66", "Tỉnh Đắk Lắk"),
        ("68", "Tỉnh Lâm Đồng"), ("75", "Tỉnh Đồng Nai"), ("79", "Thành phố Hồ Chí Minh"), ("80", "Tỉnh Tây Ninh"), ("82", "Tỉnh Đồng Tháp"),
        ("86", "Tỉnh Vĩnh Long"), ("91", "Tỉnh An Giang"), ("92", "Thành phố Cần Thơ"), ("96", "Tỉnh Cà Mau"),
    ].map { Province(code: $0.0, name: $0.1) }

    /// The provinces of a vintage of the administrative units: the two-tier list from 2025-07, the 63 before.
    public static func list(vintage: String) -> [Province] { vintage >= "2025-07" ? vietnam2025 : vietnam2021 }

    /// A province a record may name in a deployment working in `vintage`.
    public static func named(_ code: String, vintage: String = "2021") -> Province? { list(vintage: vintage).first { $0.code == code } }

    /// A name to show for a code recorded under either list (old records stay readable after the reorganisation).
    public static func displayName(_ code: String, vintage: String = "2021") -> String? {
        (named(code, vintage: vintage) ?? vietnam2021.first { $0.code == code } ?? vietnam2025.first { $0.code == code })?.name
    }
}

/// Short codes read aloud or typed from a printed slip: no look-alikes (no 0/O, 1/I).
public enum SlipCode {
    public static let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")

    /// Each character is 5 random bits (the alphabet has exactly 32 letters, so every one is equally likely).
    public static func make(length: Int = 8) -> String {
        let bytes = RandomToken.randomBytes(length)
        return String(bytes.map { alphabet[Int($0 & 0x1F)] })
    }

    public static func isWellFormed(_ code: String, length: Int = 8) -> Bool {
        code.count == length && code.allSatisfy { alphabet.contains($0) }
    }
}
