import Accounts
import CheckIn
import ContactTracing
import Domain
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Geography
import Laboratory
import Reporting
import SQLKit
import Storage
import Testing
import TestSupport

/// Lockdown zones: what an officer may record (and what is refused, with nothing written), which days and maps a zone
/// concerns, lifting, and what the maps draw over the units (zones, places F0 visited, sampling sites).
@Suite struct LockdownZoneTests {
    static func square(_ lon: Double, _ lat: Double, _ side: Double = 0.01, closed: Bool = true) -> Data {
        var ring = [[lon, lat], [lon + side, lat], [lon + side, lat + side], [lon, lat + side]]
        if closed { ring.append([lon, lat]) }
        return try! JSONSerialization.data(withJSONObject: ["type": "Polygon", "coordinates": [ring]])
    }

    struct Setup {
        let w: ReportingWorld
        let areas: AreaStore
        let zones: LockdownZones
        let maps: EpidemicMaps
        let officer: Principal
        let station: Principal
        let commune732: String
    }

    static func with(_ kind: DatabaseKind, _ body: (Setup) async throws -> Void) async throws {
        try await ReportingWorld.with(kind) { w in
            let areas = AreaStore(database: w.db)
            let maps = EpidemicMaps(statistics: Statistics(database: w.db, areas: areas), risk: RiskLevels(database: w.db, areas: areas, rules: try .bundled()),
                                    areas: areas, districts: try BoundaryReader.bundledDistricts(), imported: BoundaryStore(database: w.db, areas: areas))
            let accounts = AccountStore(database: w.db, hasher: PasswordHasher(cost: 4))
            let officer = try await accounts.createAsOperator(NewAccount(username: "bienhoa", displayName: "TTYT Biên Hòa", password: "long-enough-pw",
                                                                         role: .districtOfficer, scopeCode: "731"), trace: .cli("test")).principal
            let station = try await accounts.createAsOperator(NewAccount(username: "trangdai", displayName: "TYT Trảng Dài", password: "long-enough-pw",
                                                                         role: .communeOfficer, scopeCode: "25993"), trace: .cli("test")).principal
            let commune732 = try await areas.children(of: "732", vintage: "2021").first!.code
            try await body(Setup(w: w, areas: areas, zones: maps.zones, maps: maps, officer: officer, station: station, commune732: commune732))
        }
    }

    static func fields(_ body: () async throws -> Void) async -> [String] {
        do { try await body(); return [] } catch let failure as ValidationFailure { return failure.errors.map(\.field) } catch { return ["\(error)"] }
    }

