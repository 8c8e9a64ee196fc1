import Domain
import Foundation
import SQLKit
import Storage

/// How a submission names a person. At least one of `personToken`, `idNumber` or `phone` is needed.
public struct PersonClaim: Sendable, Equatable, Codable {
    public var idNumber: String?
    public var phone: String?
    public var personToken: String?
    public var name: String?
    public var birthYear: Int?
    public var communeCode: String?

    public init(idNumber: String? = nil, phone: String? = nil, personToken: String? = nil, name: String? = nil,
                birthYear: Int? = nil, communeCode: String? = nil) {
        self.idNumber = idNumber
        self.phone = phone
        self.personToken = personToken
        self.name = name
        self.birthYear = birthYear
        self.communeCode = communeCode
    }

    /// The claim with its identifiers normalised, or the reason it cannot name anyone.
    public func normalised() -> Result<PersonClaim, FieldError> {
        var out = self
        out.name = name.map(\.trimmedWhitespace).flatMap { $0.isEmpty ? nil : $0 }
        if let name = out.name, name.count > 200 { return .failure(FieldError("person.name", "at most 200 characters")) }
        if let raw = idNumber, !raw.isEmpty {
            guard let id = PersonIdentity.normalisedIDNumber(raw) else {
                return .failure(FieldError("person.idNumber", "a 12-digit CCCD, a 9-digit CMND or a passport number"))
            }
            out.idNumber = id
        } else {
            out.idNumber = nil
        }
        if let raw = phone, !raw.isEmpty {
            guard let phone = PersonIdentity.normalisedPhone(raw) else {
                return .failure(FieldError("person.phone", "a Vietnamese phone number (10 digits starting with 0, or +84)"))
            }
            out.phone = phone
        } else {
            out.phone = nil
        }
        out.personToken = personToken.flatMap { $0.isEmpty ? nil : $0 }
        if let year = birthYear, !(1900...2100).contains(year) { return .failure(FieldError("person.birthYear", "a year such as 1985")) }
        if let commune = communeCode, !commune.isEmpty, AreaCode.level(of: commune) != .commune {
            return .failure(FieldError("person.communeCode", "a 5-digit commune code"))
        }
        guard out.personToken != nil || out.idNumber != nil || out.phone != nil else {
            return .failure(FieldError("person", "give an idNumber, a phone or a personToken"))
        }
        return .success(out)
    }
}

/// One record per person across every capability. Resolution finds the same person again by personal QR token,
/// identity number, or phone together with name (a family may share a phone); a new person is created otherwise.
public enum PersonStore {
    public struct UnknownPersonToken: Error, Equatable { public let token: String }

    /// Resolves normalised claims to person ids on `db` (inside the caller's transaction), creating people as
    /// needed, in bulk: a handful of statements whatever the number of claims. A claim whose personal-QR token is
    /// unknown resolves to nil.
    public static func resolve(_ claims: [PersonClaim], on db: any SQLDatabase, now: Date = Date()) async throws -> [Int64?] {
        var result = [Int64?](repeating: nil, count: claims.count)

        let tokens = Array(Set(claims.compactMap(\.personToken)))
        let byToken = try await lookup(db, column: "qr_token", values: tokens)
        var pending: [Int] = []
        for (i, claim) in claims.enumerated() {
            if let token = claim.personToken {
                result[i] = byToken[token]
            } else {
                pending.append(i)
            }
        }

        func phoneKey(_ claim: PersonClaim) -> String { claim.phone! + "|" + TextFolding.fold(claim.name ?? "") }
        var byID = try await lookup(db, column: "id_number", values: Array(Set(pending.compactMap { claims[$0].idNumber })))
        var byPhone = try await phoneLookup(db, phones: Array(Set(pending.compactMap { claims[$0].idNumber == nil ? claims[$0].phone : nil })))

        // Create whoever is still unknown, once each, then look them up again (a concurrent writer may have won).
        var toCreate: [PersonClaim] = []
        var seen = Set<String>()
        for i in pending {
            let claim = claims[i]
            if let id = claim.idNumber {
                if byID[id] == nil, seen.insert("id:" + id).inserted { toCreate.append(claim) }
            } else if byPhone[phoneKey(claim)] == nil, seen.insert("ph:" + phoneKey(claim)).inserted {
                toCreate.append(claim)
            }
        }
        if !toCreate.isEmpty {
            // One order for every writer, so that concurrent batches lock the same keys in the same order.
            toCreate.sort { ($0.idNumber ?? "~" + ($0.phone ?? "")) < ($1.idNumber ?? "~" + ($1.phone ?? "")) }
            for created in try await insert(toCreate, on: db, now: now) {
                if let id = created.idNumber { byID[id] = created.id } else if let phone = created.phone {
                    byPhone[phone + "|" + created.nameFolded] = created.id
                }
            }
            // A concurrent writer may have created some of them first (their inserts were skipped): read those.
            let missing = pending.filter { claims[$0].idNumber.map { byID[$0] == nil } ?? (byPhone[phoneKey(claims[$0])] == nil) }
            if !missing.isEmpty {
                byID.merge(try await lookup(db, column: "id_number", values: Array(Set(missing.compactMap { claims[$0].idNumber })))) { a, _ in a }
                byPhone.merge(try await phoneLookup(db, phones: Array(Set(missing.compactMap { claims[$0].idNumber == nil ? claims[$0].phone : nil })))) { a, _ in a }
            }
        }
        for i in pending {
            let claim = claims[i]
            result[i] = claim.idNumber.map { byID[$0] } ?? byPhone[phoneKey(claim)]
        }
        return result
    }

