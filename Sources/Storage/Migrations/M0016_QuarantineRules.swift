/// Quarantine rules become data the provincial CDC keeps: national guidance changes by dated documents, and each new
/// one is a new row here, not a release. The rows are the guidance in force when Sentinel first shipped (they were a
/// bundled file until now); `created_at` is NULL for them, as nobody entered them in this installation. A rule is
/// never deleted: ending it sets its last day, withdrawing one entered by mistake keeps it out of the table, and both
/// say who and why. Frozen.
enum M0016_QuarantineRules {
    static let migration = Migration(16, "quarantine_rules", [
        .both("""
            CREATE TABLE quarantine_rules (
                id {ID},
                classification TEXT NOT NULL,
                setting TEXT NOT NULL,
                vaccinated TEXT NOT NULL,
                days INTEGER NOT NULL,
                effective_from TEXT NOT NULL,
                effective_to TEXT,
                document TEXT NOT NULL,
                created_at {TS},
                created_by BIGINT REFERENCES accounts (id),
                ended_at {TS},
                ended_by BIGINT REFERENCES accounts (id),
                end_reason TEXT,
                withdrawn BOOLEAN NOT NULL DEFAULT FALSE,
                CHECK (effective_to IS NULL OR effective_to >= effective_from),
                CHECK (days BETWEEN 1 AND 60)
            )
            """),
        .both("""
            INSERT INTO quarantine_rules (classification, setting, vaccinated, days, effective_from, effective_to, document) VALUES
            ('F1', 'centralised', 'any', 14, '2021-07-14', NULL,
             'Công văn 5599/BYT-MT (14/7/2021): cách ly tập trung F1 giảm từ 21 xuống 14 ngày'),
            ('F1', 'home', 'any', 14, '2021-07-14', NULL,
             'Công văn 5599/BYT-MT (14/7/2021): thí điểm cách ly y tế F1 tại nhà'),
            ('F1', 'home', 'yes', 7, '2021-12-16', NULL,
             'Công văn 10696/BYT-MT (16/12/2021): F1 đã tiêm đủ liều hoặc đã khỏi bệnh cách ly 7 ngày tại nhà, tự theo dõi 7 ngày tiếp theo')
            """),
    ])
}
