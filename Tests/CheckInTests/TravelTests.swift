import Accounts
import CheckIn
import Domain
import Foundation
import Geography
import People
import SQLKit
import Storage
import Testing
import TestSupport

@Suite struct VehiclePlateTests {
    @Test func vietnamesePlatesAreNormalisedAndShownTheWayThePoliceWriteThem() {
        let accepted = ["60A-123.45": "60A12345", "51f12345": "51F12345", "51F-1234": "51F1234", "59-X1 234.56": "59X123456",
                        "51LD-123.45": "51LD12345", " 60c 222 33 ": "60C22233"]
        for (raw, normal) in accepted { #expect(VehiclePlate.normalised(raw) == normal, "\(raw)") }
        for raw in ["", "ABC", "6A-12345", "60-12345", "60A-12", "60A-1234567", "60A-12.3X5", "60Ă-123.45", "'; DROP TABLE--"] {
            #expect(VehiclePlate.normalised(raw) == nil, "\(raw)")
        }
        #expect(VehiclePlate.display("60A12345") == "60A-123.45")
        #expect(VehiclePlate.display("51F1234") == "51F-1234")
        #expect(VehiclePlate.display("59X123456") == "59X1-234.56")
    }

    @Test func theProvinceListHasSixtyThreeUnitsWithDistinctTwoDigitCodes() {
        let codes = Provinces.vietnam2021.map(\.code)
        #expect(codes.count == 63 && Set(codes).count == 63)
        #expect(codes.allSatisfy { $0.count == 2 && $0.allSatisfy(\.isNumber) } && codes == codes.sorted())
        #expect(Provinces.named("79")?.name == "Thành phố Hồ Chí Minh" && Provinces.named("75")?.name == "Tỉnh Đồng Nai")
        #expect(Provinces.named("03") == nil)
        let now = Provinces.vietnam2025.map(\.code)
        #expect(now.count == 34 && Set(now).count == 34 && now == now.sorted() && Set(now).isSubset(of: Set(codes)))
        #expect(Provinces.named("74", vintage: "2025-07") == nil, "Bình Dương is part of Ho Chi Minh City since July 2025")
        #expect(Provinces.named("46", vintage: "2025-07")?.name == "Thành phố Huế" && Provinces.displayName("74", vintage: "2025-07") == "Tỉnh Bình Dương")
    }
}

/// A province with checkpoints and staff, for the travel store's tests.
struct TravelWorld {
    let db: Database
    let store: TravelStore
    let admin: Principal
    let officer731: Principal
    let officer732: Principal
    let station25993: Principal
    let cdc: Principal
    let guardHoaAn: Principal
    let guardLongThanh: Principal
    let hoaAn: Checkpoint
    let phuocThai: Checkpoint
    let trace = RequestTrace(route: "test", requestID: "t")

    static func with<T: Sendable>(_ kind: DatabaseKind, _ body: (TravelWorld) async throws -> T) async throws -> T {
        try await TestDatabases.with(kind) { db in
            try await Migrator().migrate(db)
            try await BundledAreas.loadIfNeeded(into: AreaStore(database: db))
            let accounts = AccountStore(database: db, hasher: PasswordHasher(cost: 4))
            func make(_ role: Role, _ scope: String, _ name: String) async throws -> Principal {
                try await accounts.createAsOperator(NewAccount(username: name, displayName: name, password: "long-enough-pw", role: role,
                                                               scopeCode: scope), trace: .cli("test")).principal
            }
            let admin = try await make(.admin, "75", "admin")
            let store = TravelStore(database: db)
            let trace = RequestTrace(route: "test", requestID: "t")
            let hoaAn = try await store.createCheckpoint(NewCheckpoint(code: "bh-hoaan", name: "Chốt cầu Hóa An", communeCode: "26068", road: "ĐT 768"),
                                                         by: admin, trace: trace)
            let phuocThai = try await store.createCheckpoint(NewCheckpoint(code: "LT-QL51", name: "Chốt QL51", communeCode: "26422"), by: admin, trace: trace)
            return try await body(TravelWorld(
                db: db, store: store, admin: admin, officer731: try await make(.districtOfficer, "731", "d731"),
                officer732: try await make(.districtOfficer, "732", "d732"), station25993: try await make(.communeOfficer, "25993", "c25993"),
                cdc: try await make(.epidemiologist, "75", "cdc"), guardHoaAn: try await make(.checkpointOfficer, "731", "g731"),
                guardLongThanh: try await make(.checkpointOfficer, "740", "g740"), hoaAn: hoaAn, phuocThai: phuocThai))
        }
    }

