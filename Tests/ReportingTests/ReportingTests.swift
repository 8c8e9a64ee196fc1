import Accounts
import Domain
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Geography
@testable import Reporting
import SQLKit
import Storage
import Testing
import TestSupport

@Suite struct RiskRuleTests {
    static let levels = [RiskLevelName(level: 1, vi: "1", en: "1", color: "#0f0"), RiskLevelName(level: 2, vi: "2", en: "2", color: "#ff0"),
                         RiskLevelName(level: 3, vi: "3", en: "3", color: "#f80"), RiskLevelName(level: 4, vi: "4", en: "4", color: "#f00")]

    static func set(_ id: String, _ from: String, _ to: String?, bands: [RiskRuleSet.Band]? = nil, measure: String = "f0_community") -> RiskRuleSet {
        RiskRuleSet(id: id, document: "QĐ \(id)", from: from, to: to, measure: measure, windowDays: 7, perPopulation: 100_000,
                    bands: bands ?? [.init(below: 20, level: 1), .init(below: 50, level: 2), .init(below: 150, level: 3), .init(below: nil, level: 4)],
                    notes: "")
    }

    @Test func theBundledRulesLoadAndBandTheRateAsDecision4800Does() throws {
        let table = try RiskRuleTable.bundled()
        let set = try #require(table.ruleSet(on: "2021-11-01"))
        #expect(set.document.contains("4800") && set.measure == "f0_community" && set.windowDays == 7)
        #expect([0, 19.99, 20, 49.99, 50, 149.9, 150, 10_000].map(set.level(forRate:)) == [1, 1, 2, 2, 3, 3, 4, 4])
        #expect(table.ruleSet(on: "2021-10-11") == nil, "before Resolution 128")
        #expect(table.ruleSet(on: "2022-01-27") == nil, "replaced by Decision 218, not encoded")
        #expect((1...4).allSatisfy { table.name(of: $0) != nil })
    }

    @Test func overlappingPeriodsUnorderedBandsAndUnknownMeasuresAreRefused() throws {
        #expect(throws: ValidationFailure.self) {
            try RiskRuleTable(ruleSets: [Self.set("a", "2021-01-01", "2021-06-30"), Self.set("b", "2021-06-30", nil)], levels: Self.levels)
        }
        #expect(throws: ValidationFailure.self) {
            try RiskRuleTable(ruleSets: [Self.set("a", "2021-01-01", nil), Self.set("b", "2022-01-01", nil)], levels: Self.levels)
        }
        #expect(throws: ValidationFailure.self) {
            try RiskRuleTable(ruleSets: [Self.set("a", "2021-01-01", nil, bands: [.init(below: 50, level: 1), .init(below: 20, level: 2),
                                                                                   .init(below: nil, level: 3)])], levels: Self.levels)
        }
        #expect(throws: ValidationFailure.self) {
            try RiskRuleTable(ruleSets: [Self.set("a", "2021-01-01", nil, measure: "nonsense")], levels: Self.levels)
        }
        let ok = try RiskRuleTable(ruleSets: [Self.set("b", "2021-07-01", nil), Self.set("a", "2021-01-01", "2021-06-30")], levels: Self.levels)
        #expect(ok.ruleSet(on: "2021-06-30")?.id == "a" && ok.ruleSet(on: "2021-07-01")?.id == "b")
    }
}

@Suite struct BoundaryTests {
    @Test func theBundledDistrictsAreTheElevenUnitsOfTheAdminList() throws {
        let districts = try BoundaryReader.bundledDistricts()
        let listed = Set(try SharedData.rows("dong-nai-communes-2021.csv").map { $0[2] })
        #expect(Set(districts.map(\.code)) == listed)
        #expect(districts.allSatisfy { !$0.rings.isEmpty && $0.rings.allSatisfy { $0.count >= 4 && $0.first == $0.last } })
    }

