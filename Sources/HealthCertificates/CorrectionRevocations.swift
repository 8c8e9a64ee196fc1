import Accounts
import Domain
import Foundation
import SQLKit

/// A laboratory's correction takes back the result certificates were issued on: the test certificates of the
/// corrected person tests, and the recovery certificates of cases that are no longer confirmed. They are revoked in
/// the correction's own transaction (so a correction never commits with its old certificates still standing) and
/// enter the in-memory revocation set once it commits.
extension CertificateService {
    /// Revokes the standing certificates issued for these person tests and cases; returns their UVCIs.
    public func revokeIssued(forTests tests: [Int64], cases: [Int64], reason: String, by principal: Principal, now: Date,
                             on db: any SQLDatabase) async throws -> [String] {
        var sources: [(type: String, id: String)] = tests.map { ("test", String($0)) }
        sources += cases.map { ("case", String($0)) }
        var uvcis: [String] = []
        for (type, ids) in Dictionary(grouping: sources, by: \.type).mapValues({ $0.map(\.id) }) {
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                uvcis += try await db.raw("""
                    SELECT c.uvci FROM certificates c
                    WHERE c.source_type = \(bind: type) AND c.source_id IN (\(binds: chunk))
                      AND NOT EXISTS (SELECT 1 FROM certificate_revocations r WHERE r.uvci = c.uvci)
                    ORDER BY c.uvci
                    """).all().map { try $0.decode(column: "uvci", as: String.self) }
            }
        }
        let text = String("result corrected: \(reason)".prefix(500))
        for uvci in uvcis {
            try await Self.insertRevocation(uvci: uvci, hash: DCCVerifier.revocationHash(uvci: uvci), reason: text, at: now, by: principal, on: db)
        }
        return uvcis
    }

    /// Puts committed revocations in force for verification on this server.
    public func noteRevoked(_ uvcis: [String]) {
        guard !uvcis.isEmpty else { return }
        let hashes = uvcis.map(DCCVerifier.revocationHash(uvci:))
        state.withLock { $0.revoked.formUnion(hashes) }
    }
}
