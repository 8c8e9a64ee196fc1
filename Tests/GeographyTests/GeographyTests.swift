import Domain
import Foundation
import Geography
import Storage
import Testing
import TestSupport

func sharedRows(_ name: String) throws -> [[String]] { try SharedData.rows(name) }

func prepared(_ db: Database) async throws -> AreaStore {
    try await Migrator().migrate(db)
    let store = AreaStore(database: db)
    try await BundledAreas.loadIfNeeded(into: store)
    return store
}

@Suite struct BundledAreaTests {
    @Test(arguments: TestDatabases.kinds)
    func loadsEachVintageWithTheRightCounts(kind: DatabaseKind) async throws {
        try await TestDatabases.with(kind) { db in
            let store = try await prepared(db)
            #expect(try await store.vintages() == ["2021", "2025-01", "2025-07"])
            for (vintage, file) in [("2021", "dong-nai-communes-2021.csv"), ("2025-01", "dong-nai-communes-2025-01.csv")] {
                let rows = try sharedRows(file)
                let districts = Set(rows.map { $0[2] })
                let provinces = try await store.children(of: nil, vintage: vintage)
                #expect(provinces.map(\.code) == ["75"])
                let loadedDistricts = try await store.children(of: "75", vintage: vintage)
                #expect(Set(loadedDistricts.map(\.code)) == districts)
                var communes = 0
                for district in loadedDistricts {
                    let children = try await store.children(of: district.code, vintage: vintage)
                    #expect(Set(children.map(\.code)) == Set(rows.filter { $0[2] == district.code }.map { $0[4] }))
                    communes += children.count
                }
                #expect(communes == rows.count)
            }
            let mapping = try sharedRows("dong-nai-old-to-new-2025-07.csv")
            #expect(try await store.children(of: "75", vintage: "2025-07").count == Set(mapping.map { $0[2] }).count)
            #expect(try await BundledAreas.loadIfNeeded(into: store) == false)
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func ancestorsAndLookups(kind: DatabaseKind) async throws {
        try await TestDatabases.with(kind) { db in
            let store = try await prepared(db)
            let unit = try #require(try await store.unit(code: "25993", vintage: "2021"))
            #expect(unit.name == "Phường Trảng Dài")
            #expect(unit.level == .commune)
            #expect(try await store.ancestors(of: "25993", vintage: "2021").map(\.code) == ["75", "731"])
            #expect(try await store.unit(code: "99999", vintage: "2021") == nil)
            #expect(try await store.search("trang dai", vintage: "2021").map(\.code) == ["25993"])
            #expect(try await store.population(of: "75").first?.population == 3_097_107)
            // District estimates share the provincial total (to rounding) and say they are estimates.
            var sum: Int64 = 0
            for district in try await store.children(of: "75", vintage: "2021") {
                let figure = try #require(try await store.population(of: district.code).first)
                #expect(figure.source.hasPrefix("Ước tính"))
                sum += figure.population
            }
            #expect(abs(sum - 3_097_107) <= 11)
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func successorsFrom2021To2025July(kind: DatabaseKind) async throws {
        try await TestDatabases.with(kind) { db in
            let store = try await prepared(db)
            let mapping = try sharedRows("dong-nai-old-to-new-2025-07.csv")
            // The split commune maps to both of its successors.
            let split = try await store.successors2021To202507("26449")
            #expect(Set(split.map(\.newCode)) == Set(mapping.filter { $0[4] == "26449" }.map { $0[2] }))
            #expect(split.count == 2)
            #expect(split.allSatisfy { $0.isPartial })
            // Every 2021 commune that kept its code has exactly the successors the official table lists.
            let kept = Set(try sharedRows("dong-nai-communes-2025-01.csv").map { $0[4] })
            for row in try sharedRows("dong-nai-communes-2021.csv") where kept.contains(row[4]) {
                let expected = Set(mapping.filter { $0[4] == row[4] }.map { $0[2] })
                #expect(Set(try await store.successors2021To202507(row[4]).map(\.newCode)) == expected, "\(row[4])")
            }
            // A commune merged away in January 2025 has no successor until Resolution 1278's table is loaded.
            #expect(try await store.successors2021To202507("26026").isEmpty)
        }
    }
}

@Suite struct ReaggregationTests {
    @Test func movesWholeUnitsAndSetsSplitsAside() {
        let successors: [String: [AreaSuccession]] = [
            "a": [AreaSuccession(oldCode: "a", newCode: "X", note: "Nhập toàn bộ")],
            "b": [AreaSuccession(oldCode: "b", newCode: "X", note: "Nhập toàn bộ")],
            "c": [AreaSuccession(oldCode: "c", newCode: "X", note: "Nhập một phần"),
                  AreaSuccession(oldCode: "c", newCode: "Y", note: "Nhập một phần")],
        ]
        let result = Reaggregation.reaggregate(["a": 3, "b": 4, "c": 5, "d": 1]) { successors[$0] ?? [] }
        #expect(result.counts == ["X": 7])
        #expect(result.unplaced == ["c": 5, "d": 1])
        let placed: Int = result.counts.values.reduce(0, +)
        let unplaced: Int = result.unplaced.values.reduce(0, +)
        #expect(placed + unplaced == 13)
    }
}

@Suite struct AreaListParserTests {
    @Test func reportsBadCodesByLine() {
        let csv = AreaListParser.columns.joined(separator: ",") + "\n75,T,731,H,2599,X,Xã\n75,T,7x1,H,25996,Y,Xã\n"
        #expect(throws: ValidationFailure.self) { try AreaListParser.units(csv: csv, vintage: "t") }
        do {
            _ = try AreaListParser.units(csv: csv, vintage: "t")
        } catch let failure as ValidationFailure {
            #expect(failure.errors.map(\.field) == ["line 2", "line 3"])
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func importsAnotherProvince(kind: DatabaseKind) async throws {
        try await TestDatabases.with(kind) { db in
            let store = try await prepared(db)
            let csv = AreaListParser.columns.joined(separator: ",") + "\n70,Tỉnh Bình Phước,689,Thành phố Đồng Xoài,25195,Phường Tân Phú,Phường\n"
            try await store.load(vintage: "2021", description: "test", units: try AreaListParser.units(csv: csv, vintage: "2021"))
            #expect(try await store.children(of: nil, vintage: "2021").map(\.code) == ["70", "75"])
            #expect(try await store.ancestors(of: "25195", vintage: "2021").map(\.code) == ["70", "689"])
        }
    }
}
