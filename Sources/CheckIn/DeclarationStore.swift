import Accounts
import Domain
import Foundation
import People
import SQLKit
import Storage

/// A citizen's electronic health declaration as submitted.
public struct DeclarationSubmission: Sendable, Codable, Equatable {
    public var clientId: String
    public var person: PersonClaim
    public var communeCode: String
    public var symptoms: [Symptom]
    public var exposures: [Exposure]
    public var travel: String?

    public init(clientId: String, person: PersonClaim, communeCode: String, symptoms: [Symptom], exposures: [Exposure], travel: String?) {
        self.clientId = clientId
        self.person = person
        self.communeCode = communeCode
        self.symptoms = symptoms
        self.exposures = exposures
        self.travel = travel
    }
}

public struct DeclarationReceipt: Sendable, Codable, Equatable {
    public let id: Int64
    public let flagged: Bool
    /// The ids of the rules that flagged it.
    public let reasons: [String]
    public let duplicate: Bool
}

/// One flagged declaration in a commune health station's queue.
public struct QueueEntry: Sendable, Codable, Equatable {
    public let id: Int64
    public let submittedAt: Date
    public let name: String
    public let phone: String?
    public let communeCode: String
    public let symptoms: [String]
    public let exposures: [String]
    public let reasons: [String]
    public let followUp: String
}

public enum FollowUp: String, CaseIterable, Codable, Sendable { case pending, called, referred, noAction = "no_action" }

/// Per district and day: declarants and flagged declarations (the table of seed 001).
public struct DeclarationCount: Sendable, Codable, Equatable {
    public let areaCode: String
    public let declarants: Int
    public let flagged: Int

    public init(areaCode: String, declarants: Int, flagged: Int) {
        self.areaCode = areaCode
        self.declarants = declarants
        self.flagged = flagged
    }
}

public struct DeclarationStore: Sendable {
    public let database: Database
    public let rules: [DeclarationRule]
    let gate: AccessGate

    public init(database: Database, rules: [DeclarationRule]) {
        self.database = database
        self.rules = rules
        self.gate = AccessGate(database: database)
    }

