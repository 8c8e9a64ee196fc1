/// Testing: sampling sites, samples (a tube, single or pooled), the people in each tube, the laboratory's result
/// per tube, and each person's test outcome derived from it (a pool's positive is a retest, never a diagnosis).
/// Frozen.
enum M0007_Testing {
    static let migration = Migration(7, "testing", [
        .both("""
            CREATE TABLE test_sites (
                id {ID},
                name TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('fixed', 'mobile', 'checkpoint', 'quarantine_facility', 'laboratory')),
                commune_code TEXT NOT NULL,
                pool_max INTEGER NOT NULL CHECK (pool_max BETWEEN 2 AND 10),
                created_at {TS} NOT NULL
            )
            """),
        .both("""
            CREATE TABLE samples (
                id {ID},
                tube_barcode TEXT NOT NULL UNIQUE,
                client_id TEXT NOT NULL UNIQUE,
                site_id BIGINT REFERENCES test_sites (id),
                commune_code TEXT NOT NULL,
                method TEXT NOT NULL CHECK (method IN ('rt_pcr', 'rapid_antigen')),
                specimen TEXT NOT NULL,
                pooled INTEGER NOT NULL,
                pool_max INTEGER NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('open', 'closed', 'received', 'resulted')),
                collected_at {TS} NOT NULL,
                collected_by BIGINT REFERENCES accounts (id),
                latitude DOUBLE PRECISION,
                longitude DOUBLE PRECISION,
                received_at {TS},
                received_by BIGINT REFERENCES accounts (id)
            )
            """),
        .both("CREATE INDEX samples_by_area ON samples (commune_code, collected_at)"),
        .both("CREATE INDEX samples_pending ON samples (status, collected_at)"),
        .both("""
            CREATE TABLE sample_members (
                sample_id BIGINT NOT NULL REFERENCES samples (id),
                person_id BIGINT NOT NULL REFERENCES persons (id),
                added_at {TS} NOT NULL,
                PRIMARY KEY (sample_id, person_id)
            )
            """),
        .both("CREATE INDEX sample_members_by_person ON sample_members (person_id)"),
        .both("""
            CREATE TABLE sample_results (
                sample_id BIGINT PRIMARY KEY REFERENCES samples (id),
                outcome TEXT NOT NULL CHECK (outcome IN ('positive', 'negative', 'invalid')),
                ct_json TEXT NOT NULL,
                source TEXT NOT NULL CHECK (source IN ('manual', 'hl7', 'csv')),
                message_id TEXT,
                operator TEXT,
                resulted_at {TS} NOT NULL,
                recorded_by BIGINT REFERENCES accounts (id)
            )
            """),
        .both("""
            CREATE TABLE person_tests (
                id {ID},
                person_id BIGINT NOT NULL REFERENCES persons (id),
                sample_id BIGINT NOT NULL REFERENCES samples (id),
                outcome TEXT NOT NULL CHECK (outcome IN ('positive', 'negative', 'invalid', 'retest')),
                method TEXT NOT NULL,
                sampled_at {TS} NOT NULL,
                resulted_at {TS} NOT NULL,
                commune_code TEXT NOT NULL,
                UNIQUE (person_id, sample_id)
            )
            """),
        .both("CREATE INDEX person_tests_by_area ON person_tests (commune_code, resulted_at)"),
    ])
}
