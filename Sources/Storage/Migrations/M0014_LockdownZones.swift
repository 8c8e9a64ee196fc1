/// Lockdown zones (vùng phong tỏa) as the province decides them: a list of administrative units, or a polygon drawn on
/// the map or imported as GeoJSON, each valid over local days from a decision. Lifting a zone early keeps the row (who
/// and when) and ends its validity. Sampling sites may carry their position, so maps can show them. Frozen.
enum M0014_LockdownZones {
    static let migration = Migration(14, "lockdown_zones", [
        .both("""
            CREATE TABLE lockdown_zones (
                id {ID},
                name TEXT NOT NULL,
                area_code TEXT NOT NULL,
                unit_codes TEXT NOT NULL,
                rings TEXT,
                valid_from TEXT NOT NULL,
                valid_to TEXT,
                decision TEXT NOT NULL,
                note TEXT,
                created_at {TS} NOT NULL,
                created_by BIGINT REFERENCES accounts (id),
                lifted_at {TS},
                lifted_by BIGINT REFERENCES accounts (id),
                lift_reason TEXT,
                CHECK (valid_to IS NULL OR valid_to >= valid_from),
                CHECK (unit_codes <> '[]' OR rings IS NOT NULL)
            )
            """),
        .both("CREATE INDEX lockdown_zones_by_day ON lockdown_zones (valid_from, valid_to)"),
        .both("ALTER TABLE test_sites ADD COLUMN latitude DOUBLE PRECISION"),
        .both("ALTER TABLE test_sites ADD COLUMN longitude DOUBLE PRECISION"),
    ])
}
