import Accounts
import CheckIn
import ContactTracing
import Laboratory
import Foundation
import People
import Domain
import Geography
import Reporting
import Storage

/// One demo account per role, with a password shown on the login page in demo mode only.
public struct DemoAccount: Sendable {
    public let username: String
    public let password: String
    public let role: Role
    public let scopeCode: String
    public let displayName: String
}

public enum DemoSeed {
    public static let password = "sentinel-demo"

    public static let accounts: [DemoAccount] = [
        (Role.admin, "75", "Quản trị Sở Y tế"),
        (.epidemiologist, "75", "Nguyễn Thị Mai (CDC)"),
        (.districtOfficer, "731", "Trần Văn Hùng (TTYT Biên Hòa)"),
        (.communeOfficer, "25993", "Lê Thị Hoa (TYT Trảng Dài)"),
        (.sampler, "731", "Phạm Minh Tuấn"),
        (.lab, "75", "Phòng xét nghiệm CDC"),
        (.vaccinator, "731", "Võ Thị Lan"),
        (.facilityManager, "731", "Đặng Quốc Bảo"),
        (.venueOperator, "25993", "Chợ Trảng Dài"),
        (.leader, "75", "Ban Giám đốc Sở"),
        (.checkpointOfficer, "731", "Chốt kiểm soát cầu Hóa An"),
    ].map { role, scope, name in
        DemoAccount(username: "demo-" + role.rawValue.replacingOccurrences(of: "_", with: "-"), password: password, role: role,
                    scopeCode: scope, displayName: name)
    }

    /// Creates the demo accounts once per database. Returns those it created.
    @discardableResult
    public static func seedIfNeeded(_ store: AccountStore) async throws -> [DemoAccount] {
        let already = try await store.database.read { try await Settings.get("demo.seeded", on: $0) }
        guard already == nil else { return [] }
        let existing = Set(try await store.listAll().map(\.username))
        var created: [DemoAccount] = []
        for demo in accounts where !existing.contains(demo.username) {
            _ = try await store.createAsOperator(
                NewAccount(username: demo.username, displayName: demo.displayName, password: demo.password, role: demo.role,
                           scopeCode: demo.scopeCode),
                trace: .cli("serve --demo"))
            created.append(demo)
        }
        try await seedVenues(store)
        try await seedCheckpoints(store)
        try await seedTestSites(store)
        try await seedZones(store)
        try await store.database.write { try await Settings.set("demo.seeded", "1", on: $0) }
        return created
    }

    /// A few venues in Biên Hòa, one owned by the demo venue operator, with a morning of check-ins.
    static func seedVenues(_ accounts: AccountStore) async throws {
        let all = try await accounts.listAll()
        guard let admin = all.first(where: { $0.username == "demo-admin" })?.principal,
              let owner = all.first(where: { $0.username == "demo-venue-operator" })?.principal else { return }
        let venues = VenueStore(database: accounts.database)
        let trace = RequestTrace.cli("serve --demo")
        let ids = try await venues.registerAll([
            NewVenue(name: "Chợ Trảng Dài", type: .market, address: "Khu phố 4, phường Trảng Dài", communeCode: "25993",
                     latitude: 10.9830, longitude: 106.8650),
            NewVenue(name: "Công ty TNHH Giày Da Hố Nai", type: .business, address: "KCN Hố Nai", communeCode: "26002",
                     latitude: 10.9700, longitude: 106.8900),
            NewVenue(name: "Trường THCS Tân Phong", type: .school, address: "Phường Tân Phong", communeCode: "25996",
                     latitude: 10.9690, longitude: 106.8350),
        ], by: admin, trace: trace)
        let own = try await venues.register(
            NewVenue(name: "Quán phở Bắc Hải", type: .restaurant, address: "Đường Đồng Khởi, Trảng Dài", communeCode: "25993",
                     latitude: 10.9860, longitude: 106.8700),
            by: owner, trace: trace)
        _ = try await venues.setStatus(own.id, .approved, by: admin, trace: trace)
        var tokens: [String] = []
        for id in ids + [own.id] { if let v = try await venues.find(id: id) { tokens.append(v.token) } }
        let names = ["Nguyễn Văn An", "Trần Thị Bích", "Lê Hoàng Nam", "Phạm Thu Hà", "Võ Minh Tuấn", "Đặng Thị Lan"]
        let now = Date()
        var events: [CheckInSubmission] = []
        for (i, name) in names.enumerated() {
            for j in 0..<3 {
                events.append(CheckInSubmission(
                    eventId: UUID().uuidString, venueToken: tokens[(i + j) % tokens.count],
                    person: PersonClaim(idNumber: String(format: "0751900%05d", i), name: name, birthYear: 1960 + i * 7),
                    checkedInAt: now.addingTimeInterval(-Double(3600 * (j + 1) + 600 * i))))
            }
        }
        _ = try await CheckInStore(database: accounts.database).ingest(events, now: now)
    }

