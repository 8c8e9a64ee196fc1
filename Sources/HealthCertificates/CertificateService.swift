import Accounts
import ContactTracing
@preconcurrency import Crypto
import Domain
import Foundation
import People
import SQLKit
import Storage
import Synchronization

/// A certificate Sentinel issued, as staff and the holder see it.
public struct IssuedCertificate: Sendable, Codable, Equatable {
    public let uvci: String
    public let kind: CertificateKind
    public let personId: Int64
    public let sourceType: String
    public let sourceId: String
    public let communeCode: String
    public let keyID: String
    public let qr: String
    public let holderName: String
    public let dateOfBirth: String
    public let issuedAt: Date
    public let expiresAt: Date
    public let revoked: Bool
    public let revocationReason: String?
    public let replaces: String?
    /// The DCC payload as JSON (what the QR carries), for the holder's page.
    public let payloadJSON: String?
}

public struct CertificateNotFound: MissingRecord, Equatable {
    public init() {}
    public var detail: String { "No such certificate." }
}

public struct SigningNotConfigured: UnavailableCapability, Equatable {
    public let directory: String
    public var detail: String { "This server has no signing keys (\(directory)); an administrator runs `sentinel keys init`." }
}

public struct NotCertifiable: ConflictingState, Equatable {
    public let detail: String
    public var fields: [FieldError] { [] }
}

/// Issues, finds and revokes certificates; verifies QR texts against the trust list and the revocations. The signing
/// key is loaded once at start from the key directory; the database holds only what was issued.
public final class CertificateService: Sendable {
    public let database: Database
    public let rules: CertificateRules
    let keys: KeyStore
    let cases: CaseStore
    let gate: AccessGate
    let issuer: DCCIssuer?
    let cscaKey: P256.Signing.PrivateKey?
    let cscaDER: [UInt8]?
    let state: Mutex<(trust: TrustList, revoked: Set<[UInt8]>)>

    public init(database: Database, cases: CaseStore, keys: KeyStore, rules: CertificateRules) throws {
        self.database = database
        self.rules = rules
        self.keys = keys
        self.cases = cases
        self.gate = AccessGate(database: database)
        if keys.isInitialised {
            let (signer, key) = try keys.currentSigner()
            issuer = try DCCIssuer(signer: signer, key: key, issuerCountry: rules.country)
            let (csca, certificate) = try keys.loadCSCA()
            cscaKey = csca
            cscaDER = try KeyStore.der(certificate)
            state = Mutex((try keys.trustList(), []))
        } else {
            issuer = nil
            cscaKey = nil
            cscaDER = nil
            state = Mutex((TrustList(), []))
        }
    }

    public var canIssue: Bool { issuer != nil }

    /// Reads the revocations into memory (at start; each revocation then updates the set as it commits).
    public func loadRevocations() async throws {
        let hashes = try await database.read { db in
            try await db.raw("SELECT uvci_hash FROM certificate_revocations").all().map { try $0.decode(column: "uvci_hash", as: String.self) }
        }
        let set = Set(hashes.compactMap { Data(base64Encoded: $0).map(Array.init) })
        state.withLock { $0.revoked = set }
    }

    public func verifier() -> DCCVerifier {
        let (trust, revoked) = state.withLock { ($0.trust, $0.revoked) }
        return DCCVerifier(trust: trust, revokedHashes: revoked)
    }

    public func verify(_ text: String, at now: Date = Date()) -> DCCVerifier.Result { verifier().verify(text, at: now) }

    // MARK: Issuing

    /// Issues a certificate for a source record: for `recovery`, the F0 case (its id) once marked recovered; for
    /// `test`, a person's individual RT-PCR result (its id in `GET /api/v1/persons/{id}/tests`).
    public func issue(kind: CertificateKind, sourceId: String, by principal: Principal, trace: RequestTrace,
                      now: Date = Date()) async throws -> IssuedCertificate {
        guard let issuer else { throw SigningNotConfigured(directory: keys.directory.path) }
        switch kind {
        case .recovery:
            guard let caseId = Int64(sourceId) else { throw ValidationFailure([FieldError("sourceId", "a case id")]) }
            return try await issueRecovery(caseId: caseId, issuer: issuer, by: principal, trace: trace, now: now)
        case .test:
            guard let testId = Int64(sourceId) else { throw ValidationFailure([FieldError("sourceId", "a person's test id")]) }
            return try await issueTest(testId: testId, issuer: issuer, by: principal, trace: trace, now: now)
        case .vaccination:
            throw NotCertifiable(detail: "Sentinel does not record vaccinations yet, so there is nothing to certify.")
        }
    }

