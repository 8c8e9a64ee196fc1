import Accounts
import ArgumentParser
import ContactTracing
import Domain
import Foundation
import Geography
import Laboratory
import Storage

/// `sentinel bench-lab`: imports N instrument results (HL7 v2 ORU^R01, half of them pools of five) into a fresh
/// database, end to end through `LabStore.importHL7` with pool expansion, and reports the time (issue 5's target:
/// 10,000 in ≤ 2 s). Hidden: a measuring tool for docs/performance.md.
struct BenchLabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-lab", shouldDisplay: false)

    @Option(help: "Tubes to result.") var tubes = 10_000
    @Option(help: "Share of tubes that are pools of five.") var pooled = 0.5
    @Option(help: "sqlite://FILE or postgres://… (default: a new file under /tmp).") var database: String?

    func run() async throws {
        let url = try DatabaseURL(parsing: database ?? "sqlite:///tmp/sentinel-bench-lab-\(UUID().uuidString).sqlite")
        let db = try await Database.open(url, logger: Environment.logger("sentinel.bench"))
        try await Migrator().migrate(db)
        try await BundledAreas.loadIfNeeded(into: AreaStore(database: db))
        let account = try await AccountStore(database: db, hasher: PasswordHasher(cost: 4)).createAsOperator(
            NewAccount(username: "bench-lab-\(UInt32.random(in: 0...UInt32.max))", displayName: "Bench", password: "bench-password-1",
                       role: .lab, scopeCode: "75"), trace: .cli("bench-lab"))
        let collected = Date().addingTimeInterval(-6 * 3600)

        // People and tubes through the bulk loader (setting up is not what is measured).
        let poolCount = Int(Double(tubes) * pooled)
        let personCount = poolCount * 5 + (tubes - poolCount)
        let firstPerson = try await db.read { try await $0.raw("SELECT COALESCE(MAX(id), 0) + 1 AS n FROM persons").first()!.decode(column: "n", as: Int64.self) }
        let firstSample = try await db.read { try await $0.raw("SELECT COALESCE(MAX(id), 0) + 1 AS n FROM samples").first()!.decode(column: "n", as: Int64.self) }
        let stamp = UInt32.random(in: 0...UInt32.max)
        try await db.bulkInsert("persons", columns: ["id", "full_name", "name_folded", "phone", "commune_code", "qr_token", "created_at", "updated_at"],
                                rows: (0..<personCount).map { index in
            [.int(firstPerson + Int64(index)), .text("Bench \(index)"), .text("bench \(index)"), .text(String(format: "09%08d", index)),
             .text("25993"), .text("bench-\(stamp)-\(index)"), .instant(collected), .instant(collected)]
        })
        var samples: [[BulkValue]] = [], members: [[BulkValue]] = []
        var person = firstPerson
        for index in 0..<tubes {
            let id = firstSample + Int64(index)
            let pool = index < poolCount
            samples.append([.int(id), .text("B\(stamp)-\(index)"), .text("bench-\(stamp)-\(index)"), .text("25993"), .text("rt_pcr"), .text("np_swab"),
                            .int(pool ? 1 : 0), .int(pool ? 5 : 1), .text("received"), .instant(collected)])
            for _ in 0..<(pool ? 5 : 1) {
                members.append([.int(id), .int(person), .instant(collected)])
                person += 1
            }
        }
        try await db.bulkInsert("samples", columns: ["id", "tube_barcode", "client_id", "commune_code", "method", "specimen", "pooled", "pool_max",
                                                     "status", "collected_at"], rows: samples)
        try await db.bulkInsert("sample_members", columns: ["sample_id", "person_id", "added_at"], rows: members)

        // One batch of messages, 1 in 20 detected.
        let text = (0..<tubes).map { index in
            ["MSH|^~\\&|COBAS|CDC||SENTINEL|20210812153000+0700||ORU^R01|M\(index)|P|2.5.1",
             "OBR|1||B\(stamp)-\(index)",
             "OBX|1|CWE|94500-6^SARS-CoV-2 RNA^LN||\(index % 20 == 0 ? "260373001^Detected" : "260415000^Not detected")^SCT||||||F",
             "OBX|2|NM|94509-7^E gene Ct^LN||\(index % 20 == 0 ? "24.5" : "0")|{Ct}|||||F"].joined(separator: "\r")
        }.joined(separator: "\r")

        let store = LabStore(database: db)
        let clock = ContinuousClock()
        let started = clock.now
        let outcomes = try await store.importHL7(text, by: account.principal, trace: .cli("bench-lab"))
        let elapsed = clock.now - started
        let recorded = outcomes.filter { $0.status == "recorded" }.count
        let tests = try await db.read { try await $0.raw("SELECT COUNT(*) AS n FROM person_tests").first()!.decode(column: "n", as: Int.self) }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "%@: %d tubes (%d pools of 5), %d recorded, %d person results, %.2f s (%.0f tubes/s); HL7 text %.1f MB",
                     db.kind == .sqlite ? "SQLite" : "PostgreSQL", tubes, poolCount, recorded, tests, seconds, Double(recorded) / seconds,
                     Double(text.utf8.count) / 1e6))
        await db.close()
    }
}
