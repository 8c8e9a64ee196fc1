import Accounts
import Domain
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
        try await store.database.write { try await Settings.set("demo.seeded", "1", on: $0) }
        return created
    }
}
