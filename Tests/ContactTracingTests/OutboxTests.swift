import ContactTracing
import Foundation
import SQLKit
import Storage
import Testing
import TestSupport

@Suite struct OutboxTests {
    struct Refusing: NotificationSender {
        struct Down: Error {}
        func send(_ message: Outbox.Message) async throws { throw Down() }
    }

    actor Recorder: NotificationSender {
        var sent: [String] = []
        func send(_ message: Outbox.Message) async throws { sent.append(message.recipient) }
    }

    @Test(arguments: TestDatabases.kinds)
    func messagesAreSentOnceAndFailedAfterFiveAttempts(kind: DatabaseKind) async throws {
        try await TestDatabases.with(kind) { db in
            try await Migrator().migrate(db)
            try await db.write { sql in
                try await Outbox.enqueue(person: nil, phone: "0901000001", template: "contact_notice", body: "a", now: Date(), on: sql)
                try await Outbox.enqueue(person: nil, phone: "0901000002", template: "contact_notice", body: "b", now: Date(), on: sql)
            }
            // A gateway that is down: each message is tried five times, then marked failed.
            for _ in 0..<6 { try await Outbox.deliver(using: Refusing(), database: db) }
            let failed = try await db.read { try await $0.raw("SELECT COUNT(*) AS n FROM outbox WHERE status = 'failed' AND attempts = 5").first()!.decode(column: "n", as: Int.self) }
            #expect(failed == 2)
            try await db.write { sql in
                try await Outbox.enqueue(person: nil, phone: "0901000003", template: "contact_notice", body: "c", now: Date(), on: sql)
            }
            let recorder = Recorder()
            #expect(try await Outbox.deliver(using: recorder, database: db) == 1)
            #expect(try await Outbox.deliver(using: recorder, database: db) == 0, "sent messages are not sent again")
            #expect(await recorder.sent == ["0901000003"])
        }
    }
}
