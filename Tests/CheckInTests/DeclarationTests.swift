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

@Suite struct DeclarationRuleTests {
    @Test func theBundledRulesFlagContactsAndRespiratorySymptomsOnly() throws {
        let rules = try DeclarationStore.bundledRules()
        #expect(rules.count >= 3)
        func flagged(_ s: [Symptom], _ e: [Exposure], day: String = "2021-08-15") -> [String] {
            rules.filter { $0.flags(symptoms: Set(s), exposures: Set(e), day: day) }.map(\.id)
        }
        #expect(flagged([], []).isEmpty)
        #expect(flagged([.fatigue], []).isEmpty)
        #expect(flagged([.fever], []) == ["respiratory-symptom"])
        #expect(flagged([], [.contactWithCase]) == ["exposure-f0-f1"])
        #expect(flagged([.fatigue], [.visitedOutbreakArea]) == ["outbreak-area-with-symptom"])
        #expect(flagged([.fatigue], [.visitedOutbreakArea], day: "2021-04-01").isEmpty, "not yet in force")
        #expect(rules.allSatisfy { !$0.document.isEmpty })
    }
}

@Suite struct DeclarationStoreTests {
    @Test(arguments: TestDatabases.kinds)
    func declarationsAreStoredOnceFlaggedQueuedFollowedUpAndCounted(kind: DatabaseKind) async throws {
        try await World.with(kind) { w in
            let store = DeclarationStore(database: w.db, rules: try DeclarationStore.bundledRules())
            let accounts = AccountStore(database: w.db, hasher: PasswordHasher(cost: 4))
            let station = try await accounts.createAsOperator(
                NewAccount(username: "tyt25993", displayName: "TYT", password: "long-enough-pw", role: .communeOfficer, scopeCode: "25993"),
                trace: .cli("t")).principal
            let elsewhere = try await accounts.createAsOperator(
                NewAccount(username: "tyt26002", displayName: "TYT", password: "long-enough-pw", role: .communeOfficer, scopeCode: "26002"),
                trace: .cli("t")).principal
            let sampler = try await accounts.createAsOperator(
                NewAccount(username: "sampler", displayName: "S", password: "long-enough-pw", role: .sampler, scopeCode: "731"),
                trace: .cli("t")).principal
            let id = UUID().uuidString
            let sick = DeclarationSubmission(clientId: id, person: PersonClaim(phone: "0912345678", name: "Phạm Văn Sốt"), communeCode: "25993",
                                             symptoms: [.fever, .cough], exposures: [], travel: nil)
            let first = try await store.submit(sick)
            #expect(first.flagged && first.reasons == ["respiratory-symptom"] && !first.duplicate)
            let again = try await store.submit(sick)
            #expect(again.duplicate && again.id == first.id)
            _ = try await store.submit(DeclarationSubmission(clientId: UUID().uuidString, person: PersonClaim(phone: "0987654321", name: "Khỏe"),
                                                             communeCode: "25993", symptoms: [], exposures: [], travel: nil))
            _ = try await store.submit(DeclarationSubmission(clientId: UUID().uuidString, person: PersonClaim(idNumber: "075111222333", name: "F1"),
                                                             communeCode: "26002", symptoms: [], exposures: [.contactWithCase], travel: "TP.HCM"))
            await #expect(throws: ValidationFailure.self) {
                try await store.submit(DeclarationSubmission(clientId: "x", person: PersonClaim(name: ""), communeCode: "7", symptoms: [],
                                                             exposures: [], travel: nil))
            }
            let queue = try await store.queue(by: station, trace: w.trace)
            #expect(queue.map(\.name) == ["Phạm Văn Sốt"], "only flagged, only in the station's commune")
            await #expect(throws: AccessDenied.self) { try await store.queue(by: sampler, trace: w.trace) }
            await #expect(throws: AccessDenied.self) { try await store.setFollowUp(first.id, .called, by: elsewhere, trace: w.trace) }
            try await store.setFollowUp(first.id, .called, by: station, trace: w.trace)
            #expect(try await store.queue(by: station, trace: w.trace).isEmpty)
            let counts = try await store.counts(day: DeclarationStore.localDay(Date()), by: w.officer, trace: w.trace)
            #expect(counts == [DeclarationCount(areaCode: "731", declarants: 3, flagged: 2)])
        }
    }
}
