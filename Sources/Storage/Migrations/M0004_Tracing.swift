/// The person registry's remaining fields, cases with their classification history, tracing runs and their
/// candidates, the commune station's follow-up, clusters, the notification outbox and venues flagged for the public
/// "places visited" notice. Frozen.
enum M0004_Tracing {
    static let migration = Migration(4, "cases_tracing", [
        .both("ALTER TABLE persons ADD COLUMN sex TEXT"),
        .both("ALTER TABLE persons ADD COLUMN birth_date TEXT"),
        .both("ALTER TABLE persons ADD COLUMN address TEXT"),
        .both("ALTER TABLE persons ADD COLUMN address_folded TEXT"),
        // A household: the same address in the same commune.
        .both("CREATE INDEX persons_by_address ON persons (commune_code, address_folded) WHERE address_folded IS NOT NULL"),
        // Prefix search on folded names: PostgreSQL needs the pattern operator class for LIKE 'x%' under a locale.
        .postgresOnly("CREATE INDEX persons_by_name_pattern ON persons (name_folded text_pattern_ops)"),
        // A person's further phone numbers (the first one stays in persons.phone).
        .both("""
            CREATE TABLE person_phones (
                person_id BIGINT NOT NULL REFERENCES persons (id),
                phone TEXT NOT NULL,
                PRIMARY KEY (person_id, phone)
            )
            """),
        .both("CREATE INDEX person_phones_by_phone ON person_phones (phone)"),
        .both("""
            CREATE TABLE clusters (
                id {ID},
                name TEXT NOT NULL,
                index_case_id BIGINT,
                commune_code TEXT NOT NULL,
                place TEXT NOT NULL,
                venue_id BIGINT REFERENCES venues (id),
                started_on TEXT NOT NULL,
                ended_on TEXT,
                created_at {TS} NOT NULL,
                created_by BIGINT REFERENCES accounts (id)
            )
            """),
        .both("CREATE INDEX clusters_by_commune ON clusters (commune_code, started_on)"),
        // One case per person: a reclassification (F1 → F0) changes the row and adds a history entry.
        .both("""
            CREATE TABLE cases (
                id {ID},
                person_id BIGINT NOT NULL UNIQUE REFERENCES persons (id),
                classification TEXT NOT NULL CHECK (classification IN ('F0', 'F1', 'F2', 'suspected')),
                commune_code TEXT NOT NULL,
                reported_on TEXT NOT NULL,
                cluster_id BIGINT REFERENCES clusters (id),
                confirmed_on TEXT,
                test_reference TEXT,
                onset_on TEXT,
                sampled_on TEXT,
                isolated_on TEXT,
                severity TEXT CHECK (severity IN ('asymptomatic', 'mild', 'moderate', 'severe', 'critical')),
                care_place TEXT CHECK (care_place IN ('home', 'tier_1', 'tier_2', 'tier_3')),
                outcome TEXT CHECK (outcome IN ('recovered', 'transferred', 'died')),
                outcome_on TEXT,
                last_exposure_on TEXT,
                vaccinated INTEGER,
                quarantine_setting TEXT CHECK (quarantine_setting IN ('home', 'centralised')),
                quarantine_place TEXT,
                quarantine_start TEXT,
                quarantine_end TEXT,
                quarantine_rule TEXT,
                released_on TEXT,
                follow_up TEXT NOT NULL CHECK (follow_up IN ('pending', 'contacted', 'unreachable', 'in_quarantine', 'released')),
                created_at {TS} NOT NULL,
                updated_at {TS} NOT NULL,
                created_by BIGINT REFERENCES accounts (id)
            )
            """),
        .both("CREATE INDEX cases_by_area ON cases (commune_code, reported_on)"),
        .both("CREATE INDEX cases_queue ON cases (follow_up, commune_code)"),
        .both("CREATE INDEX cases_by_cluster ON cases (cluster_id) WHERE cluster_id IS NOT NULL"),
        .both("""
            CREATE TABLE case_classifications (
                id {ID},
                case_id BIGINT NOT NULL REFERENCES cases (id),
                classification TEXT NOT NULL,
                changed_at {TS} NOT NULL,
                changed_by BIGINT REFERENCES accounts (id),
                reason TEXT NOT NULL
            )
            """),
        .both("CREATE INDEX case_classifications_by_case ON case_classifications (case_id, id)"),
        .both("""
            CREATE TABLE trace_runs (
                id {ID},
                case_id BIGINT NOT NULL REFERENCES cases (id),
                run_at {TS} NOT NULL,
                run_by BIGINT REFERENCES accounts (id),
                window_from {TS} NOT NULL,
                window_to {TS} NOT NULL,
                margin_minutes INTEGER NOT NULL,
                candidate_count INTEGER NOT NULL
            )
            """),
        .both("CREATE INDEX trace_runs_by_case ON trace_runs (case_id, id)"),
        // Each candidate with the evidence that put it on the list (JSON), and the investigator's decision.
        .both("""
            CREATE TABLE trace_candidates (
                run_id BIGINT NOT NULL REFERENCES trace_runs (id),
                person_id BIGINT NOT NULL REFERENCES persons (id),
                rank INTEGER NOT NULL,
                score DOUBLE PRECISION NOT NULL,
                overlap_minutes DOUBLE PRECISION NOT NULL,
                shared_venues INTEGER NOT NULL,
                sources TEXT NOT NULL,
                evidence TEXT NOT NULL,
                decision TEXT NOT NULL CHECK (decision IN ('pending', 'confirmed', 'rejected')),
                decided_by BIGINT REFERENCES accounts (id),
                decided_at {TS},
                PRIMARY KEY (run_id, person_id)
            )
            """),
        // The transmission chain: a contact's source cases, with the exposure that links them.
        .both("""
            CREATE TABLE case_sources (
                case_id BIGINT NOT NULL REFERENCES cases (id),
                source_case_id BIGINT NOT NULL REFERENCES cases (id),
                run_id BIGINT REFERENCES trace_runs (id),
                venue_id BIGINT REFERENCES venues (id),
                exposure_from {TS},
                exposure_to {TS},
                overlap_minutes DOUBLE PRECISION,
                kind TEXT NOT NULL CHECK (kind IN ('venue', 'household', 'declared', 'manual')),
                linked_at {TS} NOT NULL,
                PRIMARY KEY (case_id, source_case_id)
            )
            """),
        .both("CREATE INDEX case_sources_by_source ON case_sources (source_case_id)"),
        // People an F0 names during the interview, traced like co-visitors.
        .both("""
            CREATE TABLE declared_contacts (
                case_id BIGINT NOT NULL REFERENCES cases (id),
                person_id BIGINT NOT NULL REFERENCES persons (id),
                relation TEXT NOT NULL,
                declared_at {TS} NOT NULL,
                declared_by BIGINT REFERENCES accounts (id),
                PRIMARY KEY (case_id, person_id)
            )
            """),
        .both("""
            CREATE TABLE case_events (
                id {ID},
                case_id BIGINT NOT NULL REFERENCES cases (id),
                kind TEXT NOT NULL CHECK (kind IN ('call', 'unreachable', 'quarantine_start', 'test', 'release', 'note')),
                day TEXT NOT NULL,
                detail TEXT NOT NULL,
                recorded_at {TS} NOT NULL,
                recorded_by BIGINT REFERENCES accounts (id)
            )
            """),
        .both("CREATE INDEX case_events_by_case ON case_events (case_id, id)"),
        // Venues an F0 visited in its window, for the public "places visited" notice.
        .both("""
            CREATE TABLE venue_exposures (
                venue_id BIGINT NOT NULL REFERENCES venues (id),
                case_id BIGINT NOT NULL REFERENCES cases (id),
                exposed_from {TS} NOT NULL,
                exposed_to {TS} NOT NULL,
                commune_code TEXT NOT NULL,
                flagged_at {TS} NOT NULL,
                published_at {TS},
                PRIMARY KEY (venue_id, case_id, exposed_from)
            )
            """),
        .both("CREATE INDEX venue_exposures_by_area ON venue_exposures (commune_code, exposed_from)"),
        // Notifications to people, written in the same transaction as what caused them; a sender delivers them.
        .both("""
            CREATE TABLE outbox (
                id {ID},
                channel TEXT NOT NULL,
                recipient TEXT NOT NULL,
                person_id BIGINT REFERENCES persons (id),
                template TEXT NOT NULL,
                body TEXT NOT NULL,
                created_at {TS} NOT NULL,
                sent_at {TS},
                status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0
            )
            """),
        .both("CREATE INDEX outbox_queued ON outbox (status, id)"),
    ])
}