    static func collection(_ features: String) -> Data { Data(#"{"type":"FeatureCollection","features":[\#(features)]}"#.utf8) }
    static let square = "[[107.0,11.0],[107.1,11.0],[107.1,11.1],[107.0,11.1],[107.0,11.0]]"

    @Test func brokenFilesAreRefusedWithTheReasonAndNothingIsKept() throws {
        func errors(_ data: Data) -> [String] {
            do {
                _ = try BoundaryReader.read(data, codeProperty: "code") { ["25993", "25996"].contains($0) }
                return []
            } catch let failure as ValidationFailure {
                return failure.errors.map { "\($0.field): \($0.reason)" }
            } catch {
                return ["\(error)"]
            }
        }
        let good = #"{"type":"Feature","properties":{"code":"25993"},"geometry":{"type":"Polygon","coordinates":[\#(Self.square)]}}"#
        #expect(errors(Self.collection(good)).isEmpty)
        let open = #"{"type":"Feature","properties":{"code":"25996"},"geometry":{"type":"Polygon","coordinates":[[[107.0,11.0],[107.1,11.0],[107.1,11.1],[107.0,11.1]]]}}"#
        #expect(errors(Self.collection(good + "," + open)).contains { $0.contains("25996") && $0.contains("not closed") })
        let tiny = #"{"type":"Feature","properties":{"code":"25996"},"geometry":{"type":"Polygon","coordinates":[[[107.0,11.0],[107.1,11.0],[107.0,11.0]]]}}"#
        #expect(errors(Self.collection(tiny)).contains { $0.contains("fewer than 4") })
        let unknown = good.replacingOccurrences(of: "25993", with: "99999")
        #expect(errors(Self.collection(unknown)).contains { $0.contains("unknown area code 99999") })
        #expect(errors(Self.collection(good + "," + good)).contains { $0.contains("appears twice") })
        let faraway = good.replacingOccurrences(of: "107.0,11.0", with: "2.35,48.85")
        #expect(errors(Self.collection(faraway)).contains { $0.contains("near Viet Nam") })
        let point = #"{"type":"Feature","properties":{"code":"25993"},"geometry":{"type":"Point","coordinates":[107.0,11.0]}}"#
        #expect(errors(Self.collection(point)).contains { $0.contains("Polygon or MultiPolygon") })
        #expect(errors(Data("not json".utf8)).contains { $0.contains("not a JSON object") })
        #expect(errors(Data(#"{"type":"Feature"}"#.utf8)).contains { $0.contains("FeatureCollection") })
        #expect(errors(Data(repeating: 0x20, count: BoundaryReader.maxBytes + 1)).contains { $0.contains("at most") })
    }
}

@Suite struct MapDrawingTests {
    @Test func theDistrictMapIsWellFormedSVGWithOneTitledShapePerDistrict() throws {
        let districts = try BoundaryReader.bundledDistricts()
        let regions = districts.map { MapRegion(code: $0.code, name: "Huyện <\($0.code)> & co", fill: "#abcdef", title: "Huyện \($0.code): 3 ca", label: "3") }
        var map = MapSVG(title: "Bản đồ <thử>", subtitle: "ngày", regions: regions, boundaries: districts,
                         legend: [LegendEntry(color: "#abcdef", label: "< 20")], caption: "nguồn")
        map.grid = [MapRegion(code: "25993", name: "Phường Trảng Dài", fill: "#eeeeee", title: "Trảng Dài", label: "0")]
        map.gridHeading = "Xã"
        let svg = map.render()
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = ShapeCollector()
        parser.delegate = collector
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(collector.pathCodes.sorted() == districts.map(\.code).sorted())
        #expect(collector.titles.contains("Huyện 731: 3 ca"))
        #expect(collector.gridCodes == ["25993"])
        #expect(!svg.contains("<thử>") && svg.contains("&lt;thử&gt;"))
        // Every drawn point lies inside the picture.
        #expect(collector.maxCoordinate <= map.width && collector.minCoordinate >= 0)
    }

    /// A long legend label wraps onto lines that fit the legend's column instead of running off the picture.
    @Test func longLegendLabelsWrapInsideThePicture() throws {
        let districts = try BoundaryReader.bundledDistricts()
        let label = "Cấp 1 — nguy cơ thấp (bình thường mới)"
        let map = MapSVG(title: "t", subtitle: "s", regions: districts.map { MapRegion(code: $0.code, name: $0.code, fill: "#eee", title: $0.code) },
                         boundaries: districts, legend: [LegendEntry(color: "#2e7d32", label: label), LegendEntry(color: "#f00", label: "Cấp 4")],
                         caption: "c")
        let svg = map.render()
        #expect(XMLParser(data: Data(svg.utf8)).parse())
        let x = String(format: "%.1f", map.width - 16 - 190 + 22)
        let lines = svg.components(separatedBy: "<text x=\"\(x)\"").dropFirst().map { piece in
            String(piece.drop { $0 != ">" }.dropFirst().prefix { $0 != "<" })
        }
        #expect(lines.count == 3 && lines.allSatisfy { $0.count <= 26 }, "\(lines)")
        #expect(lines.prefix(2).joined(separator: " ") == label && lines.last == "Cấp 4")
    }

    @Test func labelsSitInsideTheirDistrict() throws {
        for district in try BoundaryReader.bundledDistricts() {
            let p = MapGeometryProbe.label(district)
            #expect(MapGeometryProbe.inside(p, district), "label of \(district.code) falls outside it")
        }
    }
}

final class ShapeCollector: NSObject, XMLParserDelegate {
    var pathCodes: [String] = []
    var gridCodes: [String] = []
    var titles: [String] = []
    var minCoordinate = Double.infinity
    var maxCoordinate = -Double.infinity
    private var text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        text = ""
        if name == "path", let code = attributes["data-code"] {
            pathCodes.append(code)
            let numbers = (attributes["d"] ?? "").split { "MLZ ".contains($0) }.compactMap { Double($0) }
            minCoordinate = min(minCoordinate, numbers.min() ?? 0)
            maxCoordinate = max(maxCoordinate, numbers.max() ?? 0)
        }
        if name == "g", let code = attributes["data-code"] { gridCodes.append(code) }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "title" { titles.append(text) }
    }
}

/// Point-in-polygon by ray casting, written here independently of the map code.
enum MapGeometryProbe {
    static func label(_ b: Boundary) -> Boundary.Point { MapSVG.labelPoint(b) }

