import Accounts
import Domain
import Foundation
import SQLKit
import Storage

/// A person as staff see and enter them.
public struct Person: Sendable, Codable, Equatable {
    public let id: Int64
    public let fullName: String
    public let sex: Sex?
    public let birthDate: String?
    public let birthYear: Int?
    public let idNumber: String?
    public let phones: [String]
    public let address: String?
    public let communeCode: String?
}

/// A person entered by staff. At least a name and one of ID number or phone.
public struct NewPerson: Sendable, Codable, Equatable {
    public var fullName: String
    public var sex: Sex?
    /// `yyyy-MM-dd`; or only `birthYear` when the day is unknown.
    public var birthDate: String?
    public var birthYear: Int?
    public var idNumber: String?
    public var phones: [String]?
    public var address: String?
    public var communeCode: String?
    /// Set after the staff member has seen the suggested duplicates and decided this is someone else.
    public var confirmNew: Bool?

    public init(fullName: String, sex: Sex? = nil, birthDate: String? = nil, birthYear: Int? = nil, idNumber: String? = nil,
                phones: [String]? = nil, address: String? = nil, communeCode: String? = nil, confirmNew: Bool? = nil) {
        self.fullName = fullName
        self.sex = sex
        self.birthDate = birthDate
        self.birthYear = birthYear
        self.idNumber = idNumber
        self.phones = phones
        self.address = address
        self.communeCode = communeCode
        self.confirmNew = confirmNew
    }

    /// The entry with identifiers normalised, or every invalid field.
    func validated() throws -> NewPerson {
        var v = Validator()
        var out = self
        out.fullName = fullName.trimmingCharacters(in: .whitespacesAndNewlines)
        v.require(!out.fullName.isEmpty && out.fullName.count <= 200, "fullName", "required, at most 200 characters")
        if let day = birthDate, !day.isEmpty {
            v.require(LocalDay.isValid(day) && day >= "1900-01-01", "birthDate", "a day as YYYY-MM-DD")
            if LocalDay.isValid(day), let year = Int(day.prefix(4)) {
                v.require(birthYear == nil || birthYear == year, "birthYear", "does not match birthDate")
                out.birthYear = year
            }
        } else {
            out.birthDate = nil
        }
        if let year = out.birthYear { v.require((1900...2100).contains(year), "birthYear", "a year such as 1985") }
        if let raw = idNumber, !raw.isEmpty {
            out.idNumber = PersonIdentity.normalisedIDNumber(raw)
            v.require(out.idNumber != nil, "idNumber", "a 12-digit CCCD, a 9-digit CMND or a passport number")
        } else {
            out.idNumber = nil
        }
        var phones: [String] = []
        for (i, raw) in (self.phones ?? []).enumerated() where !raw.isEmpty {
            if let phone = PersonIdentity.normalisedPhone(raw) {
                if !phones.contains(phone) { phones.append(phone) }
            } else {
                v.require(false, "phones[\(i)]", "a Vietnamese phone number (10 digits starting with 0, or +84)")
            }
        }
        v.require(phones.count <= 5, "phones", "at most 5")
        out.phones = phones
        out.address = address.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        v.require((out.address ?? "").count <= 300, "address", "at most 300 characters")
        if let commune = communeCode, !commune.isEmpty {
            v.require(AreaCode.level(of: commune) == .commune, "communeCode", "a 5-digit commune code")
        } else {
            out.communeCode = nil
        }
        v.require(out.idNumber != nil || !phones.isEmpty, "idNumber", "give an ID number or a phone")
        try v.check()
        return out
    }
}

/// A possible duplicate shown before a new person is saved.
public struct PersonMatch: Sendable, Codable, Equatable {
    public let person: Person
    /// `id_number` (the same person, certainly) or `name_birth_year_phone` (probably).
    public let reason: String
}

/// Saving would create a duplicate: the same ID number exists (never allowed), or a likely match exists and the
/// entry was not confirmed as someone else.
public struct DuplicatePerson: ConflictingState, Sendable, Equatable {
    public let matches: [PersonMatch]
    public let certain: Bool

    public var detail: String {
        let ids = matches.map { String($0.person.id) }.joined(separator: ", ")
        return certain ? "A person with this ID number exists (person \(ids))."
            : "Possible duplicate of person \(ids): check, then resend with confirmNew true if this is someone else."
    }
    public var fields: [FieldError] {
        matches.map { FieldError($0.reason == "id_number" ? "idNumber" : "fullName", "same as person \($0.person.id) (\($0.reason))") }
    }
}

