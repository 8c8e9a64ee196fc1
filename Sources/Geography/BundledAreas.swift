import Domain
import Foundation
import Storage

/// Dong Nai's GSO lists shipped with the binary, loaded into an empty database on first start.
public enum BundledAreas {
    /// The vintage the plans and the boundary files use.
    public static let defaultVintage = "2021"
    public static let provincePopulation2019 = PopulationFigure(
        areaCode: "75", year: 2019, population: 3_097_107, source: "Tổng điều tra dân số và nhà ở 2019 (GSO)")

    static func resource(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: "csv", subdirectory: "admin") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "admin/\(name).csv"])
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// Loads the bundled vintages unless already present. Returns true when it loaded anything.
    @discardableResult
    public static func loadIfNeeded(into store: AreaStore) async throws -> Bool {
        let present = Set(try await store.vintages())
        var loaded = false
        if !present.contains("2021") {
            let units = try AreaListParser.units(csv: try resource("dong-nai-communes-2021"), vintage: "2021")
            try await store.load(vintage: "2021", description: "GSO list of 2021-02-03 (valid through 2024)", units: units)
            loaded = true
        }
        if !present.contains("2025-01") {
            let units2021 = try AreaListParser.units(csv: try resource("dong-nai-communes-2021"), vintage: "2021")
            let units = try AreaListParser.units(csv: try resource("dong-nai-communes-2025-01"), vintage: "2025-01")
            // A 2021 commune that keeps its code in 2025-01 is the same unit; the 11 merged away by
            // Resolution 1278/NQ-UBTVQH15 have no successor here until that table is loaded.
            let kept = Set(units.map(\.code))
            let same = units2021.filter { $0.level == .commune && kept.contains($0.code) }.map {
                (from: "2021", AreaSuccession(oldCode: $0.code, newCode: $0.code, note: "Giữ nguyên"))
            }
            try await store.load(vintage: "2025-01", description: "GSO list of 2025-01-04 (Resolution 1278/NQ-UBTVQH15)",
                                 units: units, successions: same)
            loaded = true
        }
        if !present.contains("2025-07") {
            let (units, successions) = try AreaListParser.reorganisation(
                csv: try resource("dong-nai-old-to-new-2025-07"), vintage: "2025-07")
            try await store.load(vintage: "2025-07", description: "two-tier units from 2025-07-01 (official old→new table)",
                                 units: units, successions: successions.map { (from: "2025-01", $0) })
            loaded = true
        }
        if loaded {
            try await store.setPopulation(provincePopulation2019)
            for figure in try districtEstimates() { try await store.setPopulation(figure) }
        }
        return loaded
    }

    static let estimateSource = "Ước tính: dân số 2019 × tỷ trọng hồ sơ sức khỏe điện tử của huyện (2022)"

    /// No sourced per-district population exists in the shared data; until an official table is loaded, each
    /// district gets the 2019 provincial total shared in proportion to its electronic health records
    /// (`ehr_records_managed`, 2022), labelled as an estimate wherever it is shown.
    static func districtEstimates() throws -> [PopulationFigure] {
        let rows = try CSV.table(try resource("dong-nai-ehr-records-2022"), required: ["district_code", "ehr_records_managed"])
        let weights = try rows.map { line, row -> (String, Int64) in
            guard let code = row["district_code"], AreaCode.level(of: code) == .district,
                  let records = row["ehr_records_managed"].flatMap({ Int64($0) }), records > 0
            else { throw ValidationFailure([FieldError("line \(line)", "bad district_code or ehr_records_managed")]) }
            return (code, records)
        }
        let total = weights.reduce(Int64(0)) { $0 + $1.1 }
        return weights.map { code, records in
            let share = Double(records) / Double(total) * Double(provincePopulation2019.population)
            return PopulationFigure(areaCode: code, year: 2019, population: Int64(share.rounded()), source: estimateSource)
        }
    }
}

extension AreaStore {
    /// A 2021 unit's successors in 2025-07, through 2025-01 (codes kept across the January 2025 merge).
    public func successors2021To202507(_ code: String) async throws -> [AreaSuccession] {
        var result: [AreaSuccession] = []
        for step in try await successors(of: code, from: "2021", to: "2025-01") {
            result += try await successors(of: step.newCode, from: "2025-01", to: "2025-07").map {
                AreaSuccession(oldCode: code, newCode: $0.newCode, note: $0.note)
            }
        }
        return result
    }
}