    static func inside(_ p: Boundary.Point, _ b: Boundary) -> Bool {
        var crossings = 0
        for ring in b.rings {
            for (a, c) in zip(ring, ring.dropFirst()) where (a.lat > p.lat) != (c.lat > p.lat) {
                let lon = a.lon + (p.lat - a.lat) / (c.lat - a.lat) * (c.lon - a.lon)
                if p.lon < lon { crossings += 1 }
            }
        }
        return crossings % 2 == 1
    }
}

@Suite struct StatisticsTests {
    /// Counts spread over communes and days, half folded and half pending; every grouping must equal a brute-force sum.
    @Test(arguments: TestDatabases.kinds)
    func seriesEqualBruteForceSumsForEveryGroupingAndArea(kind: DatabaseKind) async throws {
        try await ReportingWorld.with(kind) { w in
            var rng = SeededRandom(11)
            let areas = AreaStore(database: w.db)
            let communes = ["25993", "25996", "26002", "26071", "26470"]
            var truth: [(commune: String, day: String, n: Int64)] = []
            try await w.db.write { db in
                for _ in 0..<300 {
                    let row = (commune: rng.pick(communes), day: LocalDay.adding(rng.int(0...40), to: "2021-09-01")!, n: Int64(rng.int(-2...9)))
                    truth.append(row)
                    try await db.raw("""
                        INSERT INTO count_deltas (measure, day, commune_code, n) VALUES ('f0_new', \(bind: row.day), \(bind: row.commune), \(bind: row.n))
                        """).run()
                }
            }
            try await Aggregates.fold(w.db, limit: 150)
            let stats = Statistics(database: w.db, areas: areas)
            for area in ["75", "731", "25993", "742"] {
                let inside = Set(try await stats.communes(under: try #require(try await areas.unit(code: area, vintage: "2021"))).map(\.code))
                for grouping in StatsGrouping.allCases {
                    let answer = try await stats.answer(StatsQuery(measures: [.f0New], areaCode: area, from: "2021-09-05", to: "2021-09-30",
                                                                   groupBy: grouping), for: w.admin, trace: w.trace)
                    let rows = truth.filter { inside.contains($0.commune) && $0.day >= "2021-09-05" && $0.day <= "2021-09-30" }
                    var expected: [String: Int64] = [:]
                    for row in rows {
                        let key: String
                        switch grouping {
                        case .day: key = row.day
                        case .week: key = Statistics.isoWeek(row.day)
                        case .commune: key = row.commune
                        case .district: key = try #require(try await areas.unit(code: row.commune, vintage: "2021")?.parentCode)
                        }
                        expected[key, default: 0] += row.n
                    }
                    let points = try #require(answer.series.first).points
                    let got = Dictionary(points.map { ($0.key, $0.value) }, uniquingKeysWith: +).filter { $0.value != 0 }
                    #expect(got == expected.filter { $0.value != 0 }, "\(area) by \(grouping)")
                    #expect(answer.series[0].total == rows.reduce(0) { $0 + $1.n })
                    if grouping == .day { #expect(points.count == 26, "every day of the range, zeros included") }
                    if grouping == .commune { #expect(Set(points.map(\.key)) == inside, "every commune of the area") }
                }
            }
            // Week keys are ISO weeks: 2021-09-05 is a Sunday (week 35), 2021-09-06 a Monday (week 36).
            #expect(Statistics.isoWeek("2021-09-05") == "2021-W35" && Statistics.isoWeek("2021-09-06") == "2021-W36")
            #expect(Statistics.isoWeek("2021-01-03") == "2020-W53")
        }
    }

    @Test func queriesAreCheckedAndEveryProblemNamed() throws {
        #expect(throws: ValidationFailure.self) { try StatsQuery.parse(measure: "f0_new,bogus", area: nil, from: nil, to: nil, groupBy: nil, defaultArea: "75", today: "2021-10-01") }
        do {
            _ = try StatsQuery.parse(measure: "bogus", area: nil, from: "2018-01-01", to: "2021-10-01", groupBy: "month", defaultArea: "75", today: "2021-10-01")
            Issue.record("accepted")
        } catch let failure as ValidationFailure {
            let text = failure.errors.map { "\($0.field): \($0.reason)" }.joined(separator: "; ")
            #expect(text.contains("unknown measure bogus") && text.contains("at most 3 years") && text.contains("groupBy"), "\(text)")
        }
        #expect(throws: ValidationFailure.self) { try StatsQuery.parse(measure: "f0_new", area: nil, from: "2021-10-05", to: "2021-10-01", groupBy: nil, defaultArea: "75", today: "x") }
        #expect(throws: ValidationFailure.self) { try StatsQuery.parse(measure: "f0_new", area: nil, from: "2021-02-30", to: nil, groupBy: nil, defaultArea: "75", today: "2021-10-01") }
        let q = try StatsQuery.parse(measure: "f0_new, positives", area: "", from: nil, to: nil, groupBy: "week", defaultArea: "731", today: "2021-10-28")
        #expect(q == StatsQuery(measures: [.f0New, .positives], areaCode: "731", from: "2021-10-01", to: "2021-10-28", groupBy: .week))
    }

    @Test(arguments: TestDatabases.kinds)
    func theCountsReadStaysOnTheKeyOfDailyCounts(kind: DatabaseKind) async throws {
        try await ReportingWorld.with(kind) { w in
            try await w.db.write { db in
                for i in 0..<2_000 {
                    try await db.raw("""
                        INSERT INTO daily_counts (measure, day, commune_code, n)
                        VALUES (\(bind: Measure.allCases[i % Measure.allCases.count].rawValue), \(bind: LocalDay.adding(i / 20, to: "2021-01-01")!), '25993', 1)
                        """).run()
                }
            }
            let sql: SQLQueryString = """
                SELECT measure, day, n FROM daily_counts WHERE measure IN ('f0_new') AND day >= '2021-02-01' AND day <= '2021-02-07'
                """
            let plan = try await QueryPlan.lines(sql, kind: kind, analyzing: "daily_counts", on: w.db)
            #expect(plan.contains { $0.contains("daily_counts_pkey") || $0.contains("sqlite_autoindex_daily_counts_1") }, "\(plan)")
            #expect(!plan.contains { $0.contains("SCAN daily_counts") || $0.contains("Seq Scan on daily_counts") }, "\(plan)")
        }
    }
}

@Suite struct RiskLevelTests {
    @Test(arguments: TestDatabases.kinds)
    func levelsFollowTheRateOfCommunityCasesWithTheirInputsAndAnnouncements(kind: DatabaseKind) async throws {
        try await ReportingWorld.with(kind) { w in
            let areas = AreaStore(database: w.db)
            let risk = RiskLevels(database: w.db, areas: areas, rules: try .bundled())
            let bienHoa = try #require(try await areas.population(of: "731").first).population
            let communePopulation = bienHoa / 30   // 30 communes in Biên Hòa (2021), an even share each
            // 60 per 100,000 in one commune over the week (level 3); 5 the week before (outside the window).
            let cases = Int64((Double(communePopulation) * 60 / 100_000).rounded(.up))
            try await w.db.write { db in
                try await db.raw("INSERT INTO daily_counts (measure, day, commune_code, n) VALUES ('f0_community', '2021-11-02', '25993', \(bind: cases))").run()
                try await db.raw("INSERT INTO count_deltas (measure, day, commune_code, n) VALUES ('f0_community', '2021-10-20', '25993', 5)").run()
                try await db.raw("INSERT INTO count_deltas (measure, day, commune_code, n) VALUES ('f0_new', '2021-11-02', '25996', 500)").run()
            }
            let levels = try await risk.assess(area: "731", day: "2021-11-05", for: w.admin, trace: w.trace)
            let district = try #require(levels.first)
            let commune = try #require(levels.first { $0.areaCode == "25993" })
            #expect(district.areaCode == "731" && levels.count == 31)
            #expect(commune.level == 3 && commune.cases == cases && commune.population?.estimated == true && commune.windowFrom == "2021-10-30")
            #expect(commune.document?.contains("4800") == true)
            #expect(levels.first { $0.areaCode == "25996" }?.level == 1, "f0_new is not community transmission")
            #expect(district.level == 1 && district.cases == cases)
            #expect(try await risk.assess(area: "731", day: "2021-10-01", for: w.admin, trace: w.trace).allSatisfy { $0.level == nil && $0.reason != nil },
                    "no rule set before Resolution 128")

            // An officer records the announced level; it shows beside the computed one for the days it covers.
            let officer = try await AccountStore(database: w.db, hasher: PasswordHasher(cost: 4)).createAsOperator(
                NewAccount(username: "bienhoa", displayName: "BH", password: "long-enough-pw", role: .districtOfficer, scopeCode: "731"), trace: .cli("t")).principal
            _ = try await risk.announce(NewAnnouncedLevel(areaCode: "25993", level: 4, from: "2021-11-04", document: "QĐ 123/UBND"), by: officer, trace: w.trace)
            let after = try await risk.assess(area: "25993", day: "2021-11-05", for: w.admin, trace: w.trace)
            #expect(after.first?.announced?.level == 4 && after.first?.level == 3)
            #expect(try await risk.assess(area: "25993", day: "2021-11-03", for: w.admin, trace: w.trace).first?.announced == nil)
            await #expect(throws: ValidationFailure.self) {
                try await risk.announce(NewAnnouncedLevel(areaCode: "25993", level: 5, from: "2021-11-04", document: ""), by: officer, trace: w.trace)
            }
            await #expect(throws: AccessDenied.self) {
                try await risk.announce(NewAnnouncedLevel(areaCode: "26071", level: 2, from: "2021-11-04", document: "x"), by: officer, trace: w.trace)
            }
            await #expect(throws: AccessDenied.self) { try await risk.assess(area: "732", day: "2021-11-05", for: officer, trace: w.trace) }
            let denials = try await w.count("SELECT COUNT(*) AS n FROM audit_log WHERE outcome LIKE 'denied%'")
            #expect(denials == 2)
            await #expect(throws: AreaNotFound.self) { try await risk.assess(area: "99999", day: "2021-11-05", for: w.admin, trace: w.trace) }
            let history = try await risk.history(area: "25993", from: "2021-11-01", to: "2021-11-10", for: w.admin, trace: w.trace)
            #expect(history.map { $0.level ?? 0 } == [1, 3, 3, 3, 3, 3, 3, 3, 1, 1])
        }
    }
}

@Suite struct BoundaryImportTests {
    @Test(arguments: TestDatabases.kinds)
    func importedCommuneOutlinesReplaceTheirGridCellsAndABadFileChangesNothing(kind: DatabaseKind) async throws {
        try await ReportingWorld.with(kind) { w in
            let areas = AreaStore(database: w.db)
            let store = BoundaryStore(database: w.db, areas: areas)
            let statistics = Statistics(database: w.db, areas: areas)
            let risk = RiskLevels(database: w.db, areas: areas, rules: try .bundled())
            let maps = EpidemicMaps(statistics: statistics, risk: risk, areas: areas, districts: try BoundaryReader.bundledDistricts(), imported: store)
            let bienHoa = try #require(try await areas.unit(code: "731", vintage: "2021"))
            func feature(_ code: String, _ lon: Double) -> String {
                let ring = "[[\(lon),10.95],[\(lon + 0.02),10.95],[\(lon + 0.02),10.97],[\(lon),10.97],[\(lon),10.95]]"
                return #"{"type":"Feature","properties":{"commune_code":"\#(code)"},"geometry":{"type":"Polygon","coordinates":[\#(ring)]}}"#
            }
            let before = try await maps.render(.incidence, unit: bienHoa, day: "2021-11-01")
            #expect(!before.contains(#"<path data-code="25993""#) && before.contains(#"<g data-code="25993""#))
            #expect(try await store.importGeoJSON(BoundaryTests.collection(feature("25993", 106.85) + "," + feature("25996", 106.88)),
                                                  codeProperty: "commune_code", source: "test") == 2)
            let after = try await maps.render(.incidence, unit: bienHoa, day: "2021-11-01")
            #expect(after.contains(#"<path data-code="25993""#) && !after.contains(#"<g data-code="25993""#))
            #expect(after.contains(#"<g data-code="26002""#), "communes without an outline stay in the grid")
            // One bad feature: nothing of the file is kept, the earlier outlines stay.
            await #expect(throws: ValidationFailure.self) {
                try await store.importGeoJSON(BoundaryTests.collection(feature("26002", 106.9) + "," + feature("12345", 106.8)),
                                              codeProperty: "commune_code", source: "bad")
            }
            #expect(Set(try await store.imported().keys) == ["25993", "25996"])
        }
    }
}

