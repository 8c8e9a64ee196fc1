import Accounts
@testable import ContactTracing
import Domain
import Foundation
import SQLKit
import Storage
import Testing
import TestSupport

/// The quarantine rule table as the CDC keeps it: a new document supersedes the rule it replaces and the case store
/// computes planned ends from the stored table at once; overlaps, bad fields, district accounts and late ends are
/// refused; a rule entered by mistake is withdrawn, not deleted; every change is audited.
@Suite struct QuarantineRuleBookTests {
    @Test(arguments: TestDatabases.kinds)
    func aNewDocumentSupersedesTheRuleItReplacesAndCasesFollowIt(kind: DatabaseKind) async throws {
        try await Province.with(kind) { w in
            let book = QuarantineRuleBook(database: w.db)
            let shipped = try await book.list(for: w.cdc, trace: w.trace)
            #expect(shipped.count == 3 && shipped.allSatisfy { $0.createdAt == nil && !$0.withdrawn })
            let vaccinatedHome = try #require(shipped.first { $0.setting == .home && $0.vaccinated == .yes })

            // A home-quarantined vaccinated F1 starting on 2022-03-05, before the change: 7 days.
            let person = try await w.person("Lê Văn Cách Ly", id: "075080000901")
            var facts = CaseFacts()
            facts.quarantineStart = "2022-03-05"
            facts.quarantineSetting = .home
            facts.vaccinated = true
            let before = try await w.cases.open(NewCase(personId: person.id, classification: .f1, facts: facts), by: w.cdc, trace: w.trace)
            #expect(before.facts.quarantineEnd == "2022-03-11")

            // The new document: 5 days from 2022-03-01, replacing the 7-day rule.
            let added = try await book.add(NewQuarantineRule(QuarantineRule(classification: .f1, setting: .home, vaccinated: .yes, days: 5, effectiveFrom: "2022-03-01",
                                                                            document: "Công văn 1234/BYT-MT (28/02/2022): thử nghiệm"),
                                                             supersedes: vaccinatedHome.id),
                                           by: w.cdc, trace: w.trace)
            #expect(added.days == 5 && added.createdBy == w.cdc.accountID && added.state(on: "2022-03-01") == .inForce)
            let ended = try #require(try await book.entry(vaccinatedHome.id))
            #expect(ended.effectiveTo == "2022-02-28" && ended.endReason?.hasPrefix("superseded") == true && ended.state(on: "2022-03-01") == .ended)

            // The store reads the stored table: a change of the case's facts recomputes its end under the new rule; a start
            // before the change keeps the old one.
            var touch = CaseFacts()
            touch.quarantineStart = "2022-03-05"
            let after = try await w.cases.update(before.id, facts: touch, by: w.cdc, trace: w.trace)
            #expect(after.facts.quarantineEnd == "2022-03-09" && after.quarantineRule?.contains("1234/BYT-MT") == true, "\(after)")
            let table = try await w.db.read { try await QuarantineRuleBook.table(on: $0) }
            #expect(table.plannedEnd(for: .f1, setting: .home, vaccinated: true, start: "2022-02-20")?.rule.days == 7)
            #expect(table.plannedEnd(for: .f1, setting: .home, vaccinated: false, start: "2022-03-05")?.rule.days == 14, "unvaccinated: unchanged")

            #expect(try await w.count("audit_log WHERE entity = 'quarantine_rule' AND action = 'create' AND entity_id = '\(added.id)'") == 1)
            #expect(try await w.count("audit_log WHERE entity = 'quarantine_rule' AND action = 'end:2022-02-28' AND entity_id = '\(vaccinatedHome.id)'") == 1)
        }
    }

