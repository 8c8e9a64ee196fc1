/// EU DCC certificates Sentinel issued (the signed text, never a key), revocations by UVCI, and citizens'
/// complaints about a certificate. Frozen.
enum M0006_Certificates {
    static let migration = Migration(6, "certificates", [
        .both("""
            CREATE TABLE certificates (
                uvci TEXT PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('test', 'vaccination', 'recovery')),
                person_id BIGINT NOT NULL REFERENCES persons (id),
                source_type TEXT NOT NULL,
                source_id TEXT NOT NULL,
                commune_code TEXT NOT NULL,
                kid TEXT NOT NULL,
                qr_text TEXT NOT NULL,
                payload_json TEXT NOT NULL,
                issued_at {TS} NOT NULL,
                expires_at {TS} NOT NULL,
                issued_by BIGINT REFERENCES accounts (id),
                replaces TEXT REFERENCES certificates (uvci)
            )
            """),
        .both("CREATE INDEX certificates_by_person ON certificates (person_id, issued_at)"),
        .both("CREATE INDEX certificates_by_source ON certificates (source_type, source_id)"),
        .both("""
            CREATE TABLE certificate_revocations (
                uvci TEXT PRIMARY KEY REFERENCES certificates (uvci),
                uvci_hash TEXT NOT NULL,
                reason TEXT NOT NULL,
                revoked_at {TS} NOT NULL,
                revoked_by BIGINT REFERENCES accounts (id)
            )
            """),
        .both("""
            CREATE TABLE certificate_complaints (
                id {ID},
                uvci TEXT NOT NULL REFERENCES certificates (uvci),
                category TEXT NOT NULL CHECK (category IN ('wrong_name', 'wrong_date', 'missing_dose', 'not_mine', 'other')),
                description TEXT NOT NULL,
                contact TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_review', 'corrected', 'rejected')),
                resolution TEXT,
                reissued_uvci TEXT REFERENCES certificates (uvci),
                commune_code TEXT NOT NULL,
                created_at {TS} NOT NULL,
                updated_at {TS} NOT NULL,
                updated_by BIGINT REFERENCES accounts (id)
            )
            """),
        .both("CREATE INDEX certificate_complaints_by_status ON certificate_complaints (commune_code, status, created_at)"),
    ])
}