    func issueRecovery(caseId: Int64, issuer: DCCIssuer, by principal: Principal, trace: RequestTrace, now: Date,
                       replaces: String? = nil) async throws -> IssuedCertificate {
        let detail = try await cases.detail(caseId, by: principal, trace: trace)
        let record = detail.record
        try await gate.require(principal, .issueCertificates, area: record.communeCode, entity: "certificate", entityID: nil, trace: trace)
        guard record.classification == .f0 else { throw NotCertifiable(detail: "Case \(caseId) is not a confirmed case (F0).") }
        guard record.facts.outcome == .recovered else { throw NotCertifiable(detail: "Case \(caseId) is not marked recovered.") }
        let source = RecoverySource(caseId: caseId, personId: record.personId, communeCode: record.communeCode,
                                    firstPositive: record.facts.confirmedOn ?? record.facts.sampledOn, fullName: detail.person.fullName,
                                    birthDate: detail.person.birthDate, birthYear: detail.person.birthYear)
        return try await issueRecovery(source, issuer: issuer, by: principal, trace: trace, now: now, replaces: replaces)
    }

    /// What a recovery certificate is made from: the case and its person.
    struct RecoverySource {
        let caseId: Int64
        let personId: Int64
        let communeCode: String
        let firstPositive: String?
        let fullName: String
        let birthDate: String?
        let birthYear: Int?
    }

    /// A signed certificate, ready to be stored.
    struct Signed {
        let uvci: String
        let kind: CertificateKind
        let personId: Int64
        let sourceType: String
        let sourceId: String
        let communeCode: String
        let keyID: [UInt8]
        let qr: String
        let payload: CBOR
        let issuedAt: Date
        let expiresAt: Date
        let replaces: String?
    }

    func issueRecovery(_ source: RecoverySource, issuer: DCCIssuer, by principal: Principal, trace: RequestTrace, now: Date,
                       replaces: String? = nil) async throws -> IssuedCertificate {
        try await store(try signRecovery(source, issuer: issuer, now: now, replaces: replaces), by: principal, trace: trace)
    }

    func signRecovery(_ source: RecoverySource, issuer: DCCIssuer, now: Date, replaces: String? = nil) throws -> Signed {
        let caseId = source.caseId
        guard let firstPositive = source.firstPositive,
              let validFrom = LocalDay.adding(rules.recovery.validFromDaysAfterFirstPositive, to: firstPositive),
              let validUntil = LocalDay.adding(rules.recovery.validUntilDaysAfterFirstPositive, to: firstPositive)
        else {
            throw NotCertifiable(detail: "Case \(caseId) has no confirmation or sampling date.")
        }
        guard let end = LocalDay.start(validUntil)?.addingTimeInterval(86400), end > now else {
            throw NotCertifiable(detail: "The recovery period of case \(caseId) ended on \(validUntil).")
        }
        let uvci = UVCI.random(country: rules.country)
        let (surname, given) = NameTransliteration.split(fullName: source.fullName)
        let person = DCCPayload.Person(surname: surname, givenNames: given,
                                       dateOfBirth: source.birthDate ?? source.birthYear.map(String.init) ?? "")
        let payload = DCCPayload.payload(person: person, kind: .recovery, entry: DCCPayload.recoveryEntry(
            firstPositive: firstPositive, validFrom: validFrom, validUntil: validUntil, country: rules.country,
            issuer: rules.issuerName, uvci: uvci))
        let qr = try issuer.issue(payload: payload, issuedAt: now, expiresAt: end)
        return Signed(uvci: uvci, kind: .recovery, personId: source.personId, sourceType: "case", sourceId: String(caseId),
                      communeCode: source.communeCode, keyID: issuer.signer.keyID, qr: qr, payload: payload, issuedAt: now,
                      expiresAt: min(end, issuer.signer.notAfter), replaces: replaces)
    }

