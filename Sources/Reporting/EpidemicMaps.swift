import Accounts
import Domain
import Foundation
import Geography
import Storage

public enum MapLayer: String, CaseIterable, Codable, Sendable {
    /// New F0 over 7 days per 100,000 people.
    case incidence
    /// The computed epidemic level (the announced one in the hover title when recorded).
    case risk
}

/// Server-rendered maps of an area on a day: districts as outlines (bundled), communes as a grid of cells under their
/// district until a province imports commune outlines.
public struct EpidemicMaps: Sendable {
    let statistics: Statistics
    let risk: RiskLevels
    let areas: AreaStore
    let districts: [Boundary]
    let imported: BoundaryStore
    let overlays: MapOverlays
    /// The lockdown zones the maps draw (recorded through here too, checked against the same outlines).
    public var zones: LockdownZones { overlays.zones }

    public init(statistics: Statistics, risk: RiskLevels, areas: AreaStore, districts: [Boundary], imported: BoundaryStore) {
        self.statistics = statistics
        self.risk = risk
        self.areas = areas
        self.districts = districts
        self.imported = imported
        self.overlays = MapOverlays(database: statistics.database,
                                    zones: LockdownZones(database: statistics.database, areas: areas, districts: districts, imported: imported))
    }

    /// Incidence bands per 100,000 over 7 days (the bands of Decision 4800's first criterion, so both maps read alike).
    static let incidenceBands: [(below: Double?, color: String, label: String)] = [
        (0.000_001, "#eeeeee", "0"), (20, "#fde0c5", "< 20"), (50, "#f9a66b", "20 – < 50"), (150, "#e4572e", "50 – < 150"), (nil, "#9e1a1a", "≥ 150"),
    ]
    static let noLevel = "#bdbdbd"

    public func render(_ layer: MapLayer, area code: String, day: String, for principal: Principal, trace: RequestTrace) async throws -> String {
        guard LocalDay.isValid(day) else { throw ValidationFailure([FieldError("date", "a day as YYYY-MM-DD")]) }
        let unit = try await statistics.area(code, for: principal, trace: trace)
        return try await render(layer, unit: unit, day: day)
    }