@Suite struct ReportExportTests {
    /// 12,001 F0 in the area (and others outside it or out of range): the export holds exactly those, in pages of at
    /// most `pageSize` rows, so memory stays bounded whatever the size.
    @Test(arguments: TestDatabases.kinds)
    func exportsComeInBoundedPagesAndHoldExactlyTheAreasRows(kind: DatabaseKind) async throws {
        try await ReportingWorld.with(kind) { w in
            let n = 12_001
            var persons: [[BulkValue]] = []
            var cases: [[BulkValue]] = []
            let now = Date()
            for i in 0..<(n + 300) {
                let id = Int64(1_000_000 + i)
                let commune = i < n ? (i % 2 == 0 ? "25993" : "26002") : (i % 2 == 0 ? "26071" : "25993")
                let day = i < n ? "2021-08-1\(i % 5)" : (i % 2 == 0 ? "2021-08-12" : "2021-09-01")
                persons.append([.int(id), .text("Người \(i), \"trích\""), .text("nguoi \(i)"), .text("qr\(id)"), .text(commune), .instant(now), .instant(now)])
                cases.append([.int(id), .int(id), .text("F0"), .text(commune), .text(day), .text(day), .text("pending"), .instant(now), .instant(now)])
            }
            try await w.db.bulkInsert("persons", columns: ["id", "full_name", "name_folded", "qr_token", "commune_code", "created_at", "updated_at"], rows: persons)
            try await w.db.bulkInsert("cases", columns: ["id", "person_id", "classification", "commune_code", "reported_on", "confirmed_on", "follow_up",
                                                         "created_at", "updated_at"], rows: cases)
            let exports = ReportExports(database: w.db, statistics: Statistics(database: w.db, areas: AreaStore(database: w.db)))
            let stream = try await exports.open(.f0, area: "731", from: "2021-08-10", to: "2021-08-14", by: w.admin, trace: w.trace)
            var sizes: [Int] = []
            var ids: [String] = []
            try await stream.forEachPage { rows in
                sizes.append(rows.count)
                ids += rows.map { $0[0] }
                #expect(rows.allSatisfy { $0.count == ReportKind.f0.header.count })
            }
            #expect(sizes == [5_000, 5_000, 2_001] || (sizes.allSatisfy { $0 <= ReportExports.pageSize } && sizes.reduce(0, +) == n), "\(sizes)")
            #expect(ids == (0..<n).map { String(1_000_000 + $0) }, "every case of the area and range, once, in order")
            #expect(try await w.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'export:f0'") == 1)
            // A district officer elsewhere is refused (audited); a leader has no case lists.
            let accounts = AccountStore(database: w.db, hasher: PasswordHasher(cost: 4))
            let longKhanh = try await accounts.createAsOperator(NewAccount(username: "longkhanh", displayName: "LK", password: "long-enough-pw",
                                                                           role: .districtOfficer, scopeCode: "732"), trace: .cli("t")).principal
            let leader = try await accounts.createAsOperator(NewAccount(username: "leader", displayName: "L", password: "long-enough-pw",
                                                                        role: .leader, scopeCode: "75"), trace: .cli("t")).principal
            await #expect(throws: AccessDenied.self) { try await exports.open(.f0, area: "731", from: "2021-08-10", to: "2021-08-14", by: longKhanh, trace: w.trace) }
            await #expect(throws: AccessDenied.self) { try await exports.open(.contacts, area: "75", from: "2021-08-10", to: "2021-08-14", by: leader, trace: w.trace) }
            await #expect(throws: ValidationFailure.self) { try await exports.open(.f0, area: "75", from: "2021-08-14", to: "2021-08-10", by: w.admin, trace: w.trace) }
        }
    }
}

