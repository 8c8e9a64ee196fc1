import Domain
import Foundation
import HealthCertificates
import Laboratory
import SQLKit

/// Joins the laboratory's corrections to the certificates: what a corrected result invalidates is revoked with it.
struct CertificateWithdrawal: CorrectionFollowUp {
    let certificates: CertificateService

    func withdraw(tests: [Int64], cases: [Int64], reason: String, by principal: Principal, now: Date, on db: any SQLDatabase) async throws -> [String] {
        try await certificates.revokeIssued(forTests: tests, cases: cases, reason: reason, by: principal, now: now, on: db)
    }

    func committed(revoked: [String]) { certificates.noteRevoked(revoked) }
}
