import Domain

/// Reads the GSO commune lists (province, district, commune per row) into units of one vintage.
/// Columns: province_code, province_name, district_code, district_name, commune_code, commune_name, commune_type.
public enum AreaListParser {
    public static let columns = [
        "province_code", "province_name", "district_code", "district_name", "commune_code", "commune_name", "commune_type",
    ]

    public static func units(csv: String, vintage: String) throws -> [AreaUnit] {
        let rows = try CSV.table(csv, required: columns)
        var units: [AreaUnit] = []
        var seen: [String: Int] = [:]
        var errors: [FieldError] = []
        func add(_ unit: AreaUnit, line: Int) {
            if let first = seen[unit.code] {
                if units[first].name != unit.name || units[first].parentCode != unit.parentCode {
                    errors.append(FieldError("line \(line)", "code \(unit.code) already used for \(units[first].name)"))
                }
                return
            }
            seen[unit.code] = units.count
            units.append(unit)
        }
        for (line, row) in rows {
            let province = row["province_code"]!, district = row["district_code"]!, commune = row["commune_code"]!
            for (code, level) in [(province, AreaLevel.province), (district, .district), (commune, .commune)]
            where AreaCode.level(of: code) != level {
                errors.append(FieldError("line \(line)", "'\(code)' is not a \(level.rawValue) code"))
            }
            if row["commune_name"]!.isEmpty { errors.append(FieldError("line \(line)", "commune_name is empty")) }
            guard errors.isEmpty else { continue }
            add(AreaUnit(vintage: vintage, code: province, name: row["province_name"]!, type: typeWord(row["province_name"]!),
                         level: .province, parentCode: nil), line: line)
            add(AreaUnit(vintage: vintage, code: district, name: row["district_name"]!, type: typeWord(row["district_name"]!),
                         level: .district, parentCode: province), line: line)
            add(AreaUnit(vintage: vintage, code: commune, name: row["commune_name"]!, type: row["commune_type"]!,
                         level: .commune, parentCode: district), line: line)
        }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return units
    }

    /// The 2025-07 conversion table gives the new two-tier units and each old unit's successor(s).
    /// Columns: new_province, new_commune_name, new_commune_code, old_commune_name, old_commune_code, note, old_district, old_province.
    public static func reorganisation(csv: String, vintage: String) throws -> (units: [AreaUnit], successions: [AreaSuccession]) {
        let rows = try CSV.table(csv, required: ["new_province", "new_commune_name", "new_commune_code", "old_commune_code", "note"])
        var units: [AreaUnit] = []
        var seen = Set<String>()
        var successions: [AreaSuccession] = []
        var errors: [FieldError] = []
        for (line, row) in rows {
            // "Tỉnh Đồng Nai (75)" → name and code.
            let provinceField = row["new_province"]!
            guard let open = provinceField.lastIndex(of: "("), provinceField.hasSuffix(")") else {
                errors.append(FieldError("line \(line)", "new_province must read 'Name (code)'"))
                continue
            }
            let provinceName = String(provinceField[..<open]).trimmedSpaces
            let provinceCode = String(provinceField[provinceField.index(after: open)..<provinceField.index(before: provinceField.endIndex)])
            let newCode = row["new_commune_code"]!, oldCode = row["old_commune_code"]!
            guard AreaCode.level(of: provinceCode) == .province, AreaCode.level(of: newCode) == .commune,
                  AreaCode.level(of: oldCode) == .commune
            else {
                errors.append(FieldError("line \(line)", "malformed code"))
                continue
            }
            if seen.insert(provinceCode).inserted {
                units.append(AreaUnit(vintage: vintage, code: provinceCode, name: provinceName, type: typeWord(provinceName),
                                      level: .province, parentCode: nil))
            }
            if seen.insert(newCode).inserted {
                let name = row["new_commune_name"]!
                units.append(AreaUnit(vintage: vintage, code: newCode, name: name, type: typeWord(name), level: .commune,
                                      parentCode: provinceCode))
            }
            successions.append(AreaSuccession(oldCode: oldCode, newCode: newCode, note: row["note"]!))
        }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return (units, successions)
    }

    /// "Thành phố Biên Hòa" → "Thành phố"; "Huyện Tân Phú" → "Huyện"; "Xã Xuân Tâm" → "Xã".
    static func typeWord(_ name: String) -> String {
        for prefix in ["Thành phố", "Thị xã", "Thị trấn", "Tỉnh", "Huyện", "Quận", "Phường", "Xã", "Đặc khu"] where name.hasPrefix(prefix + " ") {
            return prefix
        }
        return ""
    }
}
