/// The dashboard reads the open cases' states (active F0 by severity and place of care, F0 not traced, contacts not
/// called) for a province of 100,000 cases every second: one index holds every column those reads need. Frozen.
enum M0010_OpenCaseStates {
    static let migration = Migration(10, "open_case_states", [
        .both("CREATE INDEX cases_states ON cases (classification, follow_up, outcome, commune_code, severity, care_place, id)"),
    ])
}