@Suite struct CheckInExportTests {
    /// 12,001 check-ins of an area in one day, 7,000 of them at one instant and 3,000 at another (a factory gate at
    /// shift change), with fractional seconds, beside check-ins elsewhere and on the next day: the export hands them
    /// over in pages of at most `pageSize`, each exactly once, in time order — however many share an instant.
    @Test(arguments: TestDatabases.kinds)
    func checkInsComeInBoundedPagesWhateverTheirDensity(kind: DatabaseKind) async throws {
        try await ReportingWorld.with(kind) { w in
            let now = Date()
            let dayStart = try #require(LocalDay.start("2021-08-10"))
            try await w.db.bulkInsert("venues", columns: ["id", "token", "name", "name_folded", "venue_type", "address", "commune_code", "dwell_minutes",
                                                          "status", "created_at", "updated_at"],
                                      rows: [[.int(900), .text("tok-gate"), .text("Cổng KCN"), .text("cong kcn"), .text("business"), .text("KCN Amata"),
                                              .text("25993"), .int(480), .text("approved"), .instant(now), .instant(now)]])
            let people = (0..<50).map { i -> [BulkValue] in
                [.int(Int64(2_000_000 + i)), .text("Công nhân \(i)"), .text("cong nhan \(i)"), .text("qr-w\(i)"), .text("25993"), .instant(now), .instant(now)]
            }
            try await w.db.bulkInsert("persons", columns: ["id", "full_name", "name_folded", "qr_token", "commune_code", "created_at", "updated_at"], rows: people)
            let crowd = dayStart.addingTimeInterval(7 * 3600 + 0.123457)
            var rows: [[BulkValue]] = []
            var expected = Set<String>()
            for i in 0..<12_301 {
                let inArea = i < 12_001
                let at: Date = switch i {
                case ..<7_000: crowd
                case ..<10_000: crowd.addingTimeInterval(0.5)
                case ..<12_001: dayStart.addingTimeInterval(Double(i % 86_000) + 0.25)
                case ..<12_151: dayStart.addingTimeInterval(86_400 + Double(i))  // the next day
                default: crowd  // the same instant, another district
                }
                let id = String(format: "e%010d", (i * 7_919) % 1_000_003)
                if inArea { expected.insert(id) }
                rows.append([.text(id), .int(900), .int(Int64(2_000_000 + i % 50)), .text(i >= 12_151 ? "26071" : "25993"), .instant(at), .null, .instant(now)])
            }
            try await w.db.bulkInsert("checkins", columns: ["event_id", "venue_id", "person_id", "commune_code", "checked_in_at", "checked_out_at", "received_at"],
                                      rows: rows)
            let exports = ReportExports(database: w.db, statistics: Statistics(database: w.db, areas: AreaStore(database: w.db)))
            let stream = try await exports.open(.checkins, area: "731", from: "2021-08-10", to: "2021-08-10", by: w.admin, trace: w.trace)
            var sizes: [Int] = []
            var ids: [String] = []
            var times: [String] = []
            try await stream.forEachPage { page in
                sizes.append(page.count)
                ids += page.map { $0[0] }
                times += page.map { $0[1] }
            }
            #expect(sizes.allSatisfy { $0 <= ReportExports.pageSize } && sizes.count >= 3, "\(sizes)")
            #expect(ids.count == expected.count && Set(ids) == expected, "every check-in of the area and day exactly once (\(ids.count) rows)")
            #expect(times == times.sorted(), "in time order")

            // With a cursor, the page is read along the time index, in its order (time, rowid): nothing is sorted.
            if kind == .sqlite {
                let query = ReportStream.checkInPage(after: .init(at: crowd.timeIntervalSince1970, tie: Int64(7)), from: dayStart,
                                                     to: dayStart.addingTimeInterval(86_400), scope: ScopeFilter(scopeCode: "731"), kind: .sqlite)
                let plan = try await QueryPlan.lines(query, kind: .sqlite, analyzing: "checkins", on: w.db)
                #expect(plan.contains { $0.contains("checkins_by_time") }, "\(plan)")
                #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "read in index order, nothing sorted: \(plan)")
            }
        }
    }
}

@Suite struct DashboardPlanTests {
    /// The dashboard reads the open cases every second per area: on SQLite each read must come from the `cases_states`
    /// index alone (no row of `cases` read), or it slows with every case the province holds.
    @Test func theOpenCaseReadsAreAnsweredFromTheStatesIndex() async throws {
        try await ReportingWorld.with(.sqlite) { w in
            let scope = ScopeFilter(scopeCode: "75")
            for query in [Dashboard.activeQuery(scope), Dashboard.untracedQuery(scope), Dashboard.uncontactedQuery(scope)] {
                let plan = try await QueryPlan.lines(query, kind: .sqlite, analyzing: "cases", on: w.db)
                #expect(plan.contains { $0.contains("COVERING INDEX cases_states") }, "\(plan)")
                #expect(!plan.contains { $0.hasPrefix("SCAN cases") || $0.hasPrefix("SCAN c") }, "\(plan)")
            }
        }
    }
}
