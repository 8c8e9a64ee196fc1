import Domain
import Foundation
import SQLKit
import Storage

/// Refused: the role lacks the permission, the record lies outside the account's area, or it belongs to another
/// facility than the one the account is bound to.
public struct AccessDenied: Error, Sendable, Equatable {
    public enum Reason: String, Sendable { case role, scope, facility }
    public let reason: Reason
    public let permission: Permission
    public init(reason: Reason, permission: Permission) {
        self.reason = reason
        self.permission = permission
    }
}

/// The one place that decides whether a principal may act, for every store. A refusal is itself audited,
/// so probing another district's data leaves a trace.
public struct AccessGate: Sendable {
    public let database: Database
    public init(database: Database) { self.database = database }

    /// Role check only (for lists, which are then filtered by `ScopeFilter`).
    public func require(_ principal: Principal, _ permission: Permission, entity: String, trace: RequestTrace) async throws {
        guard principal.role.may(permission) else {
            try await deny(principal, permission, .role, entity: entity, entityID: nil, area: nil, trace: trace)
        }
    }

    /// Role and area: `area` must lie inside the principal's scope.
    public func require(_ principal: Principal, _ permission: Permission, area: String, entity: String, entityID: String?,
                        trace: RequestTrace) async throws {
        guard principal.role.may(permission) else {
            try await deny(principal, permission, .role, entity: entity, entityID: entityID, area: area, trace: trace)
        }
        let inside = try await database.read { try await ScopeFilter(principal).covers(area, on: $0) }
        guard inside else {
            try await deny(principal, permission, .scope, entity: entity, entityID: entityID, area: area, trace: trace)
        }
    }

    /// Facility: an account bound to a facility acts only on its facility's records (and on records no facility
    /// owns, which the area rule alone governs). Call after the role and area check.
    public func requireFacility(_ principal: Principal, _ permission: Permission, owner: String?, entity: String, entityID: String?,
                                area: String?, trace: RequestTrace) async throws {
        guard let mine = principal.facilityID, let owner, owner != mine else { return }
        try await deny(principal, permission, .facility, entity: entity, entityID: entityID, area: area, trace: trace)
    }

    /// Records the refusal in the audit log and throws it. For checks the gate cannot phrase itself (ownership).
    public func deny(_ principal: Principal, _ permission: Permission, _ reason: AccessDenied.Reason, entity: String,
                      entityID: String?, area: String?, trace: RequestTrace) async throws -> Never {
        var entry = AuditEntry(principal: principal, action: "denied:\(permission.rawValue)", entity: entity, entityID: entityID,
                               areaCode: principal.scopeCode, context: trace, outcome: "denied:\(reason.rawValue)")
        // Recorded under the actor's own area so their administrator sees the attempt; the target is kept too.
        if let area { entry.purpose = [trace.purpose, "target area \(area)"].compactMap { $0 }.joined(separator: "; ") }
        try await AuditLog(database: database).append(entry)
        throw AccessDenied(reason: reason, permission: permission)
    }
}