    @Test(arguments: TestDatabases.kinds)
    func overlapsBadFieldsOtherAreasAndLateEndsAreRefused(kind: DatabaseKind) async throws {
        try await Province.with(kind) { w in
            let book = QuarantineRuleBook(database: w.db)
            let shipped = try await book.list(for: w.cdc, trace: w.trace)
            let centralised = try #require(shipped.first { $0.setting == .centralised })
            let rule = NewQuarantineRule(QuarantineRule(classification: .f1, setting: .centralised, vaccinated: .any, days: 10,
                                                        effectiveFrom: "2022-01-01", document: "Công văn thử"))

            // Overlapping the open-ended centralised rule, without naming it: refused, naming the rule; nothing written.
            await #expect(throws: QuarantineRuleOverlap(existing: centralised)) { try await book.add(rule, by: w.cdc, trace: w.trace) }
            // A different vaccination status is a different kind: no overlap.
            var vaccinated = rule
            vaccinated.rule.vaccinated = .yes
            _ = try await book.add(vaccinated, by: w.cdc, trace: w.trace)
            #expect(try await book.list(for: w.cdc, trace: w.trace).count == 4)

            // Bad fields, each named.
            var bad = rule
            bad.rule.classification = .f0
            bad.rule.days = 0
            bad.rule.effectiveFrom = "2022-02-30"
            bad.rule.document = "  "
            do {
                _ = try await book.add(bad, by: w.cdc, trace: w.trace)
                Issue.record("accepted a bad rule")
            } catch let failure as ValidationFailure {
                #expect(Set(failure.errors.map(\.field)) == ["classification", "days", "effectiveFrom", "document"])
            }
            var backwards = rule
            backwards.rule.effectiveTo = "2021-12-31"
            await #expect(throws: ValidationFailure.self) { try await book.add(backwards, by: w.cdc, trace: w.trace) }
            // Superseding a rule of another kind, or one that does not exist.
            var wrongKind = rule
            wrongKind.supersedes = shipped.first { $0.setting == .home && $0.vaccinated == .any }!.id
            await #expect(throws: ValidationFailure.self) { try await book.add(wrongKind, by: w.cdc, trace: w.trace) }
            var missing = rule
            missing.supersedes = 424242
            await #expect(throws: QuarantineRuleNotFound(id: 424242)) { try await book.add(missing, by: w.cdc, trace: w.trace) }

            // A district officer lacks the role; a CDC account scoped to one district lacks the province: both audited.
            let denied = try await w.count("audit_log WHERE action = 'denied:quarantine_rules.manage'")
            await #expect(throws: AccessDenied(reason: .role, permission: .manageQuarantineRules)) {
                try await book.add(rule, by: w.district731, trace: w.trace)
            }
            let districtCDC = Principal(accountID: w.cdc.accountID, username: w.cdc.username, displayName: w.cdc.displayName, role: .epidemiologist,
                                        scopeCode: "731")
            await #expect(throws: AccessDenied(reason: .scope, permission: .manageQuarantineRules)) {
                try await book.end(centralised.id, lastDay: "2022-01-01", reason: "x", by: districtCDC, trace: w.trace)
            }
            #expect(try await w.count("audit_log WHERE action = 'denied:quarantine_rules.manage'") == denied + 2)
            // Everyone who reads cases reads the rules.
            #expect(try await book.list(for: w.commune25993, trace: w.trace).count == 4)

            // Ending: only earlier than it already ends; a day before it began withdraws it, out of the table; a withdrawn
            // rule cannot be ended again; an unknown one is not found.
            let endedRule = try await book.end(centralised.id, lastDay: "2021-12-31", reason: "Công văn mới", by: w.cdc, trace: w.trace)
            #expect(endedRule.effectiveTo == "2021-12-31" && !endedRule.withdrawn)
            await #expect(throws: QuarantineRuleClosed.self) {
                try await book.end(centralised.id, lastDay: "2022-06-30", reason: "later", by: w.cdc, trace: w.trace)
            }
            _ = try await book.add(rule, by: w.cdc, trace: w.trace)
            let mistaken = try #require(try await book.list(for: w.cdc, trace: w.trace).first { $0.setting == .centralised && $0.days == 10 && $0.vaccinated == .any })
            let withdrawn = try await book.end(mistaken.id, lastDay: "2021-12-31", reason: "nhập nhầm", by: w.cdc, trace: w.trace)
            #expect(withdrawn.withdrawn && withdrawn.effectiveFrom == "2022-01-01" && withdrawn.state(on: "2022-01-05") == .withdrawn)
            let table = try await w.db.read { try await QuarantineRuleBook.table(on: $0) }
            #expect(table.plannedEnd(for: .f1, setting: .centralised, vaccinated: false, start: "2022-01-05") == nil)
            await #expect(throws: QuarantineRuleClosed.self) {
                try await book.end(mistaken.id, lastDay: "2021-12-30", reason: "again", by: w.cdc, trace: w.trace)
            }
            await #expect(throws: QuarantineRuleNotFound(id: 424242)) {
                try await book.end(424242, lastDay: "2021-12-30", reason: "x", by: w.cdc, trace: w.trace)
            }
            await #expect(throws: ValidationFailure.self) { try await book.end(centralised.id, lastDay: "soon", reason: "", by: w.cdc, trace: w.trace) }
            #expect(try await w.count("audit_log WHERE entity = 'quarantine_rule' AND action = 'withdraw'") == 1)
        }
    }

    /// Two officers adding overlapping rules at the same moment: exactly one is stored (on PostgreSQL the table lock
    /// makes the second see the first).
    @Test(arguments: TestDatabases.kinds)
    func concurrentOverlappingAddsStoreOne(kind: DatabaseKind) async throws {
        try await Province.with(kind) { (w: Province) async throws in
            let book = QuarantineRuleBook(database: w.db)
            let results = await withTaskGroup(of: Bool.self) { group in
                for days in 1...6 {
                    group.addTask {
                        let rule = NewQuarantineRule(QuarantineRule(classification: .f2, setting: .home, vaccinated: .any, days: days,
                                                                    effectiveFrom: "2022-01-0\(days)", document: "F2 \(days)"))
                        return (try? await book.add(rule, by: w.cdc, trace: w.trace)) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
            #expect(try await w.count("quarantine_rules WHERE classification = 'F2'") == 1)
        }
    }
}
