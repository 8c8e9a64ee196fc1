/// Tracing reads thousands of check-ins per traced person at a large workplace; with the person and check-out in the
/// index, those reads never touch the table (measured at province scale: docs/performance.md). Replaces
/// `checkins_by_venue_time`. Frozen.
enum M0005_CoveringCheckInIndex {
    static let migration = Migration(5, "covering_checkin_index", [
        .both("CREATE INDEX IF NOT EXISTS checkins_by_venue_time_cover ON checkins (venue_id, checked_in_at, person_id, checked_out_at)"),
        .both("DROP INDEX IF EXISTS checkins_by_venue_time"),
    ])
}
