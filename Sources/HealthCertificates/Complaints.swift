import Accounts
import ContactTracing
import Domain
import Foundation
import SQLKit
import Storage

/// A citizen's report that a certificate is wrong, and its handling by the issuing area's staff.
public struct CertificateComplaint: Sendable, Codable, Equatable {
    public enum Category: String, Sendable, Codable, CaseIterable {
        case wrongName = "wrong_name", wrongDate = "wrong_date", missingDose = "missing_dose", notMine = "not_mine", other
    }

    public enum Status: String, Sendable, Codable, CaseIterable {
        case new, inReview = "in_review", corrected, rejected
    }

    public let id: Int64
    public let uvci: String
    public let category: Category
    public let description: String
    public let contact: String
    public let status: Status
    public let resolution: String?
    public let reissuedUVCI: String?
    public let communeCode: String
    public let createdAt: Date
    public let updatedAt: Date
}

public struct NewComplaint: Sendable, Codable, Equatable {
    public var category: CertificateComplaint.Category
    public var description: String
    /// A phone number the answer is sent to.
    public var contact: String
    /// Proof of holding the certificate besides its UVCI: the holder's date of birth as printed on it.
    public var dateOfBirth: String

    public init(category: CertificateComplaint.Category, description: String, contact: String, dateOfBirth: String) {
        self.category = category
        self.description = description
        self.contact = contact
        self.dateOfBirth = dateOfBirth
    }
}

public struct ComplaintNotFound: MissingRecord, Equatable {
    public init() {}
    public var detail: String { "No such complaint." }
}

extension CertificateService {
    /// A citizen files a complaint. A wrong date of birth gets the same answer as an unknown certificate, so the form
    /// cannot be used to guess whose certificate a UVCI is.
    public func fileComplaint(uvci: String, _ new: NewComplaint, trace: RequestTrace, now: Date = Date()) async throws -> CertificateComplaint {
        var v = Validator()
        let description = new.description.trimmingCharacters(in: .whitespacesAndNewlines)
        let phone = PersonIdentity.normalisedPhone(new.contact)
        v.require(!description.isEmpty && description.count <= 2000, "description", "required, at most 2000 characters")
        v.require(phone != nil, "contact", "a Vietnamese phone number")
        try v.check()
        let certificate = try await find(uvci)
        guard !certificate.dateOfBirth.isEmpty, certificate.dateOfBirth == new.dateOfBirth.trimmingCharacters(in: .whitespaces) else {
            throw CertificateNotFound()
        }
        let id = try await database.write { db in
            let row = try await db.raw("""
                INSERT INTO certificate_complaints (uvci, category, description, contact, status, commune_code, created_at, updated_at)
                VALUES (\(bind: uvci), \(bind: new.category.rawValue), \(bind: description), \(bind: phone!), 'new',
                        \(bind: certificate.communeCode), \(bind: now), \(bind: now))
                RETURNING id
                """).first()!
            let id = try row.decode(column: "id", as: Int64.self)
            try await AuditLog.append(AuditEntry(principal: nil, action: "complain", entity: "certificate", entityID: uvci,
                                                 areaCode: certificate.communeCode, context: trace), on: db)
            return id
        }
        return try await complaint(id)
    }

    /// The complaints about certificates issued in the caller's area, open ones first.
    public func complaints(status: CertificateComplaint.Status?, by principal: Principal, trace: RequestTrace) async throws -> [CertificateComplaint] {
        try await gate.require(principal, .manageCertificates, entity: "certificate_complaint", trace: trace)
        let scope = ScopeFilter(principal).predicate("commune_code")
        let rows = try await database.read { db in
            if let status {
                return try await db.raw("""
                    SELECT * FROM certificate_complaints WHERE \(scope) AND status = \(bind: status.rawValue)
                    ORDER BY created_at LIMIT 500
                    """).all()
            }
            return try await db.raw("""
                SELECT * FROM certificate_complaints WHERE \(scope)
                ORDER BY CASE status WHEN 'new' THEN 0 WHEN 'in_review' THEN 1 ELSE 2 END, created_at LIMIT 500
                """).all()
        }
        return try rows.map(Self.decodeComplaint)
    }