public struct PersonNotFound: MissingRecord, Equatable, Sendable {
    public var detail: String { "No such person." }
    public let id: Int64
    public init(id: Int64) { self.id = id }
}

/// The person registry for staff: entry with duplicate suggestions, diacritics-insensitive search, reads. Every
/// read of personal data is audited; lists are limited to the account's area.
public struct PersonRegistry: Sendable {
    public let database: Database
    let gate: AccessGate

    public init(database: Database) {
        self.database = database
        self.gate = AccessGate(database: database)
    }

    public func create(_ entry: NewPerson, by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws -> Person {
        let person = try entry.validated()
        if let commune = person.communeCode {
            try await gate.require(principal, .writePersons, area: commune, entity: "person", entityID: nil, trace: trace)
        } else {
            try await gate.require(principal, .writePersons, entity: "person", trace: trace)
        }
        return try await database.write { db in
            let matches = try await Self.matches(for: person, on: db)
            let certain = matches.contains { $0.reason == "id_number" }
            if certain || (!matches.isEmpty && person.confirmNew != true) { throw DuplicatePerson(matches: matches, certain: certain) }
            if let commune = person.communeCode,
               try await db.raw("SELECT 1 AS hit FROM area_units WHERE code = \(bind: commune) AND level = 'commune'").first() == nil {
                throw ValidationFailure([FieldError("communeCode", "unknown commune \(commune)")])
            }
            let row = try await db.raw("""
                INSERT INTO persons (full_name, name_folded, id_number, phone, birth_year, commune_code, qr_token, created_at, updated_at,
                                     sex, birth_date, address, address_folded)
                VALUES (\(bind: person.fullName), \(bind: TextFolding.fold(person.fullName)), \(bind: person.idNumber), \(bind: person.phones?.first),
                        \(bind: person.birthYear), \(bind: person.communeCode), \(bind: PersonStore.newQRToken()), \(bind: now), \(bind: now),
                        \(bind: person.sex?.rawValue), \(bind: person.birthDate), \(bind: person.address), \(bind: person.address.map(TextFolding.fold)))
                RETURNING id
                """).first()!
            let id = try row.decode(column: "id", as: Int64.self)
            for phone in (person.phones ?? []).dropFirst() {
                try await db.raw("INSERT INTO person_phones (person_id, phone) VALUES (\(bind: id), \(bind: phone))").run()
            }
            try await AuditLog.append(AuditEntry(principal: principal, action: "create", entity: "person", entityID: String(id),
                                                 areaCode: person.communeCode, context: trace), on: db)
            return try await Self.fetch([id], on: db)[0]
        }
    }

    /// People who may be the one being entered: the same ID number, or the same folded name, birth year and a phone.
    static func matches(for person: NewPerson, on db: any SQLDatabase) async throws -> [PersonMatch] {
        var result: [PersonMatch] = []
        if let id = person.idNumber,
           let row = try await db.raw("SELECT id FROM persons WHERE id_number = \(bind: id)").first() {
            result += try await fetch([try row.decode(column: "id", as: Int64.self)], on: db).map { PersonMatch(person: $0, reason: "id_number") }
        }
        if let year = person.birthYear, let phones = person.phones, !phones.isEmpty {
            let rows = try await db.raw("""
                SELECT id FROM persons WHERE name_folded = \(bind: TextFolding.fold(person.fullName)) AND birth_year = \(bind: year)
                  AND (phone IN (\(binds: phones)) OR id IN (SELECT person_id FROM person_phones WHERE phone IN (\(binds: phones))))
                ORDER BY id LIMIT 20
                """).all()
            let ids = try rows.map { try $0.decode(column: "id", as: Int64.self) }.filter { id in !result.contains { $0.person.id == id } }
            result += try await fetch(ids, on: db).map { PersonMatch(person: $0, reason: "name_birth_year_phone") }
        }
        return result
    }

    /// One person; personal data, so the read is audited and the person must live in the account's area (people
    /// with no known commune only to province-wide accounts).
    public func get(_ id: Int64, by principal: Principal, trace: RequestTrace) async throws -> Person {
        guard let person = try await database.read({ try await Self.fetch([id], on: $0).first }) else { throw PersonNotFound(id: id) }
        try await requireCovered(person, principal, trace: trace)
        try await AuditLog(database: database).append(AuditEntry(principal: principal, action: "read", entity: "person", entityID: String(id),
                                                                 areaCode: person.communeCode, context: trace))
        return person
    }

    func requireCovered(_ person: Person, _ principal: Principal, trace: RequestTrace) async throws {
        if let commune = person.communeCode {
            try await gate.require(principal, .readPersons, area: commune, entity: "person", entityID: String(person.id), trace: trace)
        } else if AreaCode.level(of: principal.scopeCode) == .province {
            try await gate.require(principal, .readPersons, entity: "person", trace: trace)
        } else {
            try await gate.deny(principal, .readPersons, .scope, entity: "person", entityID: String(person.id), area: nil, trace: trace)
        }
    }

    /// Search by ID number, phone, or the start of a name, ignoring diacritics and case; within the account's area.
    public func search(_ query: String, communeCode: String? = nil, limit: Int = 50, by principal: Principal, trace: RequestTrace) async throws -> [Person] {
        try await gate.require(principal, .readPersons, entity: "person", trace: trace)
        let q = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard q.count >= 2, q.count <= 100 else { throw ValidationFailure([FieldError("q", "2 to 100 characters: a name, a phone or an ID number")]) }
        let scope = ScopeFilter(principal)
        let folded = TextFolding.fold(q)
        let ids: [Int64] = try await database.read { db in
            var match: SQLQueryString
            if let phone = PersonIdentity.normalisedPhone(q) {
                match = "(p.phone = \(bind: phone) OR p.id IN (SELECT person_id FROM person_phones WHERE phone = \(bind: phone)))"
            } else if let id = PersonIdentity.normalisedIDNumber(q), q.contains(where: \.isNumber) {
                match = "p.id_number = \(bind: id)"
            } else {
                // A prefix range the index serves on both engines; LIKE then keeps exactly the prefix.
                let escaped = folded.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "_", with: "\\_")
                match = "p.name_folded >= \(bind: folded) AND p.name_folded < \(bind: folded + "\u{FFFF}") AND p.name_folded LIKE \(bind: escaped + "%") ESCAPE '\\'"
            }
            if let commune = communeCode, !commune.isEmpty { match = "\(match) AND p.commune_code = \(bind: commune)" }
            let area: SQLQueryString = AreaCode.level(of: principal.scopeCode) == .province ? "1 = 1" : scope.predicate("p.commune_code")
            return try await db.raw("SELECT p.id FROM persons p WHERE \(match) AND \(area) ORDER BY p.name_folded, p.id LIMIT \(bind: min(max(limit, 1), 200))")
                .all().map { try $0.decode(column: "id", as: Int64.self) }
        }
        let people = try await database.read { try await Self.fetch(ids, on: $0) }
        try await AuditLog(database: database).append(AuditEntry(principal: principal, action: "search", entity: "person",
                                                                 context: RequestTrace(route: trace.route, requestID: trace.requestID,
                                                                                       purpose: trace.purpose ?? "search: \(people.count) found")))
        return people
    }