    @Test(arguments: TestDatabases.kinds)
    func zonesAreCheckedScopedAndInForceOnTheirDaysOnly(kind: DatabaseKind) async throws {
        try await Self.with(kind) { s in
            let t = s.w.trace
            let units = try await s.zones.create(NewLockdownZone(name: "  Trảng Dài và Hố Nai ", areaCode: "731", unitCodes: ["26002", "25993", "25993"],
                                                                 validFrom: "2021-11-01", validTo: "2021-11-14", decision: "QĐ 1/QĐ-UBND"),
                                                 by: s.officer, trace: t)
            #expect(units.name == "Trảng Dài và Hố Nai" && units.unitCodes == ["25993", "26002"] && units.polygons == nil)
            let drawn = try await s.zones.create(NewLockdownZone(name: "Chợ", areaCode: "731", geoJSON: Self.square(106.84, 10.95),
                                                                 validFrom: "2021-11-05", decision: "QĐ 2/QĐ-UBND"), by: s.officer, trace: t)
            #expect(drawn.polygons?.first?.first?.count == 5 && drawn.validTo == nil)
            // A Feature and a FeatureCollection carry polygons as well as a bare geometry does.
            let feature = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":\#(String(decoding: Self.square(106.85, 10.96), as: UTF8.self))}]}"#
            let fromFile = try await s.zones.create(NewLockdownZone(name: "Tệp", areaCode: "25993", geoJSON: Data(feature.utf8), validFrom: "2021-12-01",
                                                                    validTo: "2021-12-02", decision: "QĐ 3"), by: s.officer, trace: t)
            #expect(fromFile.polygons?.count == 1)

            // Refusals, each naming its field; nothing is written.
            func attempt(_ z: NewLockdownZone, by p: Principal? = nil) async -> [String] {
                await Self.fields { _ = try await s.zones.create(z, by: p ?? s.officer, trace: t) }
            }
            #expect(await attempt(NewLockdownZone(name: "", areaCode: "731", unitCodes: ["25993"], validFrom: "2021-11-01", validTo: "2021-10-01",
                                                  decision: " ")) == ["name", "decision", "validTo"])
            #expect(await attempt(NewLockdownZone(name: "x", areaCode: "731", validFrom: "2021-11-01", decision: "d")) == ["unitCodes"])
            #expect(await attempt(NewLockdownZone(name: "x", areaCode: "731", unitCodes: [s.commune732, "99999"], validFrom: "2021-11-01", decision: "d"))
                == ["unitCodes[0]", "unitCodes[1]"])
            #expect(await attempt(NewLockdownZone(name: "x", areaCode: "731", geoJSON: Self.square(106.84, 10.95, closed: false), validFrom: "2021-11-01",
                                                  decision: "d")) == ["geometry polygon 0 ring 0"])
            #expect(await attempt(NewLockdownZone(name: "x", areaCode: "731", geoJSON: Data(#"{"type":"Point","coordinates":[106.8,10.9]}"#.utf8),
                                                  validFrom: "2021-11-01", decision: "d")) == ["geometry"])
            #expect(await attempt(NewLockdownZone(name: "x", areaCode: "731", geoJSON: Data("not json".utf8), validFrom: "2021-11-01", decision: "d"))
                == ["geometry"])
            // Hà Nội's coordinates for a Biên Hòa zone (a file for the wrong place), and latitude/longitude swapped.
            #expect(await attempt(NewLockdownZone(name: "x", areaCode: "731", geoJSON: Self.square(105.84, 21.02), validFrom: "2021-11-01", decision: "d"))
                == ["geometry"])
            #expect(await attempt(NewLockdownZone(name: "x", areaCode: "731", geoJSON: Self.square(10.95, 106.84), validFrom: "2021-11-01", decision: "d"))
                == ["geometry polygon 0 ring 0"])
            let huge = Data(("{\"type\":\"Polygon\",\"coordinates\":[[" + String(repeating: "[106.84,10.95],", count: 150_000) + "[106.84,10.95]]]}").utf8)
            #expect(await attempt(NewLockdownZone(name: "x", areaCode: "731", geoJSON: huge, validFrom: "2021-11-01", decision: "d")) == ["geometry"])
            await #expect(throws: AreaNotFound.self) {
                try await s.zones.create(NewLockdownZone(name: "x", areaCode: "99999", unitCodes: ["25993"], validFrom: "2021-11-01", decision: "d"),
                                         by: s.officer, trace: t)
            }
            // Another district's units, and a role without the permission: refused and audited.
            await #expect(throws: AccessDenied.self) {
                try await s.zones.create(NewLockdownZone(name: "x", areaCode: "732", unitCodes: [s.commune732], validFrom: "2021-11-01", decision: "d"),
                                         by: s.officer, trace: t)
            }
            await #expect(throws: AccessDenied.self) {
                try await s.zones.create(NewLockdownZone(name: "x", areaCode: "25993", unitCodes: ["25993"], validFrom: "2021-11-01", decision: "d"),
                                         by: s.station, trace: t)
            }
            #expect(try await s.w.count("SELECT COUNT(*) AS n FROM lockdown_zones") == 3)
            #expect(try await s.w.count("SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'lockdown_zone' AND outcome LIKE 'denied%'") == 2)

            // Which zones a unit's map concerns on a day: its own, those within it, those above it; never another district's.
            func names(_ day: String, _ code: String) async throws -> [String] {
                try await s.zones.inForce(on: day, concerning: try #require(try await s.areas.unit(code: code, vintage: "2021"))).map(\.name).sorted()
            }
            #expect(try await names("2021-10-31", "731") == [])
            #expect(try await names("2021-11-01", "731") == ["Trảng Dài và Hố Nai"])
            #expect(try await names("2021-11-14", "75") == ["Chợ", "Trảng Dài và Hố Nai"])
            #expect(try await names("2021-11-15", "25993") == ["Chợ"])
            #expect(try await names("2021-12-01", "25993") == ["Chợ", "Tệp"])
            #expect(try await names("2021-12-01", "26002") == ["Chợ"], "a commune's zone is not its neighbour's")
            #expect(try await names("2021-11-06", "732") == [])
            #expect(try await names("2021-11-06", s.commune732) == [])

            // Lifting: early, with a reason; never before it began, never later than decided; by the area's officers only.
            #expect(await Self.fields { _ = try await s.zones.lift(drawn.id, lastDay: "2021-11-04", reason: "x", by: s.officer, trace: t) } == ["lastDay"])
            #expect(await Self.fields { _ = try await s.zones.lift(drawn.id, lastDay: "2021-11-10", reason: "  ", by: s.officer, trace: t) } == ["reason"])
            await #expect(throws: ZoneAlreadyEnded.self) {
                try await s.zones.lift(units.id, lastDay: "2021-11-20", reason: "hết ca", by: s.officer, trace: t)
            }
            await #expect(throws: AccessDenied.self) { try await s.zones.lift(drawn.id, lastDay: "2021-11-10", reason: "x", by: s.station, trace: t) }
            await #expect(throws: ZoneNotFound.self) { try await s.zones.lift(9999, lastDay: "2021-11-10", reason: "x", by: s.officer, trace: t) }
            let lifted = try await s.zones.lift(drawn.id, lastDay: "2021-11-10", reason: "14 ngày không ca mới", by: s.officer, trace: t)
            #expect(lifted.validTo == "2021-11-10" && lifted.liftReason == "14 ngày không ca mới" && lifted.liftedAt != nil)
            #expect(try await names("2021-11-10", "731") == ["Chợ", "Trảng Dài và Hố Nai"])
            #expect(try await names("2021-11-11", "731") == ["Trảng Dài và Hố Nai"])
            #expect(try await s.w.count("SELECT COUNT(*) AS n FROM audit_log WHERE entity = 'lockdown_zone' AND action LIKE 'lift:%'") == 1)

            // The officers' list is scoped like the maps, and checked.
            let listed = try await s.zones.list(for: s.officer, area: "731", day: nil, today: "2021-11-20", trace: t)
            #expect(listed.map(\.name) == ["Tệp", "Chợ", "Trảng Dài và Hố Nai"])
            await #expect(throws: AccessDenied.self) { try await s.zones.list(for: s.officer, area: "732", day: nil, today: "2021-11-20", trace: t) }
            await #expect(throws: ValidationFailure.self) { try await s.zones.list(for: s.officer, area: "731", day: "11/2021", today: "2021-11-20", trace: t) }
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func mapsHatchTheZonesInForceAndMarkVisitedPlacesAndSites(kind: DatabaseKind) async throws {
        try await Self.with(kind) { s in
            let t = s.w.trace
            _ = try await s.zones.create(NewLockdownZone(name: "Hai phường", areaCode: "731", unitCodes: ["25993", "26002"], validFrom: "2021-11-01",
                                                         validTo: "2021-11-14", decision: "QĐ 1"), by: s.officer, trace: t)
            _ = try await s.zones.create(NewLockdownZone(name: "Chợ <vẽ>", areaCode: "731", geoJSON: Self.square(106.84, 10.95), validFrom: "2021-11-05",
                                                         validTo: "2021-11-20", decision: "QĐ 2"), by: s.officer, trace: t)
            let bienHoa = try #require(try await s.areas.unit(code: "731", vintage: "2021"))
            let province = try #require(try await s.areas.unit(code: "75", vintage: "2021"))
            // A place an F0 visited with a position, one without, one outside the 14 days; a sampling site with a position.
            let venues = VenueStore(database: s.w.db)
            let placed = try await venues.register(NewVenue(name: "Chợ Trảng Dài", type: .market, address: "KP4", communeCode: "25993",
                                                            latitude: 10.983, longitude: 106.865), by: s.w.admin, trace: t)
            let unplaced = try await venues.register(NewVenue(name: "Quán không tọa độ", type: .restaurant, address: "KP5", communeCode: "25993"),
                                                     by: s.w.admin, trace: t)
            let old = try await venues.register(NewVenue(name: "Nơi cũ", type: .market, address: "KP6", communeCode: "26002", latitude: 10.97,
                                                         longitude: 106.89), by: s.w.admin, trace: t)
            let person = try await s.w.people(1)[0]
            let f0 = try await s.w.cases.open(NewCase(personId: person.id, classification: .f0, communeCode: "25993",
                                                      facts: { var f = CaseFacts(); f.confirmedOn = "2021-11-06"; return f }()), by: s.w.admin, trace: t)
            let day = LocalDay.start("2021-11-06")!
            try await s.w.db.write { db in
                for (venue, start) in [(placed.id, day.addingTimeInterval(3600)), (unplaced.id, day.addingTimeInterval(7200)),
                                       (old.id, day.addingTimeInterval(-20 * 86400))] {
                    try await db.raw("""
                        INSERT INTO venue_exposures (venue_id, case_id, exposed_from, exposed_to, commune_code, flagged_at)
                        VALUES (\(bind: venue), \(bind: f0.id), \(bind: start), \(bind: start.addingTimeInterval(1800)), '25993', \(bind: start))
                        """).run()
                }
            }
            _ = try await LabStore(database: s.w.db).createSite(
                NewTestSite(name: "Trạm Y tế Trảng Dài", kind: "fixed", communeCode: "25993", latitude: 10.981, longitude: 106.862), by: s.w.admin, trace: t)
            await #expect(throws: ValidationFailure.self) {
                try await LabStore(database: s.w.db).createSite(
                    NewTestSite(name: "Nửa tọa độ", kind: "fixed", communeCode: "25993", latitude: 10.98), by: s.w.admin, trace: t)
            }

            let svg = try await s.maps.render(.risk, unit: bienHoa, day: "2021-11-06")
            let shapes = try ZoneShapes.read(svg)
            #expect(shapes.zonePaths == ["Vùng phong tỏa: Chợ <vẽ>, 2021-11-05 – 2021-11-20 — QĐ 2"])
            #expect(shapes.zoneCells.sorted() == ["25993", "26002"], "communes without an outline are hatched in the grid")
            #expect(shapes.circles.count == 2)
            #expect(shapes.circles.contains { $0.hasPrefix("Chợ Trảng Dài — ca F0 đã đến (1 ca)") })
            #expect(shapes.circles.contains { $0 == "Trạm Y tế Trảng Dài — điểm lấy mẫu xét nghiệm" })
            // The caption wraps over lines: read it as one text.
            let caption = svg.replacingOccurrences(of: #"</text>\n<text[^>]*>"#, with: " ", options: .regularExpression)
            #expect(caption.contains("1 địa điểm chưa có tọa độ"))
            #expect(svg.contains("Vùng phong tỏa</text>") && svg.contains("Nơi ca F0 đã đến (14 ngày)</text>"))
            // The drawn square sits where its coordinates say: invert the projection the SVG declares.
            let projection = try #require(shapes.projection)
            let corner = try #require(shapes.firstZonePoint)
            #expect(abs(projection.lon(corner.x) - 106.84) < 0.001 && abs(projection.lat(corner.y) - 10.95) < 0.001)

            // Before and after their days, and on another district's map, nothing of them is drawn.
            let before = try ZoneShapes.read(try await s.maps.render(.incidence, unit: bienHoa, day: "2021-10-31"))
            #expect(before.zonePaths.isEmpty && before.zoneCells.isEmpty)
            let later = try ZoneShapes.read(try await s.maps.render(.incidence, unit: bienHoa, day: "2021-11-15"))
            #expect(later.zonePaths.count == 1 && later.zoneCells.isEmpty)
            let other = try ZoneShapes.read(try await s.maps.render(.risk, unit: try #require(try await s.areas.unit(code: "732", vintage: "2021")),
                                                                    day: "2021-11-06"))
            #expect(other.zonePaths.isEmpty && other.zoneCells.isEmpty && other.circles.isEmpty)
            // The province map draws the polygon; its communes have no cells there.
            let whole = try ZoneShapes.read(try await s.maps.render(.risk, unit: province, day: "2021-11-06"))
            #expect(whole.zonePaths.count == 1 && whole.zoneCells.isEmpty && whole.circles.count == 2)
        }
    }
}

