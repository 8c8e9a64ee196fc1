import SQLKit

/// Small key/value facts about this installation (e.g. whether the demo was seeded).
public enum Settings {
    public static func get(_ key: String, on db: any SQLDatabase) async throws -> String? {
        try await db.raw("SELECT value FROM settings WHERE key = \(bind: key)").first()?.decode(column: "value", as: String.self)
    }

    public static func set(_ key: String, _ value: String, on db: any SQLDatabase) async throws {
        try await db.raw(
            "INSERT INTO settings (key, value) VALUES (\(bind: key), \(bind: value)) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        ).run()
    }
}