    /// Road checkpoints at Biên Hòa's bridges and on the national roads out of the province, and a morning's vehicles
    /// at the Hóa An bridge, so the district's list of arrivals has people in it.
    static func seedCheckpoints(_ accounts: AccountStore) async throws {
        let all = try await accounts.listAll()
        guard let officer = all.first(where: { $0.username == "demo-checkpoint-officer" })?.principal else { return }
        let travel = TravelStore(database: accounts.database)
        let trace = RequestTrace.cli("serve --demo")
        let ids = try await accounts.database.write { db in
            try await TravelStore.ensureCheckpoints(TravelStore.dongNaiCheckpoints.map(\.checkpoint), on: db)
        }
        let hoaAn = ids["BH-HOAAN"]!
        let now = Date()
        let vehicles: [(String, String, String, String, String, [(String, String, String)])] = [
            ("entering", "51F-234.56", "car", "79", "25993", [("Huỳnh Văn Phúc", "079085001234", "0903123456"), ("Huỳnh Thị Mai", "079190004567", "")]),
            ("entering", "61C-112.09", "truck", "74", "26002", [("Trịnh Quốc Dũng", "074080002345", "0918234567")]),
            ("entering", "51B-301.77", "coach", "79", "25996", [("Lý Văn Sang", "079078003456", "0937345678"), ("Châu Thị Ngọc", "079195005678", ""),
                                                                ("Tạ Minh Khôi", "079201006789", "0978456789")]),
            ("leaving", "60A-456.78", "car", "25993", "74", [("Ngô Thanh Tùng", "075088007890", "0909567890")]),
        ]
        for (i, v) in vehicles.enumerated() {
            _ = try await travel.record(TravelSubmission(
                clientId: UUID().uuidString, checkpointId: hoaAn, direction: v.0, crossedAt: now.addingTimeInterval(-Double(3600 * (i + 1))),
                plate: v.1, vehicleType: v.2, origin: v.3, destination: v.4, route: "Cầu Hóa An", cargo: v.2 == "truck" ? "Rau củ" : nil,
                occupants: v.5.map { TravelSubmission.Occupant(person: PersonClaim(idNumber: $0.1, phone: $0.2.isEmpty ? nil : $0.2, name: $0.0)) }),
                by: officer, trace: trace, now: now)
        }
    }

    /// Two sampling sites in Trảng Dài: the health station takes bookings (20 an hour), the mobile team does not.
    static func seedTestSites(_ accounts: AccountStore) async throws {
        guard let station = try await accounts.listAll().first(where: { $0.username == "demo-commune-officer" })?.principal else { return }
        let lab = LabStore(database: accounts.database)
        let trace = RequestTrace.cli("serve --demo")
        _ = try await lab.createSite(NewTestSite(name: "Trạm Y tế phường Trảng Dài", kind: "fixed", communeCode: "25993", address: "Khu phố 4",
                                                 opens: "07:00", closes: "17:00", slotMinutes: 60, slotCapacity: 20,
                                                 latitude: 10.9810, longitude: 106.8620), by: station, trace: trace)
        _ = try await lab.createSite(NewTestSite(name: "Đội lấy mẫu lưu động Trảng Dài", kind: "mobile", communeCode: "25993",
                                                 opens: "08:00", closes: "16:00"), by: station, trace: trace)
    }

    /// A lockdown zone around Trảng Dài's market, drawn as a polygon, in force from two days ago for 14 days, so the
    /// maps and the public notice show one.
    static func seedZones(_ accounts: AccountStore) async throws {
        guard let officer = try await accounts.listAll().first(where: { $0.username == "demo-district-officer" })?.principal else { return }
        let areas = AreaStore(database: accounts.database)
        let zones = LockdownZones(database: accounts.database, areas: areas, districts: try BoundaryReader.bundledDistricts(),
                                  imported: BoundaryStore(database: accounts.database, areas: areas))
        let today = LocalDay.string(Date())
        let square = #"{"type":"Polygon","coordinates":[[[106.861,10.980],[106.869,10.980],[106.869,10.987],[106.861,10.987],[106.861,10.980]]]}"#
        _ = try await zones.create(NewLockdownZone(name: "Khu phố 4 (quanh chợ Trảng Dài)", areaCode: officer.scopeCode, geoJSON: Data(square.utf8),
                                                   validFrom: LocalDay.adding(-2, to: today) ?? today, validTo: LocalDay.adding(11, to: today),
                                                   decision: "QĐ 01/QĐ-UBND (dữ liệu demo)"),
                                   by: officer, trace: .cli("serve --demo"))
    }
}
