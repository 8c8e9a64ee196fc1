/// A tracing run keeps the traced case's own presences — the places and times its candidates were matched against —
/// so a stored run shows them whatever the case is. They were read back from `venue_exposures`, which holds only F0s'
/// places (the public notice), so an F1's run (tracing F2) showed none. Runs made before this are given the F0
/// exposures within their window, which is what they showed until now. Frozen.
enum M0017_TraceRunPresences {
    static let migration = Migration(17, "trace_run_presences", [
        .both("""
            CREATE TABLE trace_run_presences (
                run_id BIGINT NOT NULL REFERENCES trace_runs (id),
                venue_id BIGINT NOT NULL REFERENCES venues (id),
                present_from {TS} NOT NULL,
                present_to {TS} NOT NULL,
                PRIMARY KEY (run_id, present_from, venue_id)
            )
            """),
        .both("""
            INSERT INTO trace_run_presences (run_id, venue_id, present_from, present_to)
            SELECT r.id, e.venue_id, e.exposed_from, e.exposed_to
            FROM trace_runs r JOIN venue_exposures e ON e.case_id = r.case_id
            WHERE e.exposed_from <= r.window_to AND e.exposed_to >= r.window_from
            """),
    ])
}
