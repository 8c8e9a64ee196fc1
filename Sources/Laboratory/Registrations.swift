import Accounts
import Domain
import Foundation
import People
import SQLKit
import Storage

public enum TestReason: String, Sendable, Codable, CaseIterable {
    case symptoms, f1, travel, work, screening
}

public struct NewRegistration: Sendable, Codable, Equatable {
    public var person: PersonClaim
    public var reason: TestReason
    public var communeCode: String?
    public var siteId: Int64?
    public var slotStart: Date?

    public init(person: PersonClaim, reason: TestReason, communeCode: String? = nil, siteId: Int64? = nil, slotStart: Date? = nil) {
        self.person = person
        self.reason = reason
        self.communeCode = communeCode
        self.siteId = siteId
        self.slotStart = slotStart
    }
}

/// What the person takes away: the code to show at sampling and their personal QR token.
public struct Registration: Sendable, Codable, Equatable {
    public let code: String
    public let personId: Int64
    public let personToken: String
}

/// One answer per row of an imported list.
public struct RegistrationRow: Sendable, Codable, Equatable {
    public let line: Int
    /// `accepted`, `duplicate` (the person is already on an earlier line of the file) or `invalid`.
    public let status: String
    public let code: String?
    public let errors: [FieldError]
}

public struct RegistrationImport: Sendable, Codable, Equatable {
    public let accepted: Int
    public let rows: [RegistrationRow]
}

extension LabStore {
    /// Registration codes: 8 characters without look-alikes, read aloud or typed from a slip.
    static func newCode() -> String { SlipCode.make() }

    /// A citizen registers themselves (`principal` nil) or staff register someone. The person is found again or
    /// created from the claim.
    public func register(_ new: NewRegistration, by principal: Principal?, trace: RequestTrace, now: Date = Date()) async throws -> Registration {
        let claim: PersonClaim
        switch new.person.normalised() {
        case .success(let normalised): claim = normalised
        case .failure(let error): throw ValidationFailure([error])
        }
        var v = Validator()
        v.require(claim.idNumber != nil || claim.phone != nil, "person", "an ID number or a phone number")
        v.require(claim.personToken == nil || principal != nil, "person.personToken", "registering by QR token is for staff")
        let commune = new.communeCode ?? claim.communeCode
        v.require(commune.map { AreaCode.level(of: $0) == .commune } ?? false, "communeCode", "the commune where the person lives")
        v.require(new.slotStart == nil || new.siteId != nil, "siteId", "the site of the chosen hour")
        try v.check()
        if let principal { try await gate.require(principal, .writePersons, area: commune!, entity: "test_registration", entityID: nil, trace: trace) }
        let code = Self.newCode()
        let personId: Int64 = try await database.write { db in
            var slot: Date? = nil
            if let site = new.siteId { slot = try await Self.checkBooking(site: site, slot: new.slotStart, now: now, on: db) }
            guard let id = try await PersonStore.resolve([claim], on: db, now: now).first ?? nil else {
                throw ValidationFailure([FieldError("person.personToken", "no person has this personal QR code")])
            }
            try await db.raw("""
                INSERT INTO test_registrations (code, person_id, reason, commune_code, site_id, slot_start, source, created_at, created_by)
                VALUES (\(bind: code), \(bind: id), \(bind: new.reason.rawValue), \(bind: commune!), \(bind: new.siteId), \(bind: slot),
                        \(bind: principal == nil ? "self" : "staff"), \(bind: now), \(bind: principal?.accountID))
                """).run()
            try await AuditLog.append(AuditEntry(principal: principal, action: "register", entity: "test_registration", entityID: code,
                                                 areaCode: commune, context: trace), on: db)
            return id
        }
        return Registration(code: code, personId: personId, personToken: try await token(of: personId))
    }

    /// A spreadsheet that took a column for numbers drops the leading zero: a 12-digit CCCD (which starts with 0)
    /// arrives with 11 digits, a phone with 9. Nothing else of that length is valid, so the zero is put back.
    static func spreadsheetID(_ raw: String) -> String { raw.count == 11 && raw.allSatisfy(\.isNumber) ? "0" + raw : raw }
    static func spreadsheetPhone(_ raw: String) -> String { raw.count == 9 && raw.allSatisfy(\.isNumber) && raw.first != "0" ? "0" + raw : raw }

    /// A company's workers or a facility's residents as CSV (`full_name,id_number,phone,birth_year,commune_code`):
    /// every row answered — accepted with its code, a duplicate of an earlier line, or invalid with its fields;
    /// good rows are kept. People are resolved and registrations written in bulk.
    public func importRegistrations(_ text: String, reason: TestReason, by principal: Principal, trace: RequestTrace,
                                    now: Date = Date()) async throws -> RegistrationImport {
        let records: [CSVRecord]
        do { records = try CSV.parse(text) } catch let malformed as CSV.Malformed {
            try await gate.require(principal, .writePersons, entity: "test_registration", trace: trace)
            throw ValidationFailure([FieldError("line \(malformed.line)", malformed.reason)])
        }
        return try await importRegistrations(records: records, reason: reason, by: principal, trace: trace, now: now)
    }

