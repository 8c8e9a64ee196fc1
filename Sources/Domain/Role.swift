// Staff roles and what each may do. The matrix is data so that a new capability adds its permissions here,
// in one place, and every route asks the same question: `role.may(permission)`.

/// A staff role. Raw values are stored in the database and used in the API; never rename one.
public enum Role: String, CaseIterable, Codable, Sendable {
    case admin
    case epidemiologist
    case districtOfficer = "district_officer"
    case communeOfficer = "commune_officer"
    case sampler
    case lab
    case vaccinator
    case facilityManager = "facility_manager"
    case venueOperator = "venue_operator"
    case leader
    /// Staff of a road checkpoint: record vehicles and the people in them.
    case checkpointOfficer = "checkpoint_officer"

    /// What the role may do. Area scope is checked separately, by `AreaScope`.
    public var permissions: Set<Permission> {
        switch self {
        case .admin:
            return Set(Permission.allCases)
        case .epidemiologist:
            return [.readAreas, .readDashboards, .announceRiskLevels, .readPersons, .writePersons, .readVenues, .readCheckIns, .followUpDeclarations,
                    .readCases, .manageCases, .traceCases, .followUpCases, .issueCertificates, .manageCertificates, .readTests,
                    .readTravel, .manageCheckpoints, .manageSites, .manageZones, .manageQuarantineRules]
        case .districtOfficer:
            return [.readAreas, .readDashboards, .announceRiskLevels, .readPersons, .writePersons, .readVenues, .manageVenues, .readCheckIns,
                    .followUpDeclarations, .readCases, .manageCases, .traceCases, .followUpCases, .issueCertificates, .manageCertificates,
                    .readTests, .readTravel, .manageCheckpoints, .manageSites, .manageZones]
        case .communeOfficer:
            // The commune health station follows up the contacts assigned to it; investigations are the district's and CDC's.
            return [.readAreas, .readDashboards, .readPersons, .writePersons, .readVenues, .manageVenues, .readCheckIns,
                    .followUpDeclarations, .readCases, .followUpCases, .issueCertificates, .readTests, .readTravel, .manageSites]
        case .sampler:
            return [.readAreas, .readPersons, .writePersons, .collectSamples]
        case .lab:
            // Labs record results and certify them.
            return [.readAreas, .readPersons, .issueCertificates, .recordResults, .readTests]
        case .vaccinator:
            return [.readAreas, .readPersons, .issueCertificates]
        case .facilityManager:
            return [.readAreas, .readPersons]
        case .venueOperator:
            // Their own venues only: the venue store checks that the venue is theirs.
            return [.readAreas, .registerVenues, .readOwnVenues, .submitCheckIns]
        case .leader:
            return [.readAreas, .readDashboards]
        case .checkpointOfficer:
            // The checkpoint records who crosses; the lists of arrivals are the destination's to read.
            return [.readAreas, .declareTravel]
        }
    }

    public func may(_ permission: Permission) -> Bool { permissions.contains(permission) }
}

/// An action a route or store performs on behalf of a staff member.
public enum Permission: String, CaseIterable, Codable, Sendable {
    case readAreas = "areas.read"
    case importAreas = "areas.import"
    case readAccounts = "accounts.read"
    case manageAccounts = "accounts.manage"
    case readAudit = "audit.read"
    case readDashboards = "dashboards.read"
    /// Record the epidemic level officially announced for a unit, beside the computed one.
    case announceRiskLevels = "risk_levels.announce"
    case readPersons = "persons.read"
    case writePersons = "persons.write"
    /// Venues and their check-in logs within the area.
    case readVenues = "venues.read"
    /// Approve, suspend, edit and register venues within the area.
    case manageVenues = "venues.manage"
    /// Register one's own venue (approved later by an officer).
    case registerVenues = "venues.register"
    /// Read one's own venues and their logs.
    case readOwnVenues = "venues.read_own"
    case readCheckIns = "checkins.read"
    /// Send batches of check-ins through the API (venue apps and scanners).
    case submitCheckIns = "checkins.submit"
    /// The commune health station's queue of flagged health declarations: read it and record the follow-up.
    case followUpDeclarations = "declarations.follow_up"
    /// Cases (F0, F1, F2, suspected) and their lists within the area.
    case readCases = "cases.read"
    /// Open cases, reclassify them, group them into clusters.
    case manageCases = "cases.manage"
    /// Run tracing for a case and confirm or reject its candidates.
    case traceCases = "cases.trace"
    /// Record calls, quarantine, tests and release of the contacts assigned to the area.
    case followUpCases = "cases.follow_up"
    /// Issue a DCC (test, vaccination, recovery) for a person in the area.
    case issueCertificates = "certificates.issue"
    /// Revoke a certificate and handle citizens' complaints about certificates issued in the area.
    case manageCertificates = "certificates.manage"
    /// Take samples (single or pooled tubes) in the area.
    case collectSamples = "samples.collect"
    /// Receive tubes at the laboratory and record or import their results.
    case recordResults = "lab.results"
    /// Read people's test results in the area.
    case readTests = "tests.read"
    /// Record travel declarations at a road checkpoint in the area.
    case declareTravel = "travel.declare"
    /// Read the lists of travellers arriving in the area (and, for the province, going to other provinces).
    case readTravel = "travel.read"
    /// Open and close road checkpoints in the area.
    case manageCheckpoints = "checkpoints.manage"
    /// Open sampling sites in the area and set their hours and booking capacity.
    case manageSites = "sites.manage"
    /// Record, edit and lift lockdown zones (vùng phong tỏa) in the area.
    case manageZones = "zones.manage"
    /// Add, end and withdraw the province's quarantine rules (whole-province accounts only).
    case manageQuarantineRules = "quarantine_rules.manage"
}
