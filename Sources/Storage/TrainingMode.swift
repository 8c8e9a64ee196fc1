import SQLKit

/// A database marked as training data (a simulated province, staff practising data entry): every page says so, and
/// certificates are signed by training keys under a training issuer, which no production trust list holds. The mark
/// is in the database itself, so a copy of it stays marked wherever it is served.
public enum TrainingMode {
    public static let settingKey = "database.training"

    public static func isOn(_ database: Database) async throws -> Bool {
        try await database.read { try await Settings.get(settingKey, on: $0) } == "1"
    }

    public static func set(_ on: Bool, _ database: Database) async throws {
        try await database.write { db in
            if on {
                try await Settings.set(settingKey, "1", on: db)
            } else {
                try await db.raw("DELETE FROM settings WHERE key = \(bind: settingKey)").run()
            }
        }
    }
}
