import Domain
import Foundation
import SQLKit
import Storage

/// Who did what to which record, and why. Append-only: the application only inserts, and the schema
/// rejects UPDATE and DELETE.
public struct AuditEntry: Sendable, Equatable, Codable {
    public var id: Int64?
    public var at: Date
    public var accountID: Int64?
    public var username: String?
    public var role: String?
    public var action: String
    public var entity: String
    public var entityID: String?
    public var areaCode: String?
    public var route: String?
    public var purpose: String?
    public var requestID: String?
    public var outcome: String

    public init(at: Date = Date(), principal: Principal?, action: String, entity: String, entityID: String? = nil,
                areaCode: String? = nil, context: RequestTrace, outcome: String = "ok") {
        self.at = at
        self.accountID = principal?.accountID
        self.username = principal?.username
        self.role = principal?.role.rawValue
        self.action = action
        self.entity = entity
        self.entityID = entityID
        self.areaCode = areaCode ?? principal?.scopeCode
        self.route = context.route
        self.purpose = context.purpose
        self.requestID = context.requestID
        self.outcome = outcome
    }
}

/// Where a store call comes from: the route and request id for the audit log, and the purpose given.
public struct RequestTrace: Sendable, Equatable {
    public var route: String
    public var requestID: String
    public var purpose: String?

    public init(route: String, requestID: String, purpose: String? = nil) {
        self.route = route
        self.requestID = requestID
        self.purpose = purpose
    }

    /// For work started from the command line.
    public static func cli(_ command: String) -> RequestTrace { RequestTrace(route: "cli:\(command)", requestID: "cli") }
}

public struct AuditFilter: Sendable, Equatable {
    public var username: String?
    public var entity: String?
    public var action: String?
    public var from: Date?
    public var to: Date?
    public var limit: Int = 100
    public var beforeID: Int64?

    public init() {}
}

public struct AuditLog: Sendable {
    public let database: Database
    public init(database: Database) { self.database = database }

    /// Appends on the given connection, so a change and its audit row commit together.
    public static func append(_ entry: AuditEntry, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO audit_log (at, account_id, username, role, action, entity, entity_id, area_code, route, purpose, request_id, outcome)
            VALUES (\(bind: entry.at), \(bind: entry.accountID), \(bind: entry.username), \(bind: entry.role), \(bind: entry.action),
                    \(bind: entry.entity), \(bind: entry.entityID), \(bind: entry.areaCode), \(bind: entry.route), \(bind: entry.purpose),
                    \(bind: entry.requestID), \(bind: entry.outcome))
            """).run()
    }

    public func append(_ entry: AuditEntry) async throws {
        try await database.write { try await Self.append(entry, on: $0) }
    }

    /// Newest first, limited to entries about the viewer's area scope.
    public func list(_ filter: AuditFilter, scope: ScopeFilter) async throws -> [AuditEntry] {
        try await database.read { db in
            var query: SQLQueryString = """
                SELECT id, at, account_id, username, role, action, entity, entity_id, area_code, route, purpose, request_id, outcome
                FROM audit_log WHERE \(scope.predicate("area_code"))
                """
            if let u = filter.username { query.appendInterpolation(unsafeRaw: " AND username = "); query.appendInterpolation(bind: u) }
            if let e = filter.entity { query.appendInterpolation(unsafeRaw: " AND entity = "); query.appendInterpolation(bind: e) }
            if let a = filter.action { query.appendInterpolation(unsafeRaw: " AND action = "); query.appendInterpolation(bind: a) }
            if let f = filter.from { query.appendInterpolation(unsafeRaw: " AND at >= "); query.appendInterpolation(bind: f) }
            if let t = filter.to { query.appendInterpolation(unsafeRaw: " AND at < "); query.appendInterpolation(bind: t) }
            if let b = filter.beforeID { query.appendInterpolation(unsafeRaw: " AND id < "); query.appendInterpolation(bind: b) }
            query.appendInterpolation(unsafeRaw: " ORDER BY id DESC LIMIT ")
            query.appendInterpolation(bind: max(1, min(filter.limit, 1000)))
            return try await db.raw(query).all().map { row in
                var entry = AuditEntry(
                    at: try row.decode(column: "at", as: Date.self), principal: nil,
                    action: try row.decode(column: "action", as: String.self),
                    entity: try row.decode(column: "entity", as: String.self),
                    entityID: try row.decode(column: "entity_id", as: String?.self),
                    areaCode: try row.decode(column: "area_code", as: String?.self),
                    context: RequestTrace(route: try row.decode(column: "route", as: String?.self) ?? "",
                                          requestID: try row.decode(column: "request_id", as: String?.self) ?? "",
                                          purpose: try row.decode(column: "purpose", as: String?.self)),
                    outcome: try row.decode(column: "outcome", as: String.self))
                entry.id = try row.decode(column: "id", as: Int64.self)
                entry.accountID = try row.decode(column: "account_id", as: Int64?.self)
                entry.username = try row.decode(column: "username", as: String?.self)
                entry.role = try row.decode(column: "role", as: String?.self)
                return entry
            }
        }
    }
}