    /// Rows per statement: keeps binds under SQLite's and PostgreSQL's limits.
    static let chunk = 500

    private static func lookup(_ db: any SQLDatabase, column: String, values: [String]) async throws -> [String: Int64] {
        var found: [String: Int64] = [:]
        for start in stride(from: 0, to: values.count, by: chunk) {
            let slice = values[start..<min(start + chunk, values.count)]
            let rows = try await db.select().column("id").column(SQLIdentifier(column)).from("persons")
                .where(SQLIdentifier(column), .in, Array(slice)).all()
            for row in rows {
                found[try row.decode(column: column, as: String.self)] = try row.decode(column: "id", as: Int64.self)
            }
        }
        return found
    }

    /// Phone-only claims: key "phone|folded name" → the oldest person with that phone and name and no ID number.
    private static func phoneLookup(_ db: any SQLDatabase, phones: [String]) async throws -> [String: Int64] {
        var found: [String: Int64] = [:]
        for start in stride(from: 0, to: phones.count, by: chunk) {
            let slice = Array(phones[start..<min(start + chunk, phones.count)])
            let rows = try await db.select().column("id").column("phone").column("name_folded").from("persons")
                .where("phone", .in, slice).where("id_number", .is, SQLLiteral.null).orderBy("id").all()
            for row in rows {
                let key = try row.decode(column: "phone", as: String.self) + "|" + row.decode(column: "name_folded", as: String.self)
                if found[key] == nil { found[key] = try row.decode(column: "id", as: Int64.self) }
            }
        }
        return found
    }

    /// Inserts people, skipping any that a concurrent writer created first; returns those inserted.
    private static func insert(_ claims: [PersonClaim], on db: any SQLDatabase, now: Date) async throws
        -> [(id: Int64, idNumber: String?, phone: String?, nameFolded: String)]
    {
        var created: [(id: Int64, idNumber: String?, phone: String?, nameFolded: String)] = []
        for start in stride(from: 0, to: claims.count, by: chunk / 2) {
            let slice = claims[start..<min(start + chunk / 2, claims.count)]
            var query = db.insert(into: "persons")
                .columns("full_name", "name_folded", "id_number", "phone", "birth_year", "commune_code", "qr_token", "created_at", "updated_at")
            for claim in slice {
                query = query.values(
                    SQLBind(claim.name ?? ""), SQLBind(TextFolding.fold(claim.name ?? "")), SQLBind(claim.idNumber), SQLBind(claim.phone),
                    SQLBind(claim.birthYear), SQLBind(claim.communeCode), SQLBind(newQRToken()), SQLBind(now), SQLBind(now))
            }
            for row in try await query.ignoringConflicts().returning("id", "id_number", "phone", "name_folded").all() {
                created.append((try row.decode(column: "id", as: Int64.self), try row.decode(column: "id_number", as: String?.self),
                                try row.decode(column: "phone", as: String?.self), try row.decode(column: "name_folded", as: String.self)))
            }
        }
        return created
    }

    /// An unguessable token for a person's own QR code (22 characters of base64url, 128 bits).
    public static func newQRToken() -> String { RandomToken.make(bytes: 16) }
}

extension PersonStore {
    /// The token of a person's own QR code, for the "my QR" page.
    public static func qrToken(of id: Int64, on db: any SQLDatabase) async throws -> String? {
        try await db.raw("SELECT qr_token FROM persons WHERE id = \(bind: id)").first()?.decode(column: "qr_token", as: String.self)
    }
}