    func count(_ table: String) async throws -> Int {
        try await db.read { try await $0.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()!.decode(column: "n", as: Int.self) }
    }

    func audits(_ action: String) async throws -> Int {
        try await db.read {
            try await $0.raw("SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE \(bind: action)").first()!.decode(column: "n", as: Int.self)
        }
    }
}

@Suite struct TravelStoreTests {
    static func vehicle(_ plate: String, _ direction: String, from origin: String, to destination: String, people: [PersonClaim],
                        checkpoint: Int64, at: Date? = nil) -> TravelSubmission {
        TravelSubmission(clientId: UUID().uuidString, checkpointId: checkpoint, direction: direction, crossedAt: at, plate: plate, vehicleType: "car",
                         origin: origin, destination: destination, destinationDetail: "Số 12 đường Đồng Khởi",
                         occupants: people.map { TravelSubmission.Occupant(person: $0) })
    }

    @Test(arguments: TestDatabases.kinds)
    func aVehicleIsRecordedOnceAndItsPeopleReachTheirDestinationsList(kind: DatabaseKind) async throws {
        try await TravelWorld.with(kind) { w in
            #expect(w.hoaAn.code == "BH-HOAAN")
            var car = Self.vehicle("51F-234.56", "entering", from: "79", to: "25993", people: [
                PersonClaim(idNumber: "079085001234", phone: "0903123456", name: "Huỳnh Văn Phúc"), PersonClaim(phone: "0903123456", name: "Huỳnh Thị Mai"),
            ], checkpoint: w.hoaAn.id)
            car.occupants[1].testStatus = "rapid_negative"
            car.occupants[1].testDay = LocalDay.string(Date())
            let first = try await w.store.record(car, by: w.guardHoaAn, trace: w.trace)
            #expect(!first.duplicate && SlipCode.isWellFormed(first.slipCode))
            // The entry page resends after a network loss: the same declaration, stored once.
            let again = try await w.store.record(car, by: w.guardHoaAn, trace: w.trace)
            #expect(again.id == first.id && again.slipCode == first.slipCode && again.duplicate)
            #expect(try await w.count("travel_declarations") == 1)
            #expect(try await w.count("travel_occupants") == 2)
            // New people are filed under the commune they go to, so its health station sees them.
            let communes = try await w.db.read { try await $0.raw("SELECT commune_code FROM persons ORDER BY id").all().map { try $0.decode(column: "commune_code", as: String?.self) } }
            #expect(communes == ["25993", "25993"])

            let day = LocalDay.string(Date())
            let list = try await w.store.arrivals(day: day, destination: "731", by: w.officer731, trace: w.trace)
            #expect(list.map(\.fullName) == ["Huỳnh Văn Phúc", "Huỳnh Thị Mai"] && list.map(\.role) == ["driver", "passenger"])
            #expect(list[0].originName == "Thành phố Hồ Chí Minh" && list[0].destinationName == "Phường Trảng Dài" && list[0].checkpoint == "Chốt cầu Hóa An")
            #expect(list[1].testStatus == "rapid_negative" && list[1].testDay == day && list[0].testDay == nil)
            #expect(try await w.store.arrivals(day: day, destination: "25993", by: w.station25993, trace: w.trace).count == 2)
            #expect(try await w.audits("export:arrivals") == 2)

            // Another district's officer, a commune reading a neighbour, a district reading another province: refused, audited.
            let denied = try await w.audits("denied:%")
            await #expect(throws: AccessDenied.self) { try await w.store.arrivals(day: day, destination: "731", by: w.officer732, trace: w.trace) }
            await #expect(throws: AccessDenied.self) { try await w.store.arrivals(day: day, destination: "26002", by: w.station25993, trace: w.trace) }
            await #expect(throws: AccessDenied.self) { try await w.store.arrivals(day: day, destination: "79", by: w.officer731, trace: w.trace) }
            #expect(try await w.audits("denied:%") == denied + 3)
            await #expect(throws: UnknownDestination.self) { try await w.store.arrivals(day: day, destination: "99", by: w.cdc, trace: w.trace) }
            await #expect(throws: UnknownDestination.self) { try await w.store.arrivals(day: day, destination: "7", by: w.cdc, trace: w.trace) }

            // The slip: for the checkpoint that recorded it and the destination; the public check carries no names.
            let slip = try await w.store.slip(first.slipCode, by: w.guardHoaAn, trace: w.trace)
            #expect(slip.people.map(\.fullName) == ["Huỳnh Văn Phúc", "Huỳnh Thị Mai"] && slip.plate == "51F23456")
            #expect(try await w.store.slip(first.slipCode, by: w.station25993, trace: w.trace).destinationName == "Phường Trảng Dài")
            await #expect(throws: AccessDenied.self) { try await w.store.slip(first.slipCode, by: w.guardLongThanh, trace: w.trace) }
            await #expect(throws: AccessDenied.self) { try await w.store.slip(first.slipCode, by: w.officer732, trace: w.trace) }
            let check = try await w.store.check(first.slipCode)
            #expect(check.plate == "51F-234.**" && check.people == 2 && check.checkpoint == "Chốt cầu Hóa An")
            #expect(!String(decoding: try JSONEncoder().encode(check), as: UTF8.self).contains("Huỳnh"))
            await #expect(throws: UnknownTravelSlip.self) { try await w.store.check("ZZZZZZZZ") }
            await #expect(throws: UnknownTravelSlip.self) { try await w.store.check("' OR 1=1 --") }
        }
    }

