/// Electronic health declarations with their follow-up by the commune health station. Frozen.
enum M0003_Declarations {
    static let migration = Migration(3, "health_declarations", [
        .both("""
            CREATE TABLE health_declarations (
                id {ID},
                client_id TEXT NOT NULL UNIQUE,
                person_id BIGINT NOT NULL REFERENCES persons (id),
                commune_code TEXT NOT NULL,
                submitted_at {TS} NOT NULL,
                report_day TEXT NOT NULL,
                symptoms TEXT NOT NULL,
                exposures TEXT NOT NULL,
                travel TEXT,
                flag_reasons TEXT NOT NULL,
                follow_up TEXT NOT NULL CHECK (follow_up IN ('none', 'pending', 'called', 'referred', 'no_action')),
                follow_up_by BIGINT REFERENCES accounts (id),
                follow_up_at {TS}
            )
            """),
        .both("CREATE INDEX health_declarations_queue ON health_declarations (follow_up, commune_code, submitted_at)"),
        .both("CREATE INDEX health_declarations_by_day ON health_declarations (report_day, commune_code)"),
    ])
}