    /// The same list as rows read from a spreadsheet (`XLSXReader`), each with its row number.
    public func importRegistrations(records: [CSVRecord], reason: TestReason, by principal: Principal, trace: RequestTrace,
                                    now: Date = Date()) async throws -> RegistrationImport {
        try await gate.require(principal, .writePersons, entity: "test_registration", trace: trace)
        let table: [(line: Int, values: [String: String])]
        do { table = try CSV.table(records: records, required: ["full_name", "commune_code"], padding: true) } catch let malformed as CSV.Malformed {
            throw ValidationFailure([FieldError("line \(malformed.line)", malformed.reason)])
        }
        guard table.count <= 200_000 else { throw ValidationFailure([FieldError("file", "at most 200,000 rows per import")]) }
        var rows: [RegistrationRow?] = Array(repeating: nil, count: table.count)
        var claims: [(index: Int, claim: PersonClaim)] = []
        var seen = Set<String>()
        var scope = BatchScope(gate: gate, principal: principal, permission: .writePersons, entity: "test_registration", trace: trace)
        for (index, (line, row)) in table.enumerated() {
            let claim = PersonClaim(idNumber: row["id_number"].map(Self.spreadsheetID), phone: row["phone"].map(Self.spreadsheetPhone), name: row["full_name"],
                                    birthYear: row["birth_year"].flatMap { $0.isEmpty ? nil : Int($0) }, communeCode: row["commune_code"])
            var errors: [FieldError] = []
            if (row["full_name"] ?? "").trimmedSpaces.isEmpty { errors.append(FieldError("full_name", "required")) }
            if let year = row["birth_year"], !year.isEmpty, Int(year) == nil { errors.append(FieldError("birth_year", "a year such as 1985")) }
            var normalised: PersonClaim?
            switch claim.normalised() {
            case .success(let value): normalised = value
            case .failure(let error): errors.append(FieldError(error.field.replacingOccurrences(of: "person.", with: ""), error.reason))
            }
            if let value = normalised, value.idNumber == nil && value.phone == nil { errors.append(FieldError("id_number", "an ID number or a phone")) }
            let commune = row["commune_code"] ?? ""
            if AreaCode.level(of: commune) != .commune { errors.append(FieldError("commune_code", "a 5-digit commune code")) }
            if errors.isEmpty {
                if try await !scope.allows(commune) { errors.append(FieldError("commune_code", "outside your area")) }
            }
            guard errors.isEmpty, let value = normalised else {
                rows[index] = RegistrationRow(line: line, status: "invalid", code: nil, errors: errors)
                continue
            }
            let key = value.idNumber.map { "id:" + $0 } ?? "ph:" + value.phone! + "|" + TextFolding.fold(value.name ?? "")
            guard seen.insert(key).inserted else {
                rows[index] = RegistrationRow(line: line, status: "duplicate", code: nil, errors: [FieldError("id_number", "the same person as an earlier line")])
                continue
            }
            claims.append((index, value))
        }
        let accepted = claims
        let codes = accepted.map { _ in Self.newCode() }
        try await database.write { db in
            var ids: [Int64?] = []
            for start in stride(from: 0, to: accepted.count, by: 2000) {
                ids += try await PersonStore.resolve(accepted[start..<min(start + 2000, accepted.count)].map(\.claim), on: db, now: now)
            }
            for start in stride(from: 0, to: accepted.count, by: 500) {
                var insert = db.insert(into: "test_registrations")
                    .columns("code", "person_id", "reason", "commune_code", "source", "created_at", "created_by")
                for offset in start..<min(start + 500, accepted.count) {
                    guard let person = ids[offset] else { continue }
                    insert = insert.values([codes[offset], person, reason.rawValue, accepted[offset].claim.communeCode ?? "", "import", now,
                                            principal.accountID] as [any Encodable & Sendable])
                }
                try await insert.run()
            }
            try await AuditLog.append(AuditEntry(principal: principal, action: "import", entity: "test_registration",
                                                 entityID: "\(accepted.count) rows", context: trace), on: db)
        }
        for (offset, item) in accepted.enumerated() {
            rows[item.index] = RegistrationRow(line: table[item.index].line, status: "accepted", code: codes[offset], errors: [])
        }
        return RegistrationImport(accepted: accepted.count, rows: rows.compactMap { $0 })
    }

    func token(of person: Int64) async throws -> String {
        try await database.read { db in
            try await db.raw("SELECT qr_token FROM persons WHERE id = \(bind: person)").first()!.decode(column: "qr_token", as: String.self)
        }
    }
}