    /// Issues every certificate the records call for and nobody has issued yet — recovery certificates for recovered
    /// F0 cases within their period, test certificates for individual RT-PCR results within their validity — and
    /// texts each person the link. The periodic job calls it; several servers may: on PostgreSQL an advisory lock
    /// makes one of them do a round, on SQLite the single writer does.
    public func issuePending(linkBase: String, limit: Int = 200, now: Date = Date()) async throws -> Int {
        guard let issuer else { return 0 }
        let kind = database.kind
        return try await database.write { db in
            if kind == .postgres { try await db.raw("SELECT pg_advisory_xact_lock(7462)").run() }
            var issued = 0
            for (source, phone) in try await self.pendingRecoveries(limit: limit, now: now, on: db) {
                issued += try await self.issueAutomatically({ try self.signRecovery(source, issuer: issuer, now: now) }, personId: source.personId,
                                                            phone: phone, what: "giấy chứng nhận khỏi bệnh COVID-19", linkBase: linkBase, now: now, on: db)
            }
            for (source, phone) in try await self.pendingTests(limit: limit, now: now, on: db) {
                issued += try await self.issueAutomatically({ try self.signTest(source, issuer: issuer, now: now) }, personId: source.personId,
                                                            phone: phone, what: "giấy chứng nhận xét nghiệm COVID-19", linkBase: linkBase, now: now, on: db)
            }
            return issued
        }
    }

    /// Signs, stores and announces one certificate inside the job's transaction; 0 when the record cannot be
    /// certified (it is skipped, not an error for the round).
    private func issueAutomatically(_ sign: () throws -> Signed, personId: Int64, phone: String?, what: String, linkBase: String, now: Date,
                                    on db: any SQLDatabase) async throws -> Int {
        let signed: Signed
        do { signed = try sign() } catch is NotCertifiable { return 0 }
        try await Self.insert(signed, by: nil, trace: .cli("certificates.auto"), on: db)
        if let phone {
            try await Outbox.enqueue(person: personId, phone: phone, template: "certificate_issued",
                                     body: "Sở Y tế: \(what) của bạn: \(linkBase)/api/v1/certificates/\(UVCI.pathSegment(signed.uvci))", now: now, on: db)
        }
        return 1
    }

    private func pendingRecoveries(limit: Int, now: Date, on db: any SQLDatabase) async throws -> [(RecoverySource, String?)] {
        let cutoff = LocalDay.adding(-rules.recovery.validUntilDaysAfterFirstPositive, to: LocalDay.string(now)) ?? "0000-00-00"
        return try await db.raw("""
            SELECT c.id, c.person_id, c.commune_code, COALESCE(c.confirmed_on, c.sampled_on) AS first_positive,
                   p.full_name, p.birth_date, p.birth_year, p.phone
            FROM cases c JOIN persons p ON p.id = c.person_id
            WHERE c.classification = 'F0' AND c.outcome = 'recovered'
              AND COALESCE(c.confirmed_on, c.sampled_on) >= \(bind: cutoff)
              AND NOT EXISTS (SELECT 1 FROM certificates x
                              WHERE x.source_type = 'case' AND x.source_id = CAST(c.id AS TEXT) AND x.kind = 'recovery')
            ORDER BY c.id LIMIT \(bind: limit)
            """).all().map { row in
            (RecoverySource(
                caseId: try row.decode(column: "id", as: Int64.self), personId: try row.decode(column: "person_id", as: Int64.self),
                communeCode: try row.decode(column: "commune_code", as: String.self),
                firstPositive: try row.decode(column: "first_positive", as: String?.self),
                fullName: try row.decode(column: "full_name", as: String.self),
                birthDate: try row.decode(column: "birth_date", as: String?.self), birthYear: try row.decode(column: "birth_year", as: Int?.self)),
             try row.decode(column: "phone", as: String?.self))
        }
    }

    func store(_ signed: Signed, by principal: Principal, trace: RequestTrace) async throws -> IssuedCertificate {
        try await database.write { db in try await Self.insert(signed, by: principal, trace: trace, on: db) }
        return try await find(signed.uvci)
    }