    /// People by id, in the order given (missing ids skipped). Not audited: callers audit what they show.
    public static func fetch(_ ids: [Int64], on db: any SQLDatabase) async throws -> [Person] {
        guard !ids.isEmpty else { return [] }
        var byID: [Int64: Person] = [:]
        var extra: [Int64: [String]] = [:]
        for start in stride(from: 0, to: ids.count, by: PersonStore.chunk) {
            let slice = Array(ids[start..<min(start + PersonStore.chunk, ids.count)])
            for row in try await db.raw("SELECT person_id, phone FROM person_phones WHERE person_id IN (\(binds: slice)) ORDER BY phone").all() {
                extra[try row.decode(column: "person_id", as: Int64.self), default: []].append(try row.decode(column: "phone", as: String.self))
            }
            for row in try await db.raw("""
                SELECT id, full_name, sex, birth_date, birth_year, id_number, phone, address, commune_code FROM persons WHERE id IN (\(binds: slice))
                """).all() {
                let id = try row.decode(column: "id", as: Int64.self)
                byID[id] = Person(
                    id: id, fullName: try row.decode(column: "full_name", as: String.self),
                    sex: try row.decode(column: "sex", as: String?.self).flatMap(Sex.init(rawValue:)),
                    birthDate: try row.decode(column: "birth_date", as: String?.self), birthYear: try row.decode(column: "birth_year", as: Int?.self),
                    idNumber: try row.decode(column: "id_number", as: String?.self),
                    phones: [try row.decode(column: "phone", as: String?.self)].compactMap { $0 } + (extra[id] ?? []),
                    address: try row.decode(column: "address", as: String?.self), communeCode: try row.decode(column: "commune_code", as: String?.self))
            }
        }
        return ids.compactMap { byID[$0] }
    }
}
