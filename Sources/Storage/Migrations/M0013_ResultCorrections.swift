/// A laboratory result, once given, is corrected only by an audited action with a reason: each correction keeps
/// what the tube said before, and a person's test records when it was last corrected (a certificate issued before
/// that no longer stands for it). Samples remember the facility that took them. Frozen.
enum M0013_ResultCorrections {
    static let migration = Migration(13, "result_corrections", [
        .both("""
            CREATE TABLE result_corrections (
                id {ID},
                sample_id BIGINT NOT NULL REFERENCES samples (id),
                previous_outcome TEXT NOT NULL,
                previous_ct_json TEXT NOT NULL,
                outcome TEXT NOT NULL CHECK (outcome IN ('positive', 'negative', 'invalid')),
                ct_json TEXT NOT NULL,
                reason TEXT NOT NULL,
                source TEXT NOT NULL CHECK (source IN ('manual', 'hl7', 'csv')),
                message_id TEXT,
                corrected_at {TS} NOT NULL,
                corrected_by BIGINT REFERENCES accounts (id)
            )
            """),
        .both("CREATE INDEX result_corrections_by_sample ON result_corrections (sample_id, corrected_at)"),
        .both("ALTER TABLE person_tests ADD COLUMN corrected_at {TS}"),
        // The facility whose account took the sample (accounts bound to a facility act on its samples only).
        .both("ALTER TABLE samples ADD COLUMN facility_id TEXT"),
    ])
}
