/// Areas, accounts, sessions, login throttling and the append-only audit log. Frozen.
enum M0001_Foundation {
    static let migration = Migration(1, "foundation", [
        .both("""
            CREATE TABLE area_vintages (
                vintage TEXT PRIMARY KEY,
                description TEXT NOT NULL,
                loaded_at {TS} NOT NULL
            )
            """),
        .both("""
            CREATE TABLE area_units (
                vintage TEXT NOT NULL REFERENCES area_vintages (vintage),
                code TEXT NOT NULL,
                name TEXT NOT NULL,
                name_folded TEXT NOT NULL,
                unit_type TEXT NOT NULL,
                level TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune')),
                parent_code TEXT,
                PRIMARY KEY (vintage, code)
            )
            """),
        .both("CREATE INDEX area_units_by_parent ON area_units (vintage, parent_code)"),
        .both("CREATE INDEX area_units_by_code ON area_units (code)"),
        // Every (ancestor, descendant) pair of every vintage, a unit being its own ancestor: the scope of an
        // account is one indexed lookup, whatever the depth.
        .both("""
            CREATE TABLE area_closure (
                ancestor TEXT NOT NULL,
                descendant TEXT NOT NULL,
                PRIMARY KEY (ancestor, descendant)
            )
            """),
        .both("""
            CREATE TABLE area_population (
                area_code TEXT NOT NULL,
                year INTEGER NOT NULL,
                population BIGINT NOT NULL CHECK (population >= 0),
                source TEXT NOT NULL,
                PRIMARY KEY (area_code, year, source)
            )
            """),
        .both("""
            CREATE TABLE area_successions (
                from_vintage TEXT NOT NULL,
                old_code TEXT NOT NULL,
                to_vintage TEXT NOT NULL,
                new_code TEXT NOT NULL,
                note TEXT NOT NULL,
                PRIMARY KEY (from_vintage, old_code, to_vintage, new_code)
            )
            """),
        .both("""
            CREATE TABLE accounts (
                id {ID},
                username TEXT NOT NULL UNIQUE,
                display_name TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                role TEXT NOT NULL,
                scope_code TEXT NOT NULL,
                facility_id TEXT,
                disabled BOOLEAN NOT NULL DEFAULT FALSE,
                created_at {TS} NOT NULL,
                updated_at {TS} NOT NULL
            )
            """),
        .both("CREATE INDEX accounts_by_scope ON accounts (scope_code)"),
        .both("""
            CREATE TABLE sessions (
                token_hash TEXT PRIMARY KEY,
                account_id BIGINT NOT NULL REFERENCES accounts (id),
                kind TEXT NOT NULL CHECK (kind IN ('web', 'api')),
                csrf_token TEXT NOT NULL,
                created_at {TS} NOT NULL,
                expires_at {TS} NOT NULL
            )
            """),
        .both("CREATE INDEX sessions_by_account ON sessions (account_id)"),
        .both("""
            CREATE TABLE login_failures (
                id {ID},
                subject TEXT NOT NULL,
                failed_at {TS} NOT NULL
            )
            """),
        .both("CREATE INDEX login_failures_by_subject ON login_failures (subject, failed_at)"),
        .both("""
            CREATE TABLE audit_log (
                id {ID},
                at {TS} NOT NULL,
                account_id BIGINT,
                username TEXT,
                role TEXT,
                action TEXT NOT NULL,
                entity TEXT NOT NULL,
                entity_id TEXT,
                area_code TEXT,
                route TEXT,
                purpose TEXT,
                request_id TEXT,
                outcome TEXT NOT NULL
            )
            """),
        .both("CREATE INDEX audit_log_by_time ON audit_log (at)"),
        .both("CREATE INDEX audit_log_by_account ON audit_log (account_id, at)"),
        .both("CREATE INDEX audit_log_by_area ON audit_log (area_code, at)"),
        // The application never changes the audit log; the schema makes sure nothing else does either.
        .sqliteOnly("""
            CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
            """),
        .sqliteOnly("""
            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
            """),
        .postgresOnly("""
            CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$
            """),
        .postgresOnly("""
            CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
            """),
        .both("""
            CREATE TABLE settings (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            )
            """),
    ])
}
