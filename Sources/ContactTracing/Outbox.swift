import Foundation
import Logging
import SQLKit
import Storage

/// Notifications to people. They are written to the `outbox` table in the same transaction as what caused them
/// (nothing is sent for a change that rolled back); a `NotificationSender` delivers them later.
public enum Outbox {
    public static func enqueue(person: Int64?, phone: String, template: String, body: String, now: Date, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO outbox (channel, recipient, person_id, template, body, created_at, status, attempts)
            VALUES ('sms', \(bind: phone), \(bind: person), \(bind: template), \(bind: body), \(bind: now), 'queued', 0)
            """).run()
    }

    /// Many messages in multi-row statements (a laboratory batch texts thousands of people).
    public static func enqueue(_ messages: [(person: Int64?, phone: String, template: String, body: String)], now: Date,
                               on db: any SQLDatabase) async throws {
        for start in stride(from: 0, to: messages.count, by: 500) {
            var insert = db.insert(into: "outbox").columns("channel", "recipient", "person_id", "template", "body", "created_at", "status", "attempts")
            for message in messages[start..<min(start + 500, messages.count)] {
                insert = insert.values(["sms", message.phone, message.person, message.template, message.body, now, "queued", 0] as [any Encodable & Sendable])
            }
            try await insert.run()
        }
    }

    public struct Message: Sendable, Equatable {
        public let id: Int64
        public let channel: String
        public let recipient: String
        public let template: String
        public let body: String
    }

    /// Delivers up to `limit` queued messages with `sender`, marking each sent or failed (retried up to 5 times).
    @discardableResult
    public static func deliver(using sender: any NotificationSender, limit: Int = 100, database: Database, now: Date = Date()) async throws -> Int {
        let queued = try await database.read { db in
            try await db.raw("SELECT id, channel, recipient, template, body FROM outbox WHERE status = 'queued' ORDER BY id LIMIT \(bind: limit)")
                .all().map {
                    Message(id: try $0.decode(column: "id", as: Int64.self), channel: try $0.decode(column: "channel", as: String.self),
                            recipient: try $0.decode(column: "recipient", as: String.self), template: try $0.decode(column: "template", as: String.self),
                            body: try $0.decode(column: "body", as: String.self))
                }
        }
        for message in queued {
            let delivered = (try? await sender.send(message)) != nil
            try await database.write { db in
                if delivered {
                    try await db.raw("UPDATE outbox SET status = 'sent', sent_at = \(bind: now), attempts = attempts + 1 WHERE id = \(bind: message.id)").run()
                } else {
                    try await db.raw("""
                        UPDATE outbox SET attempts = attempts + 1, status = CASE WHEN attempts + 1 >= 5 THEN 'failed' ELSE 'queued' END
                        WHERE id = \(bind: message.id)
                        """).run()
                }
            }
        }
        return queued.count
    }
}

/// A way to reach people (an SMS gateway, Zalo, e-mail). Deployments plug theirs in; the default only logs.
public protocol NotificationSender: Sendable {
    func send(_ message: Outbox.Message) async throws
}

/// The default sender: writes each message to the log (without its body, which may be personal) and marks it sent.
public struct LogNotificationSender: NotificationSender {
    let logger: Logger
    public init(logger: Logger = Logger(label: "sentinel.outbox")) { self.logger = logger }
    public func send(_ message: Outbox.Message) async throws {
        logger.info("notification", metadata: ["id": "\(message.id)", "channel": "\(message.channel)", "template": "\(message.template)"])
    }
}