    /// Moves a complaint on: in review; rejected with a reason; or corrected, which revokes the certificate and
    /// issues a new one from the (corrected) record, and tells the citizen.
    public func resolve(complaint id: Int64, status: CertificateComplaint.Status, resolution: String?, by principal: Principal,
                        trace: RequestTrace, now: Date = Date()) async throws -> CertificateComplaint {
        let current = try await complaint(id)
        try await gate.require(principal, .manageCertificates, area: current.communeCode, entity: "certificate_complaint",
                               entityID: String(id), trace: trace)
        let resolution = resolution?.trimmingCharacters(in: .whitespacesAndNewlines)
        var v = Validator()
        v.require(status != .new, "status", "in_review, corrected or rejected")
        v.require(status == .inReview || !(resolution ?? "").isEmpty, "resolution", "say what was done, or why not")
        v.require((resolution ?? "").count <= 1000, "resolution", "at most 1000 characters")
        try v.check()
        guard current.status == .new || current.status == .inReview else {
            throw NotCertifiable(detail: "Complaint \(id) is already \(current.status.rawValue).")
        }
        var reissued: String?
        if status == .corrected {
            let old = try await find(current.uvci)
            if !old.revoked { _ = try await revoke(old.uvci, reason: "corrected after complaint \(id): \(resolution!)", by: principal, trace: trace, now: now) }
            guard old.kind == .recovery, let caseId = Int64(old.sourceId), let issuer else {
                throw NotCertifiable(detail: "Only recovery certificates can be reissued yet.")
            }
            reissued = try await issueRecovery(caseId: caseId, issuer: issuer, by: principal, trace: trace, now: now, replaces: old.uvci).uvci
        }
        try await database.write { db in
            try await db.raw("""
                UPDATE certificate_complaints SET status = \(bind: status.rawValue), resolution = \(bind: resolution),
                       reissued_uvci = \(bind: reissued), updated_at = \(bind: now), updated_by = \(bind: principal.accountID)
                WHERE id = \(bind: id)
                """).run()
            try await AuditLog.append(AuditEntry(principal: principal, action: "complaint_\(status.rawValue)", entity: "certificate",
                                                 entityID: current.uvci, areaCode: current.communeCode, context: trace), on: db)
            if status != .inReview {
                let body = status == .corrected
                    ? "Sở Y tế: giấy chứng nhận của bạn đã được sửa và cấp lại. Mã mới: \(reissued ?? "")"
                    : "Sở Y tế: phản ánh về giấy chứng nhận \(current.uvci) không được chấp nhận: \(resolution ?? "")"
                try await Outbox.enqueue(person: nil, phone: current.contact, template: "certificate_complaint_\(status.rawValue)",
                                         body: body, now: now, on: db)
            }
        }
        return try await complaint(id)
    }

    func complaint(_ id: Int64) async throws -> CertificateComplaint {
        let rows = try await database.read { db in try await db.raw("SELECT * FROM certificate_complaints WHERE id = \(bind: id)").all() }
        guard let row = rows.first else { throw ComplaintNotFound() }
        return try Self.decodeComplaint(row)
    }

    static func decodeComplaint(_ row: any SQLRow) throws -> CertificateComplaint {
        CertificateComplaint(
            id: try row.decode(column: "id", as: Int64.self), uvci: try row.decode(column: "uvci", as: String.self),
            category: CertificateComplaint.Category(rawValue: try row.decode(column: "category", as: String.self)) ?? .other,
            description: try row.decode(column: "description", as: String.self), contact: try row.decode(column: "contact", as: String.self),
            status: CertificateComplaint.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .new,
            resolution: try row.decode(column: "resolution", as: String?.self),
            reissuedUVCI: try row.decode(column: "reissued_uvci", as: String?.self),
            communeCode: try row.decode(column: "commune_code", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Date.self), updatedAt: try row.decode(column: "updated_at", as: Date.self))
    }
}
