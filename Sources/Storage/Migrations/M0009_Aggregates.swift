/// Daily counts per measure, commune and local day, kept current as records are written; the officially
/// announced risk levels beside the computed ones; imported unit outlines. Frozen.
enum M0009_Aggregates {
    static let migration = Migration(9, "aggregates", [
        // Folded counts. Read by measure and day range for every commune of an area.
        .both("""
            CREATE TABLE daily_counts (
                measure TEXT NOT NULL,
                day TEXT NOT NULL,
                commune_code TEXT NOT NULL,
                n BIGINT NOT NULL,
                PRIMARY KEY (measure, day, commune_code)
            )
            """),
        // Changes written in the writer's transaction (append only: writers never contend on a hot count row),
        // folded into daily_counts by the aggregates job every few seconds. Readers add both.
        .both("""
            CREATE TABLE count_deltas (
                id {ID},
                measure TEXT NOT NULL,
                day TEXT NOT NULL,
                commune_code TEXT NOT NULL,
                n BIGINT NOT NULL
            )
            """),
        .both("""
            CREATE TABLE announced_risk_levels (
                id {ID},
                area_code TEXT NOT NULL,
                level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
                from_day TEXT NOT NULL,
                to_day TEXT,
                document TEXT NOT NULL,
                recorded_by BIGINT REFERENCES accounts (id),
                recorded_at {TS} NOT NULL
            )
            """),
        .both("CREATE INDEX announced_risk_levels_by_area ON announced_risk_levels (area_code, from_day)"),
        // Outlines a province imports (`sentinel geo import`), e.g. its communes; the districts ship with the binary.
        .both("""
            CREATE TABLE area_boundaries (
                code TEXT PRIMARY KEY,
                rings TEXT NOT NULL,
                source TEXT NOT NULL,
                imported_at {TS} NOT NULL
            )
            """),
        // The dashboard's active cases and tracing backlog read cases by classification.
        .both("CREATE INDEX cases_by_classification ON cases (classification, commune_code)"),
    ])
}
