/// Sampling sites take bookings: opening hours cut into slots of a length, each with a capacity (0: no booking, people
/// just come). Registrations are counted per site and slot. Frozen.
enum M0012_TestSiteSlots {
    static let migration = Migration(12, "test_site_slots", [
        .both("ALTER TABLE test_sites ADD COLUMN address TEXT"),
        .both("ALTER TABLE test_sites ADD COLUMN opens TEXT NOT NULL DEFAULT '07:00'"),
        .both("ALTER TABLE test_sites ADD COLUMN closes TEXT NOT NULL DEFAULT '17:00'"),
        .both("ALTER TABLE test_sites ADD COLUMN slot_minutes INTEGER NOT NULL DEFAULT 60"),
        .both("ALTER TABLE test_sites ADD COLUMN slot_capacity INTEGER NOT NULL DEFAULT 0"),
        .both("ALTER TABLE test_sites ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE"),
        .both("CREATE INDEX test_sites_by_commune ON test_sites (commune_code)"),
        .both("CREATE INDEX test_registrations_by_slot ON test_registrations (site_id, slot_start)"),
    ])
}
