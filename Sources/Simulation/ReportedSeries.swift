import Domain
import Foundation

/// Dong Nai's officially reported daily new cases (MOH / NCSC portal, by reporting date; see Resources/README.md),
/// the curve the simulated epidemic is calibrated to.
struct ReportedSeries {
    /// Dong Nai's population in the series' own per-100,000 figures.
    static let population = 3_097_107.0
    let cases: [String: Int]
    let first: String
    let last: String

    static func bundled() throws -> ReportedSeries {
        guard let url = Bundle.module.url(forResource: "vn-ncsc-daily-cases-2020-2022", withExtension: "csv") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "vn-ncsc-daily-cases-2020-2022.csv"])
        }
        let table = try CSV.table(String(contentsOf: url, encoding: .utf8), required: ["date", "dong_nai_new_cases"])
        var cases: [String: Int] = [:]
        // A day the portal gave no figure counts as none reported.
        for row in table { cases[row.values["date"]!] = Int(row.values["dong_nai_new_cases"]!) ?? 0 }
        let days = cases.keys.sorted()
        return ReportedSeries(cases: cases, first: days.first ?? "", last: days.last ?? "")
    }

    /// The reported cases of `count` days from `from`, as they were.
    func reported(from: String, count: Int) -> [Int] {
        (0..<count).map { k in LocalDay.adding(k, to: from).flatMap { cases[$0] } ?? 0 }
    }

    /// The same days scaled to a population of `people`, rounded with the remainder carried to the next day, so the
    /// total matches the scaled total and small provinces keep the curve's shape.
    func quotas(from: String, count: Int, people: Int) -> [Int] {
        let factor = Double(people) / Self.population
        var carry = 0.0
        return reported(from: from, count: count).map { value in
            let wanted = Double(value) * factor + carry
            let n = max(0, Int(wanted.rounded()))
            carry = wanted - Double(n)
            return n
        }
    }
}

/// Pearson's correlation coefficient of two equally long series (0 when either is constant).
public func pearson(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    guard a.count > 1 else { return 0 }
    let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
    var sab = 0.0, saa = 0.0, sbb = 0.0
    for (x, y) in zip(a, b) {
        sab += (x - ma) * (y - mb)
        saa += (x - ma) * (x - ma)
        sbb += (y - mb) * (y - mb)
    }
    return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : 0
}
