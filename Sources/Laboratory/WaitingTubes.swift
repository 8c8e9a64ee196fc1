import Accounts
import Domain
import Foundation
import SQLKit
import Storage

/// A tube collected in the caller's area that has no result yet, as the lab's worklist shows it (no names).
public struct WaitingTube: Sendable, Codable, Equatable {
    public let tubeBarcode: String
    public let status: Sample.Status
    public let pooled: Bool
    public let people: Int
    public let method: TestMethod
    public let communeCode: String
    public let collectedAt: Date
}

extension LabStore {
    /// The oldest tubes still waiting for a result — those received first, then those not yet at the lab — so the
    /// lab sees what is late (the "collected but not resulted older than N hours").
    public func waiting(by principal: Principal, trace: RequestTrace, limit: Int = 100) async throws -> (tubes: [WaitingTube], total: Int) {
        try await gate.require(principal, .recordResults, entity: "sample", trace: trace)
        let scope = ScopeFilter(principal).predicate("s.commune_code")
        return try await database.read { db in
            let total = try await db.raw("""
                SELECT COUNT(*) AS n FROM samples s WHERE \(scope) AND s.status IN ('open', 'closed', 'received')
                """).first()!.decode(column: "n", as: Int.self)
            let tubes = try await db.raw("""
                SELECT s.tube_barcode, s.status, s.pooled, s.method, s.commune_code, s.collected_at,
                       (SELECT COUNT(*) FROM sample_members m WHERE m.sample_id = s.id) AS people
                FROM samples s WHERE \(scope) AND s.status IN ('open', 'closed', 'received')
                ORDER BY CASE s.status WHEN 'received' THEN 0 ELSE 1 END, s.collected_at LIMIT \(bind: limit)
                """).all().map { row in
                WaitingTube(tubeBarcode: try row.decode(column: "tube_barcode", as: String.self),
                            status: Sample.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .closed,
                            pooled: try row.decode(column: "pooled", as: Int.self) != 0, people: try row.decode(column: "people", as: Int.self),
                            method: TestMethod(rawValue: try row.decode(column: "method", as: String.self)) ?? .rtPCR,
                            communeCode: try row.decode(column: "commune_code", as: String.self),
                            collectedAt: try row.decode(column: "collected_at", as: Date.self))
            }
            return (tubes, total)
        }
    }
}
