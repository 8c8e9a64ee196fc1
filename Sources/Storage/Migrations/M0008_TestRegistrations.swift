/// Registrations for a test: a person, a reason, where and when, and the code the person shows at sampling. Frozen.
enum M0008_TestRegistrations {
    static let migration = Migration(8, "test_registrations", [
        .both("""
            CREATE TABLE test_registrations (
                id {ID},
                code TEXT NOT NULL UNIQUE,
                person_id BIGINT NOT NULL REFERENCES persons (id),
                reason TEXT NOT NULL CHECK (reason IN ('symptoms', 'f1', 'travel', 'work', 'screening')),
                commune_code TEXT NOT NULL,
                site_id BIGINT REFERENCES test_sites (id),
                slot_start {TS},
                source TEXT NOT NULL CHECK (source IN ('self', 'staff', 'import')),
                created_at {TS} NOT NULL,
                created_by BIGINT REFERENCES accounts (id)
            )
            """),
        .both("CREATE INDEX test_registrations_by_person ON test_registrations (person_id)"),
        .both("CREATE INDEX test_registrations_by_area ON test_registrations (commune_code, created_at)"),
    ])
}