    /// Writes the certificate and its audit row on `db` (one transaction with the caller's other writes).
    /// `principal` nil: issued by the server itself.
    static func insert(_ signed: Signed, by principal: Principal?, trace: RequestTrace, on db: any SQLDatabase) async throws {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: signed.payload.jsonObject, options: [.sortedKeys]), as: UTF8.self)
        try await db.raw("""
            INSERT INTO certificates (uvci, kind, person_id, source_type, source_id, commune_code, kid, qr_text, payload_json,
                                      issued_at, expires_at, issued_by, replaces)
            VALUES (\(bind: signed.uvci), \(bind: signed.kind.rawValue), \(bind: signed.personId), \(bind: signed.sourceType),
                    \(bind: signed.sourceId), \(bind: signed.communeCode), \(bind: DCCVerifier.hex(signed.keyID)), \(bind: signed.qr), \(bind: json),
                    \(bind: signed.issuedAt), \(bind: signed.expiresAt), \(bind: principal?.accountID), \(bind: signed.replaces))
            """).run()
        try await AuditLog.append(AuditEntry(principal: principal, action: "issue", entity: "certificate", entityID: signed.uvci,
                                             areaCode: signed.communeCode, context: trace), on: db)
    }

    // MARK: Reading

    /// The certificate for its holder: the UVCI is 128 random bits, as secret as the QR code that carries it.
    public func find(_ uvci: String) async throws -> IssuedCertificate {
        guard uvci.count <= 100 else { throw CertificateNotFound() }
        let rows = try await database.read { db in try await db.raw("\(unsafeRaw: Self.select) WHERE c.uvci = \(bind: uvci)").all() }
        guard let row = rows.first else { throw CertificateNotFound() }
        return try Self.decode(row)
    }

    /// The holder's view (page or QR image) through the UVCI: audited like any read of personal data, with no
    /// account (the UVCI is the holder's secret).
    public func findForHolder(_ uvci: String, trace: RequestTrace) async throws -> IssuedCertificate {
        let certificate = try await find(uvci)
        try await AuditLog(database: database).append(AuditEntry(principal: nil, action: "read", entity: "certificate", entityID: uvci,
                                                                 areaCode: certificate.communeCode, context: trace))
        return certificate
    }

    /// A person's certificates, for staff whose area holds the person (the registry checks and audits the read).
    public func forPerson(_ personId: Int64, by principal: Principal, trace: RequestTrace) async throws -> [IssuedCertificate] {
        _ = try await PersonRegistry(database: database).get(personId, by: principal, trace: trace)
        let rows = try await database.read { db in
            try await db.raw("\(unsafeRaw: Self.select) WHERE c.person_id = \(bind: personId) ORDER BY c.issued_at DESC").all()
        }
        return try rows.map(Self.decode)
    }

    static let select = """
        SELECT c.uvci, c.kind, c.person_id, c.source_type, c.source_id, c.commune_code, c.kid, c.qr_text, c.payload_json,
               c.issued_at, c.expires_at, c.replaces, r.reason AS revocation_reason
        FROM certificates c LEFT JOIN certificate_revocations r ON r.uvci = c.uvci
        """

    static func decode(_ row: any SQLRow) throws -> IssuedCertificate {
        let json = try row.decode(column: "payload_json", as: String.self)
        let payload = (try? JSONSerialization.jsonObject(with: Data(json.utf8))).flatMap { CBOR(json: $0) } ?? .map([])
        let holder = DCCPayload.holderName(of: payload)
        let reason = try row.decode(column: "revocation_reason", as: String?.self)
        return IssuedCertificate(
            uvci: try row.decode(column: "uvci", as: String.self),
            kind: CertificateKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .test,
            personId: try row.decode(column: "person_id", as: Int64.self),
            sourceType: try row.decode(column: "source_type", as: String.self),
            sourceId: try row.decode(column: "source_id", as: String.self),
            communeCode: try row.decode(column: "commune_code", as: String.self),
            keyID: try row.decode(column: "kid", as: String.self),
            qr: try row.decode(column: "qr_text", as: String.self),
            holderName: holder, dateOfBirth: payload[.text("dob")]?.textValue ?? "",
            issuedAt: try row.decode(column: "issued_at", as: Date.self),
            expiresAt: try row.decode(column: "expires_at", as: Date.self),
            revoked: reason != nil, revocationReason: reason,
            replaces: try row.decode(column: "replaces", as: String?.self), payloadJSON: json)
    }

    // MARK: Revocation

    public func revoke(_ uvci: String, reason: String, by principal: Principal, trace: RequestTrace, now: Date = Date()) async throws -> IssuedCertificate {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        var v = Validator()
        v.require(!reason.isEmpty && reason.count <= 500, "reason", "required, at most 500 characters")
        try v.check()
        let certificate = try await find(uvci)
        try await gate.require(principal, .manageCertificates, area: certificate.communeCode, entity: "certificate", entityID: uvci, trace: trace)
        guard !certificate.revoked else { throw NotCertifiable(detail: "Certificate \(uvci) is already revoked.") }
        let hash = DCCVerifier.revocationHash(uvci: uvci)
        try await database.write { db in
            try await Self.insertRevocation(uvci: uvci, hash: hash, reason: reason, at: now, by: principal, on: db)
            try await AuditLog.append(AuditEntry(principal: principal, action: "revoke", entity: "certificate", entityID: uvci,
                                                 areaCode: certificate.communeCode, context: trace), on: db)
        }
        state.withLock { _ = $0.revoked.insert(hash) }
        return try await find(uvci)
    }

    static func insertRevocation(uvci: String, hash: [UInt8], reason: String, at now: Date, by principal: Principal, on db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO certificate_revocations (uvci, uvci_hash, reason, revoked_at, revoked_by)
            VALUES (\(bind: uvci), \(bind: Data(hash).base64EncodedString()), \(bind: reason), \(bind: now), \(bind: principal.accountID))
            """).run()
    }

    /// The published revocation list: base64 of the first 16 bytes of SHA-256 over each revoked UVCI.
    public func revocationList() -> [String] {
        state.withLock { $0.revoked }.map { Data($0).base64EncodedString() }.sorted()
    }

    // MARK: Trust list

    /// The CSCA's public key (SubjectPublicKeyInfo, DER, base64) that signs the trust list: the offline verifier page
    /// carries it and accepts only a trust list this key signed. nil when the server has no signing keys.
    public var trustListKeySPKI: String? { cscaKey.map { $0.publicKey.derRepresentation.base64EncodedString() } }

    /// The DSCs this server trusts, as a JWS (JSON serialisation, ES256) signed by the CSCA, with the CSCA in `x5c`
    /// so a verifier that pinned the CSCA can check it offline.
    public func trustListDocument(now: Date = Date()) throws -> Data {
        guard let cscaKey, let cscaDER else { throw SigningNotConfigured(directory: keys.directory.path) }
        let trust = state.withLock { $0.trust }
        let formatter = ISO8601DateFormatter()
        let entries: [[String: Any]] = trust.all.sorted { $0.der.lexicographicallyPrecedes($1.der) }.map { signer in
            var entry: [String: Any] = [
                "kid": Data(signer.keyID).base64EncodedString(), "certificate": Data(signer.der).base64EncodedString(),
                "publicKey": Data(signer.spki).base64EncodedString(),
                "algorithm": { if case .p256 = signer.publicKey { "ES256" } else { "PS256" } }(),
                "validFrom": formatter.string(from: signer.notBefore), "validUntil": formatter.string(from: signer.notAfter),
                "subject": signer.subject,
            ]
            entry["country"] = signer.country
            entry["kinds"] = signer.allowedKinds.map { $0.map(\.rawValue).sorted() } ?? CertificateKind.allCases.map(\.rawValue)
            return entry
        }
        let payload = try JSONSerialization.data(withJSONObject: ["issuedAt": formatter.string(from: now), "certificates": entries],
                                                 options: [.sortedKeys])
        let header = try JSONSerialization.data(withJSONObject: ["alg": "ES256", "x5c": [Data(cscaDER).base64EncodedString()]],
                                                options: [.sortedKeys])
        let signingInput = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        let signature = try cscaKey.signature(for: SHA256.hash(data: Data(signingInput.utf8)))
        return try JSONSerialization.data(withJSONObject: [
            "protected": Base64URL.encode(header), "payload": Base64URL.encode(payload),
            "signature": Base64URL.encode(signature.rawRepresentation),
        ], options: [.sortedKeys])
    }
}

enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
