import Accounts
import Domain
import Foundation
import SQLKit
import Storage

/// A cluster (ổ dịch): cases grouped around a place and dates, with an index case.
public struct Cluster: Sendable, Codable, Equatable {
    public let id: Int64
    public let name: String
    public let communeCode: String
    public let place: String
    public let venueId: Int64?
    public let indexCaseId: Int64?
    public let startedOn: String
    public let endedOn: String?
    public let caseIds: [Int64]
}

public struct NewCluster: Sendable, Codable, Equatable {
    public var name: String
    public var communeCode: String
    public var place: String
    public var venueId: Int64?
    public var indexCaseId: Int64?
    public var startedOn: String
    public var caseIds: [Int64]?

    public init(name: String, communeCode: String, place: String, venueId: Int64? = nil, indexCaseId: Int64? = nil, startedOn: String,
                caseIds: [Int64]? = nil) {
        self.name = name
        self.communeCode = communeCode
        self.place = place
        self.venueId = venueId
        self.indexCaseId = indexCaseId
        self.startedOn = startedOn
        self.caseIds = caseIds
    }
}

public struct ClusterNotFound: MissingRecord, Equatable {
    public let id: Int64
    public var detail: String { "No such cluster." }
}

public struct ClusterStore: Sendable {
    public let database: Database
    let gate: AccessGate

    public init(database: Database) {
        self.database = database
        self.gate = AccessGate(database: database)
    }

