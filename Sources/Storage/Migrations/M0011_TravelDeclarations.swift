/// Road checkpoints and the travel declarations recorded there: a vehicle, its driver and passengers, where it comes
/// from and goes to. Lists of arrivals are read per destination district (or province) and day. Frozen.
enum M0011_TravelDeclarations {
    static let migration = Migration(11, "travel_declarations", [
        .both("""
            CREATE TABLE checkpoints (
                id {ID},
                code TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                commune_code TEXT NOT NULL,
                road TEXT,
                active BOOLEAN NOT NULL DEFAULT TRUE,
                created_at {TS} NOT NULL,
                created_by BIGINT REFERENCES accounts (id)
            )
            """),
        .both("""
            CREATE TABLE travel_declarations (
                id {ID},
                client_id TEXT NOT NULL UNIQUE,
                slip_code TEXT NOT NULL UNIQUE,
                checkpoint_id BIGINT NOT NULL REFERENCES checkpoints (id),
                commune_code TEXT NOT NULL,
                crossed_at {TS} NOT NULL,
                report_day TEXT NOT NULL,
                direction TEXT NOT NULL CHECK (direction IN ('entering', 'leaving', 'transit')),
                plate TEXT NOT NULL,
                vehicle_type TEXT NOT NULL CHECK (vehicle_type IN ('car', 'truck', 'coach', 'motorbike', 'other')),
                origin_code TEXT NOT NULL,
                origin_detail TEXT,
                destination_code TEXT NOT NULL,
                destination_district TEXT,
                destination_province TEXT NOT NULL,
                destination_detail TEXT,
                route TEXT,
                cargo TEXT,
                occupants INTEGER NOT NULL CHECK (occupants > 0),
                recorded_by BIGINT REFERENCES accounts (id),
                recorded_at {TS} NOT NULL
            )
            """),
        .both("CREATE INDEX travel_by_destination_district ON travel_declarations (destination_district, report_day)"),
        .both("CREATE INDEX travel_by_destination_province ON travel_declarations (destination_province, report_day)"),
        .both("CREATE INDEX travel_by_checkpoint ON travel_declarations (checkpoint_id, crossed_at)"),
        .both("""
            CREATE TABLE travel_occupants (
                declaration_id BIGINT NOT NULL REFERENCES travel_declarations (id),
                seat INTEGER NOT NULL CHECK (seat >= 0),
                person_id BIGINT NOT NULL REFERENCES persons (id),
                role TEXT NOT NULL CHECK (role IN ('driver', 'passenger')),
                test_status TEXT NOT NULL CHECK (test_status IN ('none', 'rapid_negative', 'pcr_negative')),
                test_day TEXT,
                PRIMARY KEY (declaration_id, seat)
            )
            """),
        .both("CREATE INDEX travel_occupants_by_person ON travel_occupants (person_id)"),
    ])
}
