/// People (one record per person across every capability), venues with their QR tokens, and check-ins. Frozen.
enum M0002_CheckIn {
    static let migration = Migration(2, "people_venues_checkins", [
        .both("""
            CREATE TABLE persons (
                id {ID},
                full_name TEXT NOT NULL,
                name_folded TEXT NOT NULL,
                id_number TEXT,
                phone TEXT,
                birth_year INTEGER,
                commune_code TEXT,
                qr_token TEXT NOT NULL UNIQUE,
                created_at {TS} NOT NULL,
                updated_at {TS} NOT NULL
            )
            """),
        // An identity number names one person; a phone may be shared by a family, so it is not unique.
        .both("CREATE UNIQUE INDEX persons_by_id_number ON persons (id_number) WHERE id_number IS NOT NULL"),
        .both("CREATE INDEX persons_by_phone ON persons (phone) WHERE phone IS NOT NULL"),
        .both("CREATE INDEX persons_by_name ON persons (name_folded)"),
        .both("""
            CREATE TABLE venues (
                id {ID},
                token TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                name_folded TEXT NOT NULL,
                venue_type TEXT NOT NULL,
                address TEXT NOT NULL,
                commune_code TEXT NOT NULL,
                latitude DOUBLE PRECISION,
                longitude DOUBLE PRECISION,
                operator_account_id BIGINT REFERENCES accounts (id),
                dwell_minutes INTEGER NOT NULL CHECK (dwell_minutes BETWEEN 5 AND 1440),
                status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'suspended')),
                created_at {TS} NOT NULL,
                updated_at {TS} NOT NULL
            )
            """),
        .both("CREATE INDEX venues_by_commune ON venues (commune_code)"),
        .both("CREATE INDEX venues_by_operator ON venues (operator_account_id)"),
        // The event id from the device makes a retried submission a no-op.
        .both("""
            CREATE TABLE checkins (
                event_id TEXT PRIMARY KEY,
                venue_id BIGINT NOT NULL REFERENCES venues (id),
                person_id BIGINT NOT NULL REFERENCES persons (id),
                commune_code TEXT NOT NULL,
                checked_in_at {TS} NOT NULL,
                checked_out_at {TS},
                received_at {TS} NOT NULL,
                CHECK (checked_out_at IS NULL OR checked_out_at >= checked_in_at)
            )
            """),
        // Tracing asks "who was at this venue around this time" and "where was this person".
        .both("CREATE INDEX checkins_by_venue_time ON checkins (venue_id, checked_in_at)"),
        .both("CREATE INDEX checkins_by_person_time ON checkins (person_id, checked_in_at)"),
        .both("CREATE INDEX checkins_by_time ON checkins (checked_in_at)"),
    ])
}