    public func render(_ layer: MapLayer, unit: AreaUnit, day: String) async throws -> String {
        let assessments = try await risk.assessments(under: unit, day: day)
        let weekStart = LocalDay.adding(-6, to: day) ?? day
        let incidence = try await statistics.counts([.f0New], area: unit.code, from: weekStart, to: day, byCommune: true)[.f0New] ?? [:]
        let communes = try await statistics.communes(under: unit)
        let cases = try await statistics.rolledUp(incidence, communes: communes)
        func region(_ u: AreaUnit) -> MapRegion {
            let a = assessments[u.code]
            let n = cases[u.code] ?? 0
            let population = a?.population
            let rate = population.map { Double(n) / Double(max($0.population, 1)) * 100_000 }
            switch layer {
            case .incidence:
                let band = Self.incidenceBands.first { b in b.below.map { (rate ?? 0) < $0 } ?? true }!
                let rateText = rate.map { String(format: "%.1f", $0) } ?? "—"
                return MapRegion(code: u.code, name: u.name, fill: population == nil ? Self.noLevel : band.color,
                                 title: "\(u.name): \(n) ca F0 trong 7 ngày, \(rateText)/100.000 dân" + (population?.estimated == true ? " (dân số ước tính)" : ""),
                                 label: rate.map { String(format: "%.0f", $0) })
            case .risk:
                let level = a?.level
                let name = level.flatMap { risk.rules.name(of: $0) }
                var title = "\(u.name): " + (name?.vi ?? "chưa xác định (\(a?.reason ?? "không có dữ liệu"))")
                if let a, let r = a.rate { title += String(format: " — %lld ca cộng đồng/7 ngày, %.1f/100.000", a.cases, r) }
                if let announced = a?.announced { title += " — công bố: cấp \(announced.level) (\(announced.document))" }
                return MapRegion(code: u.code, name: u.name, fill: name?.color ?? Self.noLevel, title: title, label: level.map { "Cấp \($0)" })
            }
        }
        var outlined: [AreaUnit]
        var gridded: [AreaUnit] = []
        switch unit.level {
        case .province: outlined = try await areas.children(of: unit.code, vintage: Statistics.vintage)
        case .district: outlined = [unit]; gridded = communes
        case .commune:
            outlined = []
            if let parent = unit.parentCode, let district = try await areas.unit(code: parent, vintage: Statistics.vintage) { outlined = [district] }
            gridded = [unit]
        }
        outlined.sort { $0.code < $1.code }
        // Communes whose outline a province imported are drawn as shapes over their district; the others stay in the grid.
        let outlines = try await imported.imported()
        if !gridded.isEmpty {
            outlined += gridded.filter { outlines[$0.code] != nil }
            gridded = gridded.filter { outlines[$0.code] == nil }
        }
        let title: String
        let legend: [LegendEntry]
        switch layer {
        case .incidence:
            title = "Tỷ lệ mắc mới 7 ngày /100.000 dân — \(unit.name)"
            legend = Self.incidenceBands.map { LegendEntry(color: $0.color, label: $0.label) } + [LegendEntry(color: Self.noLevel, label: "Chưa có dân số")]
        case .risk:
            title = "Cấp độ dịch — \(unit.name)"
            legend = risk.rules.levels.map { LegendEntry(color: $0.color, label: $0.vi) } + [LegendEntry(color: Self.noLevel, label: "Chưa xác định")]
        }
        let ruleSet = risk.rules.ruleSet(on: day)
        let subtitle = layer == .incidence ? "7 ngày \(weekStart) – \(day), ca F0 mới" :
            ruleSet.map { "Ngày \(day) — \($0.document)" } ?? "Ngày \(day) — không có bộ tiêu chí nào có hiệu lực"
        let estimated = assessments.values.contains { $0.population?.estimated == true }
        let points = try await overlays.points(communes: communes.map(\.code), day: day)
        let zones = try await overlays.zones.inForce(on: day, concerning: unit).map { zone(for: $0, outlines: outlines) }
        var caption = "Ranh giới huyện: dvhcvn (GPL-3.0), trước 07/2025." + (estimated ? " Dân số xã/huyện là ước tính khi chưa có số liệu chính thức." : "")
        let unplaced = points.exposuresUnplaced + points.sitesUnplaced
        if unplaced > 0 { caption += " \(unplaced) địa điểm chưa có tọa độ, không vẽ được." }
        var overlayLegend: [LegendEntry] = []
        if !zones.isEmpty { overlayLegend.append(LegendEntry(color: MapSVG.zoneColor, label: "Vùng phong tỏa", symbol: .hatch)) }
        if points.points.contains(where: { $0.color == MapOverlays.exposureColor }) || points.exposuresUnplaced > 0 {
            overlayLegend.append(LegendEntry(color: MapOverlays.exposureColor, label: "Nơi ca F0 đã đến (14 ngày)", symbol: .dot))
        }
        if points.points.contains(where: { $0.color == MapOverlays.siteColor }) || points.sitesUnplaced > 0 {
            overlayLegend.append(LegendEntry(color: MapOverlays.siteColor, label: "Điểm lấy mẫu xét nghiệm", symbol: .dot))
        }
        var map = MapSVG(title: title, subtitle: subtitle, regions: (outlined + gridded).map(region), boundaries: districts + Array(outlines.values),
                         legend: legend + overlayLegend, caption: caption)
        map.points = points.points
        map.zones = zones
        map.grid = gridded.map(region)
        map.gridHeading = gridded.isEmpty ? "" : "Xã, phường (chưa có ranh giới)"
        return map.render()
    }

    /// A zone as the map draws it: its own polygon and its units' outlines; units without one are marked in the grid.
    func zone(for zone: LockdownZone, outlines: [String: Boundary]) -> MapZone {
        var rings = zone.rings
        var gridCodes = Set<String>()
        for code in zone.unitCodes {
            if let outline = outlines[code] ?? districts.first(where: { $0.code == code }) { rings += outline.rings } else { gridCodes.insert(code) }
        }
        let until = zone.validTo.map { " – \($0)" } ?? " – (chưa gỡ)"
        return MapZone(title: "Vùng phong tỏa: \(zone.name), \(zone.validFrom)\(until) — \(zone.decision)", rings: rings, gridCodes: gridCodes)
    }
}