    /// Random crossings over three days and every kind of destination; each list must be exactly the travellers a
    /// brute-force filter of the submissions sends there, in crossing order.
    @Test(arguments: TestDatabases.kinds)
    func everyDestinationsListIsExactlyItsTravellers(kind: DatabaseKind) async throws {
        try await TravelWorld.with(kind) { w in
            var random = SystemRandomNumberGenerator()
            let communes = ["25993", "25996", "26002", "26068", "26422", "26443"]  // Biên Hòa ×4, Long Thành, Xuân Lộc
            let district = ["25993": "731", "25996": "731", "26002": "731", "26068": "731", "26422": "740", "26443": "741"]
            let provinces = ["79", "74", "77", "60"]
            let now = Date()
            var expected: [(slip: String, at: Date, destination: String, names: [String])] = []
            for i in 0..<60 {
                let direction = ["entering", "leaving", "transit"].randomElement(using: &random)!
                let origin = direction == "leaving" ? communes.randomElement(using: &random)! : provinces.randomElement(using: &random)!
                let destination = direction == "entering" ? communes.randomElement(using: &random)! : provinces.randomElement(using: &random)!
                // Whole minutes apart, so crossing order is the insertion order too.
                let at = now.addingTimeInterval(-Double(60 * (i * 67 % 4000) + 60))
                let names = (0..<Int.random(in: 1...4, using: &random)).map { "Người \(i)-\($0)" }
                let people = names.enumerated().map { PersonClaim(idNumber: String(format: "0750%02d%06d", $0.offset, i), name: $0.element) }
                let checkpoint = Bool.random(using: &random) ? w.hoaAn : w.phuocThai
                let guardian = checkpoint.id == w.hoaAn.id ? w.guardHoaAn : w.guardLongThanh
                let receipt = try await w.store.record(Self.vehicle("60A-\(String(format: "%03d", i)).45", direction, from: origin, to: destination,
                                                                   people: people, checkpoint: checkpoint.id, at: at), by: guardian, trace: w.trace)
                expected.append((receipt.slipCode, at, destination, names))
            }
            let days = Set(expected.map { LocalDay.string($0.at) })
            for day in days {
                for code in ["731", "740", "741", "25993", "26422"] + provinces {
                    let want = expected.filter { e in
                        LocalDay.string(e.at) == day
                            && (e.destination == code || district[e.destination] == code || (code.count == 2 && e.destination == code))
                    }.sorted { $0.at < $1.at }.flatMap { e in e.names.map { (e.slip, $0) } }
                    let got = try await w.store.arrivals(day: day, destination: code, by: w.cdc, trace: w.trace)
                    #expect(got.map(\.slipCode) == want.map(\.0) && got.map(\.fullName) == want.map(\.1), "\(code) on \(day)")
                }
                // The counts per destination a province account sees: districts and other provinces.
                let counts = try await w.store.arrivalCounts(day: day, by: w.cdc, trace: w.trace)
                let onDay = expected.filter { LocalDay.string($0.at) == day }
                var want: [String: (Int, Int)] = [:]
                for e in onDay {
                    let key = district[e.destination] ?? e.destination
                    want[key, default: (0, 0)].0 += 1
                    want[key, default: (0, 0)].1 += e.names.count
                }
                #expect(Dictionary(uniqueKeysWithValues: counts.map { ($0.destination, [$0.vehicles, $0.people]) })
                        == want.mapValues { [$0.0, $0.1] }, "counts on \(day)")
                // A district officer sees only its own district's row.
                let mine = try await w.store.arrivalCounts(day: day, by: w.officer731, trace: w.trace)
                #expect(mine.allSatisfy { $0.destination == "731" })
            }
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func badDeclarationsAreRefusedWithEveryFieldNamedAndNothingStored(kind: DatabaseKind) async throws {
        try await TravelWorld.with(kind) { w in
            func fields(_ s: TravelSubmission, by p: Principal? = nil) async -> [String] {
                do {
                    _ = try await w.store.record(s, by: p ?? w.guardHoaAn, trace: w.trace)
                    return ["accepted"]
                } catch let failure as ValidationFailure {
                    return failure.errors.map(\.field).sorted()
                } catch {
                    return ["\(type(of: error))"]
                }
            }
            let good = Self.vehicle("60A-123.45", "entering", from: "79", to: "25993", people: [PersonClaim(phone: "0912345678", name: "Lê Văn Tài")],
                                    checkpoint: w.hoaAn.id)
            var bad = good
            bad.clientId = "not-a-uuid"
            bad.direction = "sideways"
            bad.vehicleType = "spaceship"
            bad.plate = "<script>"
            bad.crossedAt = Date().addingTimeInterval(3600)
            bad.route = String(repeating: "x", count: 301)
            #expect(await fields(bad) == ["clientId", "crossedAt", "direction", "plate", "route", "vehicleType"])
            bad = good
            bad.crossedAt = Date().addingTimeInterval(-4 * 86400)
            #expect(await fields(bad) == ["crossedAt"])
            bad = good
            bad.occupants = []
            #expect(await fields(bad) == ["occupants"])
            bad.occupants = Array(repeating: good.occupants[0], count: 101)
            #expect(await fields(bad).contains("occupants"))
            bad = good
            bad.occupants = [TravelSubmission.Occupant(person: PersonClaim(idNumber: "123", name: "A")),
                             TravelSubmission.Occupant(person: PersonClaim(phone: "0912345678")),
                             TravelSubmission.Occupant(person: PersonClaim(phone: "0912345678", name: "Lê Văn Tài")),
                             TravelSubmission.Occupant(person: PersonClaim(phone: "0912345678", name: "le van tai"), testStatus: "positive"),
                             TravelSubmission.Occupant(person: PersonClaim(phone: "0987654321", name: "B"), testStatus: "pcr_negative"),
                             TravelSubmission.Occupant(person: PersonClaim(phone: "0987654322", name: "C"), testStatus: "pcr_negative",
                                                       testDay: LocalDay.adding(2, to: LocalDay.string(Date()))),
                             TravelSubmission.Occupant(person: PersonClaim(phone: "0987654323", name: "D"), testStatus: "rapid_negative",
                                                       testDay: "2021-01-01")]
            #expect(await fields(bad) == ["occupants[0].person.idNumber", "occupants[1].person.name", "occupants[3].person",
                                          "occupants[3].testStatus", "occupants[4].testDay", "occupants[5].testDay", "occupants[6].testDay"])
            // Places: unknown codes, a district instead of a commune, the province itself, and a direction they contradict.
            for (origin, destination, direction, want) in [
                ("79", "99999", "entering", ["destination"]), ("731", "25993", "entering", ["origin"]), ("79", "75", "entering", ["destination"]),
                ("79", "74", "entering", ["destination"]), ("79", "25993", "leaving", ["origin"]), ("79", "25993", "transit", ["direction"]),
                ("03", "77", "transit", ["origin"]),
            ] {
                bad = good
                (bad.origin, bad.destination, bad.direction) = (origin, destination, direction)
                #expect(await fields(bad) == want, "\(origin) → \(destination) \(direction)")
            }
            bad = good
            bad.occupants = [TravelSubmission.Occupant(person: PersonClaim(personToken: "no-such-token"))]
            #expect(await fields(bad) == ["occupants[0].person.personToken"])
            bad = good
            bad.checkpointId = 999_999
            #expect(await fields(bad) == ["UnknownCheckpoint"])
            // Another district's checkpoint staff, and a role that does not record travel: refused.
            #expect(await fields(good, by: w.guardLongThanh) == ["AccessDenied"])
            #expect(await fields(good, by: w.station25993) == ["AccessDenied"])
            #expect(try await w.count("travel_declarations") == 0)
            #expect(try await w.count("travel_occupants") == 0)
            // A closed checkpoint records nothing more; what it recorded before answers a resend as before.
            let earlier = Self.vehicle("60A-999.01", "entering", from: "79", to: "25993", people: [PersonClaim(phone: "0912999001", name: "Trước")],
                                       checkpoint: w.hoaAn.id)
            let before = try await w.store.record(earlier, by: w.guardHoaAn, trace: w.trace)
            try await w.store.setActive(w.hoaAn.id, false, by: w.officer731, trace: w.trace)
            #expect(await fields(good) == ["ClosedCheckpoint"])
            let resent = try await w.store.record(earlier, by: w.guardHoaAn, trace: w.trace)
            #expect(resent.duplicate && resent.slipCode == before.slipCode)
            #expect(try await w.store.checkpoints(in: "731").isEmpty)
            try await w.store.setActive(w.hoaAn.id, true, by: w.officer731, trace: w.trace)
            #expect(await fields(good) == ["accepted"])
            await #expect(throws: AccessDenied.self) { try await w.store.setActive(w.hoaAn.id, false, by: w.officer732, trace: w.trace) }
            // Checkpoints: their own validation and scope.
            await #expect(throws: ValidationFailure.self) {
                try await w.store.createCheckpoint(NewCheckpoint(code: "BH-HOAAN", name: "Again", communeCode: "26068"), by: w.admin, trace: w.trace)
            }
            await #expect(throws: ValidationFailure.self) {
                try await w.store.createCheckpoint(NewCheckpoint(code: "x", name: "", communeCode: "731"), by: w.admin, trace: w.trace)
            }
            await #expect(throws: AccessDenied.self) {
                try await w.store.createCheckpoint(NewCheckpoint(code: "LK-1", name: "Long Khánh", communeCode: "26422"), by: w.officer731, trace: w.trace)
            }
        }
    }

    /// A deployment on the 2025-07 units names the 34 provinces of now; lists for an old code stay readable.
    @Test func theProvincesOfTheDeploymentsVintageAreTheOnesARecordMayName() async throws {
        try await TravelWorld.with(.sqlite) { w in
            let now = TravelStore(database: w.db, vintage: "2025-07")
            var car = Self.vehicle("60A-123.45", "entering", from: "74", to: "25993", people: [PersonClaim(phone: "0912345678", name: "A")],
                                   checkpoint: w.hoaAn.id)
            await #expect(throws: ValidationFailure.self) { try await now.record(car, by: w.guardHoaAn, trace: w.trace) }
            car.origin = "79"
            #expect(try await now.record(car, by: w.guardHoaAn, trace: w.trace).duplicate == false)
            _ = try await w.store.record(Self.vehicle("60A-123.46", "leaving", from: "25993", to: "74", people: [PersonClaim(phone: "0912345679", name: "B")],
                                                      checkpoint: w.hoaAn.id), by: w.guardHoaAn, trace: w.trace)
            let old = try await now.arrivals(day: LocalDay.string(Date()), destination: "74", by: w.cdc, trace: w.trace)
            #expect(old.map(\.destinationName) == ["Tỉnh Bình Dương"])
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func theListIsReadThroughTheDestinationIndex(kind: DatabaseKind) async throws {
        try await TravelWorld.with(kind) { w in
            // A few thousand crossings over many days and destinations, so the planner has a reason to seek.
            try await w.db.write { db in
                for chunk in stride(from: 0, to: 3000, by: 200) {
                    var insert = db.insert(into: "travel_declarations").columns(
                        "client_id", "slip_code", "checkpoint_id", "commune_code", "crossed_at", "report_day", "direction", "plate", "vehicle_type",
                        "origin_code", "destination_code", "destination_district", "destination_province", "occupants", "recorded_at")
                    for i in chunk..<(chunk + 200) {
                        let district = ["731", "732", "740", "741", nil][i % 5]
                        insert = insert.values(
                            SQLBind(UUID().uuidString), SQLBind(String(format: "P%07d", i)), SQLBind(w.hoaAn.id), SQLBind("26068"), SQLBind(Date()),
                            SQLBind(LocalDay.adding(i % 90, to: "2021-07-01")!), SQLBind(district == nil ? "leaving" : "entering"), SQLBind("60A12345"),
                            SQLBind("car"), SQLBind(district == nil ? "26068" : "79"), SQLBind(district == nil ? "79" : "25993"), SQLBind(district),
                            SQLBind(district == nil ? ["79", "74", "77"][i % 3] : "75"), SQLBind(1), SQLBind(Date()))
                    }
                    try await insert.run()
                }
            }
            for destination in [ItineraryDestination(code: "731", kind: .district), ItineraryDestination(code: "79", kind: .otherProvince)] {
                let plan = try await QueryPlan.lines(TravelStore.arrivalsQuery(day: "2021-08-12", destination: destination), kind: kind,
                                                     analyzing: "travel_declarations", on: w.db).joined(separator: "\n")
                let index = destination.kind == .district ? "travel_by_destination_district" : "travel_by_destination_province"
                #expect(plan.contains(index), "\(plan)")
                #expect(!plan.contains("SCAN t\n") && !plan.contains("Seq Scan on travel_declarations"), "\(plan)")
            }
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func eachNightEveryDestinationGetsItsListOnce(kind: DatabaseKind) async throws {
        try await TravelWorld.with(kind) { w in
            let now = Date()
            let yesterday = LocalDay.adding(-1, to: LocalDay.string(now))!
            let crossing = LocalDay.start(yesterday)!.addingTimeInterval(10 * 3600)
            for (i, (direction, origin, destination)) in [("entering", "79", "25993"), ("entering", "74", "26422"), ("leaving", "25993", "77"),
                                                        ("entering", "79", "26002")].enumerated() {
                _ = try await w.store.record(Self.vehicle("60A-\(i)00.45", direction, from: origin, to: destination,
                                                          people: [PersonClaim(phone: "091234567\(i)", name: "Người, \"số\" \(i)")],
                                                          checkpoint: w.hoaAn.id, at: crossing.addingTimeInterval(Double(i * 60))),
                                             by: w.guardHoaAn, trace: w.trace, now: now)
            }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("itineraries-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let archive = ItineraryArchive(database: w.db, directory: directory)
            #expect(try await archive.writeDue(now: now) == [yesterday])
            #expect(try await archive.writeDue(now: now).isEmpty, "a day is written once")
            let folder = directory.appendingPathComponent(yesterday)
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            #expect(files == ["731", "740", "77"].map { ItineraryCSV.filename(day: yesterday, destination: $0) })
            let data = try Data(contentsOf: folder.appendingPathComponent(ItineraryCSV.filename(day: yesterday, destination: "731")))
            #expect(Array(data.prefix(3)) == [0xEF, 0xBB, 0xBF], "UTF-8 byte-order mark for Excel")
            let records = try CSV.parse(String(decoding: data, as: UTF8.self))
            #expect(records.first?.fields == ItineraryCSV.header)
            #expect(records.dropFirst().map { $0.fields[7] } == ["Người, \"số\" 0", "Người, \"số\" 3"])
            #expect(records.dropFirst().allSatisfy { $0.fields.count == ItineraryCSV.header.count && $0.fields[4].hasPrefix("60A-") })
            #expect(try await w.audits("export:arrivals") == 3)
        }
    }
}