    public static func bundledRules() throws -> [DeclarationRule] {
        guard let url = Bundle.module.url(forResource: "declaration-rules", withExtension: "json") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "declaration-rules.json"])
        }
        return try JSONDecoder().decode([DeclarationRule].self, from: Data(contentsOf: url))
    }

    /// The local (Asia/Ho_Chi_Minh) calendar day of an instant, as the epidemic calendar counts it.
    public static func localDay(_ instant: Date) -> String { LocalDay.string(instant) }

    /// Stores a declaration once per client id, flagging it by the rules in force today.
    public func submit(_ d: DeclarationSubmission, now: Date = Date()) async throws -> DeclarationReceipt {
        var v = Validator()
        v.require(UUID(uuidString: d.clientId) != nil, "clientId", "a UUID made by the device")
        v.require(AreaCode.level(of: d.communeCode) == .commune, "communeCode", "a 5-digit commune code")
        v.require((d.travel ?? "").count <= 500, "travel", "at most 500 characters")
        var claim = d.person
        claim.communeCode = d.communeCode
        switch claim.normalised() {
        case .failure(let error): v.require(false, error.field, error.reason)
        case .success(let normalised): claim = normalised
        }
        v.require(claim.name != nil, "person.name", "required")
        try v.check()
        let day = Self.localDay(now)
        let reasons = rules.filter { $0.flags(symptoms: Set(d.symptoms), exposures: Set(d.exposures), day: day) }.map(\.id)
        let claimed = claim
        return try await database.write { db in
            if let existing = try await db.raw("SELECT id, flag_reasons FROM health_declarations WHERE client_id = \(bind: d.clientId.lowercased())").first() {
                let stored = try existing.decode(column: "flag_reasons", as: String.self)
                return DeclarationReceipt(id: try existing.decode(column: "id", as: Int64.self), flagged: !stored.isEmpty,
                                          reasons: stored.isEmpty ? [] : stored.components(separatedBy: ","), duplicate: true)
            }
            let known = try await db.raw("SELECT 1 AS hit FROM area_units WHERE code = \(bind: d.communeCode) AND level = 'commune'").first()
            guard known != nil else { throw ValidationFailure([FieldError("communeCode", "unknown commune \(d.communeCode)")]) }
            guard let person = try await PersonStore.resolve([claimed], on: db, now: now)[0] else {
                throw ValidationFailure([FieldError("person.personToken", "unknown personal QR code")])
            }
            let row = try await db.raw("""
                INSERT INTO health_declarations (client_id, person_id, commune_code, submitted_at, report_day, symptoms, exposures, travel,
                                                 flag_reasons, follow_up)
                VALUES (\(bind: d.clientId.lowercased()), \(bind: person), \(bind: d.communeCode), \(bind: now), \(bind: day),
                        \(bind: d.symptoms.map(\.rawValue).joined(separator: ",")), \(bind: d.exposures.map(\.rawValue).joined(separator: ",")),
                        \(bind: d.travel), \(bind: reasons.joined(separator: ",")), \(bind: reasons.isEmpty ? "none" : FollowUp.pending.rawValue))
                RETURNING id
                """).first()!
            let id = try row.decode(column: "id", as: Int64.self)
            try await Aggregates.added(.declarations, keys: [id], on: db)
            return DeclarationReceipt(id: id, flagged: !reasons.isEmpty, reasons: reasons,
                                      duplicate: false)
        }
    }

    /// Flagged declarations still pending in the principal's area, oldest first. Personal data: audited.
    public func queue(by principal: Principal, trace: RequestTrace, limit: Int = 500) async throws -> [QueueEntry] {
        try await gate.require(principal, .followUpDeclarations, entity: "health_declaration", trace: trace)
        let scope = ScopeFilter(principal)
        let entries = try await database.read { db in
            try await db.raw("""
                SELECT d.id, d.submitted_at, p.full_name, p.phone, d.commune_code, d.symptoms, d.exposures, d.flag_reasons, d.follow_up
                FROM health_declarations d JOIN persons p ON p.id = d.person_id
                WHERE d.follow_up = 'pending' AND \(scope.predicate("d.commune_code"))
                ORDER BY d.submitted_at LIMIT \(bind: limit)
                """).all().map { row in
                func list(_ column: String) throws -> [String] {
                    let s = try row.decode(column: column, as: String?.self) ?? ""
                    return s.isEmpty ? [] : s.components(separatedBy: ",")
                }
                return QueueEntry(id: try row.decode(column: "id", as: Int64.self), submittedAt: try row.decode(column: "submitted_at", as: Date.self),
                                  name: try row.decode(column: "full_name", as: String.self), phone: try row.decode(column: "phone", as: String?.self),
                                  communeCode: try row.decode(column: "commune_code", as: String.self), symptoms: try list("symptoms"),
                                  exposures: try list("exposures"), reasons: try list("flag_reasons"),
                                  followUp: try row.decode(column: "follow_up", as: String.self))
            }
        }
        try await AuditLog(database: database).append(AuditEntry(principal: principal, action: "read:queue", entity: "health_declaration",
                                                                 context: trace))
        return entries
    }

    public func setFollowUp(_ id: Int64, _ followUp: FollowUp, by principal: Principal, trace: RequestTrace) async throws {
        guard let commune = try await database.read({ db in
            try await db.raw("SELECT commune_code FROM health_declarations WHERE id = \(bind: id)").first()?.decode(column: "commune_code", as: String.self)
        }) else { throw DeclarationNotFound(id: id) }
        try await gate.require(principal, .followUpDeclarations, area: commune, entity: "health_declaration", entityID: String(id), trace: trace)
        try await database.write { db in
            try await db.raw("""
                UPDATE health_declarations SET follow_up = \(bind: followUp.rawValue), follow_up_by = \(bind: principal.accountID),
                       follow_up_at = \(bind: Date()) WHERE id = \(bind: id)
                """).run()
            try await AuditLog.append(AuditEntry(principal: principal, action: "follow_up:\(followUp.rawValue)", entity: "health_declaration",
                                                 entityID: String(id), areaCode: commune, context: trace), on: db)
        }
    }

    /// Declarants (distinct people) and flagged declarations per district on a local day, within the principal's area.
    public func counts(day: String, by principal: Principal, trace: RequestTrace) async throws -> [DeclarationCount] {
        try await gate.require(principal, .readDashboards, entity: "health_declaration", trace: trace)
        let scope = ScopeFilter(principal)
        return try await database.read { db in
            try await db.raw("""
                SELECT u.parent_code AS area, COUNT(DISTINCT d.person_id) AS declarants,
                       SUM(CASE WHEN d.flag_reasons <> '' THEN 1 ELSE 0 END) AS flagged
                FROM health_declarations d JOIN area_units u ON u.code = d.commune_code AND u.vintage = '2021'
                WHERE d.report_day = \(bind: day) AND \(scope.predicate("d.commune_code"))
                GROUP BY u.parent_code ORDER BY u.parent_code
                """).all().map {
                DeclarationCount(areaCode: try $0.decode(column: "area", as: String.self),
                                 declarants: try $0.decode(column: "declarants", as: Int.self),
                                 flagged: try $0.decode(column: "flagged", as: Int.self))
            }
        }
    }
}

public struct DeclarationNotFound: MissingRecord, Equatable {
    public var detail: String { "No such declaration." }
    public let id: Int64
    public init(id: Int64) { self.id = id }
}
