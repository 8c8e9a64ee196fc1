/// A tracing run's candidates are read a page at a time in rank order (a factory worker's run has tens of thousands):
/// the primary key (run_id, person_id) found them but sorted the whole run for every page. Frozen.
enum M0015_TraceCandidatesByRank {
    static let migration = Migration(15, "trace_candidates_by_rank", [
        .both("CREATE INDEX trace_candidates_by_rank ON trace_candidates (run_id, rank)"),
    ])
}