    public func create(_ new: NewCluster, by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws -> Cluster {
        var v = Validator()
        let name = new.name.trimmingCharacters(in: .whitespaces), place = new.place.trimmingCharacters(in: .whitespaces)
        v.require(!name.isEmpty && name.count <= 200, "name", "required, at most 200 characters")
        v.require(!place.isEmpty && place.count <= 300, "place", "required, at most 300 characters")
        v.require(AreaCode.level(of: new.communeCode) == .commune, "communeCode", "a 5-digit commune code")
        v.require(LocalDay.isValid(new.startedOn), "startedOn", "a day as YYYY-MM-DD")
        v.require((new.caseIds ?? []).count <= 5000, "caseIds", "at most 5000")
        try v.check()
        try await gate.require(principal, .manageCases, area: new.communeCode, entity: "cluster", entityID: nil, trace: trace)
        let members = Array(Set((new.caseIds ?? []) + [new.indexCaseId].compactMap { $0 })).sorted()
        try await requireCasesInScope(members, principal, trace)
        let id = try await database.write { db in
            let row = try await db.raw("""
                INSERT INTO clusters (name, index_case_id, commune_code, place, venue_id, started_on, created_at, created_by)
                VALUES (\(bind: name), \(bind: new.indexCaseId), \(bind: new.communeCode), \(bind: place), \(bind: new.venueId), \(bind: new.startedOn),
                        \(bind: now), \(bind: principal.accountID))
                RETURNING id
                """).first()!
            let id = try row.decode(column: "id", as: Int64.self)
            try await Self.assign(members, to: id, on: db)
            try await AuditLog.append(AuditEntry(principal: principal, action: "create", entity: "cluster", entityID: String(id),
                                                 areaCode: new.communeCode, context: trace), on: db)
            return id
        }
        return try await get(id, by: principal, trace: trace)
    }

    /// Adds cases to a cluster (a case belongs to at most one; adding moves it).
    public func add(_ caseIDs: [Int64], to id: Int64, by principal: Principal, trace: RequestTrace) async throws -> Cluster {
        let cluster = try await get(id, by: principal, trace: trace)
        try await gate.require(principal, .manageCases, area: cluster.communeCode, entity: "cluster", entityID: String(id), trace: trace)
        guard !caseIDs.isEmpty, caseIDs.count <= 5000 else { throw ValidationFailure([FieldError("caseIds", "1 to 5000 case ids")]) }
        try await requireCasesInScope(caseIDs, principal, trace)
        try await database.write { db in
            try await Self.assign(caseIDs, to: id, on: db)
            try await AuditLog.append(AuditEntry(principal: principal, action: "add_cases", entity: "cluster", entityID: String(id),
                                                 areaCode: cluster.communeCode, context: trace, outcome: "ok:\(caseIDs.count)"), on: db)
        }
        return try await get(id, by: principal, trace: trace)
    }

    /// Records the day a cluster ended (no new case linked to it for the period the rules ask), or clears it when the
    /// cluster turns out to go on (`nil`). Never before it started.
    public func end(_ id: Int64, on day: String?, by principal: Principal, trace: RequestTrace) async throws -> Cluster {
        let cluster = try await get(id, by: principal, trace: trace)
        try await gate.require(principal, .manageCases, area: cluster.communeCode, entity: "cluster", entityID: String(id), trace: trace)
        if let day {
            guard LocalDay.isValid(day), day >= cluster.startedOn else {
                throw ValidationFailure([FieldError("endedOn", "a day as YYYY-MM-DD on or after \(cluster.startedOn)")])
            }
        }
        try await database.write { db in
            try await db.raw("UPDATE clusters SET ended_on = \(bind: day) WHERE id = \(bind: id)").run()
            try await AuditLog.append(AuditEntry(principal: principal, action: day.map { "end:\($0)" } ?? "reopen", entity: "cluster",
                                                 entityID: String(id), areaCode: cluster.communeCode, context: trace), on: db)
        }
        return try await get(id, by: principal, trace: trace)
    }

    private func requireCasesInScope(_ ids: [Int64], _ principal: Principal, _ trace: RequestTrace) async throws {
        guard !ids.isEmpty else { return }
        let communes: [Int64: String] = try await database.read { db in
            var found: [Int64: String] = [:]
            for start in stride(from: 0, to: ids.count, by: 500) {
                let slice = Array(ids[start..<min(start + 500, ids.count)])
                for row in try await db.raw("SELECT id, commune_code FROM cases WHERE id IN (\(binds: slice))").all() {
                    found[try row.decode(column: "id", as: Int64.self)] = try row.decode(column: "commune_code", as: String.self)
                }
            }
            return found
        }
        let missing = ids.enumerated().filter { communes[$0.element] == nil }
        guard missing.isEmpty else { throw ValidationFailure(missing.prefix(20).map { FieldError("caseIds[\($0.offset)]", "no case \($0.element)") }) }
        for commune in Set(communes.values) {
            try await gate.require(principal, .manageCases, area: commune, entity: "case", entityID: nil, trace: trace)
        }
    }

    static func assign(_ ids: [Int64], to cluster: Int64, on db: any SQLDatabase) async throws {
        for start in stride(from: 0, to: ids.count, by: 500) {
            let slice = Array(ids[start..<min(start + 500, ids.count)])
            try await db.raw("UPDATE cases SET cluster_id = \(bind: cluster) WHERE id IN (\(binds: slice))").run()
        }
    }

    public func get(_ id: Int64, by principal: Principal, trace: RequestTrace) async throws -> Cluster {
        guard let cluster = try await database.read({ db in try await Self.fetch(db, where: "id = \(bind: id)").first }) else {
            throw ClusterNotFound(id: id)
        }
        try await gate.require(principal, .readCases, area: cluster.communeCode, entity: "cluster", entityID: String(id), trace: trace)
        return cluster
    }

    public func list(by principal: Principal, trace: RequestTrace) async throws -> [Cluster] {
        try await gate.require(principal, .readCases, entity: "cluster", trace: trace)
        return try await database.read { db in try await Self.fetch(db, where: ScopeFilter(principal).predicate("commune_code")) }
    }

    static func fetch(_ db: any SQLDatabase, where condition: SQLQueryString) async throws -> [Cluster] {
        let rows = try await db.raw("""
            SELECT id, name, commune_code, place, venue_id, index_case_id, started_on, ended_on FROM clusters WHERE \(condition)
            ORDER BY started_on DESC, id DESC LIMIT 1000
            """).all()
        var result: [Cluster] = []
        for row in rows {
            let id = try row.decode(column: "id", as: Int64.self)
            let members = try await db.raw("SELECT id FROM cases WHERE cluster_id = \(bind: id) ORDER BY id").all()
                .map { try $0.decode(column: "id", as: Int64.self) }
            result.append(Cluster(id: id, name: try row.decode(column: "name", as: String.self), communeCode: try row.decode(column: "commune_code", as: String.self),
                                  place: try row.decode(column: "place", as: String.self), venueId: try row.decode(column: "venue_id", as: Int64?.self),
                                  indexCaseId: try row.decode(column: "index_case_id", as: Int64?.self),
                                  startedOn: try row.decode(column: "started_on", as: String.self), endedOn: try row.decode(column: "ended_on", as: String?.self),
                                  caseIds: members))
        }
        return result
    }
}