/// What a map's SVG draws, read with an XML parser: zone paths and cells (their titles / codes), circles (their
/// titles), and the projection on the root element.
final class ZoneShapes: NSObject, XMLParserDelegate {
    struct Projection {
        let minLon, maxLat, scale, squash, left, top: Double
        func lon(_ x: Double) -> Double { minLon + (x - left) / (squash * scale) }
        func lat(_ y: Double) -> Double { maxLat - (y - top) / scale }
    }
    var zonePaths: [String] = []
    var zoneCells: [String] = []
    var circles: [String] = []
    var projection: Projection?
    var firstZonePoint: (x: Double, y: Double)?
    private var stack: [(name: String, attributes: [String: String])] = []
    private var text = ""

    static func read(_ svg: String) throws -> ZoneShapes {
        let shapes = ZoneShapes()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = shapes
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.coderReadCorrupt) }
        return shapes
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "svg", let d = { (k: String) in attributes[k].flatMap(Double.init) } as ((String) -> Double?)?,
           let a = d("data-min-lon"), let b = d("data-max-lat"), let c = d("data-scale"), let e = d("data-squash"), let f = d("data-left"), let g = d("data-top") {
            projection = Projection(minLon: a, maxLat: b, scale: c, squash: e, left: f, top: g)
        }
        if name == "path", stack.last?.attributes["class"] == "zones", firstZonePoint == nil, let path = attributes["d"] {
            let numbers = path.dropFirst().split { "MLZ ".contains($0) }.prefix(2).compactMap { Double($0) }
            if numbers.count == 2 { firstZonePoint = (numbers[0], numbers[1]) }
        }
        stack.append((name, attributes))
        text = ""
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let element = stack.removeLast()
        guard name == "title", let owner = stack.last else { return }
        if owner.name == "path" && stack.dropLast().last?.attributes["class"] == "zones" { zonePaths.append(text) }
        if owner.name == "rect" && owner.attributes["class"] == "zone", let code = stack.dropLast().last?.attributes["data-code"] { zoneCells.append(code) }
        if owner.name == "circle" && !stack.contains(where: { $0.name == "g" && $0.attributes["font-size"] == "12" }) { circles.append(text) }
        _ = element
    }
}

@Suite struct MapOverlayPlanTests {
    /// Every map reads the places F0 visited in its communes: by commune and time on the index, never a scan of all
    /// exposures (they grow with every tracing run).
    @Test func visitedPlacesAreReadThroughTheAreaIndex() async throws {
        try await ReportingWorld.with(.sqlite) { w in
            let query = MapOverlays.exposuresQuery(communes: w.communes, since: Date(timeIntervalSince1970: 1_630_000_000),
                                                   until: Date(timeIntervalSince1970: 1_631_000_000))
            let plan = try await QueryPlan.lines(query, kind: .sqlite, analyzing: "venue_exposures", on: w.db)
            #expect(plan.contains { $0.contains("venue_exposures_by_area") }, "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN e") }, "\(plan)")
        }
    }
}
