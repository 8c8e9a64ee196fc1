import Accounts
import CheckIn
import ContactTracing
import Domain
import People
import Foundation
import Geography
import HealthCertificates
import Laboratory
import Reporting
import Storage

/// The stores a request handler may use, built once per application.
public struct Services: Sendable {
    public let config: AppConfig
    public let database: Database
    public let areas: AreaStore
    public let accounts: AccountStore
    public let sessions: SessionStore
    public let authenticator: Authenticator
    public let audit: AuditLog
    public let gate: AccessGate
    public let venues: VenueStore
    public let checkIns: CheckInStore
    /// Single check-ins go through here, to share transactions under load.
    public let checkInBatcher: CheckInBatcher
    public let declarations: DeclarationStore
    /// Road checkpoints, their travel declarations and the destinations' lists of arrivals.
    public let travel: TravelStore
    public let persons: PersonRegistry
    public let cases: CaseStore
    /// The quarantine rule table, as the CDC keeps it.
    public let quarantineRules: QuarantineRuleBook
    public let investigation: Investigation
    public let clusters: ClusterStore
    public let notices: ExposureNotices
    public let certificates: CertificateService
    public let lab: LabStore
    public let statistics: Statistics
    public let riskLevels: RiskLevels
    public let boundaries: BoundaryStore
    public let maps: EpidemicMaps
    /// Lockdown zones (vùng phong tỏa), drawn on the maps and listed on the public notice page.
    public let zones: LockdownZones
    public let dashboard: Dashboard
    public let reports: ReportExports

    public init(config: AppConfig, database: Database) throws {
        self.config = config
        self.database = database
        self.areas = AreaStore(database: database)
        self.accounts = AccountStore(database: database, hasher: PasswordHasher(cost: config.passwordCost))
        self.sessions = SessionStore(database: database)
        self.authenticator = Authenticator(accounts: accounts, sessions: sessions, throttle: LoginThrottle(database: database))
        self.audit = AuditLog(database: database)
        self.gate = AccessGate(database: database)
        self.venues = VenueStore(database: database)
        var rules = CheckInRules()
        rules.retention = config.checkInRetention
        self.checkIns = CheckInStore(database: database, rules: rules)
        self.checkInBatcher = CheckInBatcher(store: checkIns)
        // The bundled rules ship with the binary; a failure to read them is a broken build, caught by the tests.
        self.declarations = DeclarationStore(database: database, rules: (try? DeclarationStore.bundledRules()) ?? [])
        self.travel = TravelStore(database: database, vintage: config.vintage)
        self.persons = PersonRegistry(database: database)
        // Quarantine rules are the stored table the CDC keeps (`quarantineRules`). The tracing rules ship inside the
        // binary and the tests load and validate them: failing to read them is a broken build, so it stops the start.
        self.cases = CaseStore(database: database)
        self.quarantineRules = QuarantineRuleBook(database: database)
        let tracing = try! TracingRules.bundled()
        self.investigation = Investigation(database: database, engine: TracingEngine(rules: tracing), cases: cases)
        self.clusters = ClusterStore(database: database)
        self.notices = ExposureNotices(database: database)
        self.statistics = Statistics(database: database, areas: areas)
        // Bundled rules and boundaries are validated by the tests; failing to read them is a broken build.
        self.riskLevels = RiskLevels(database: database, areas: areas, rules: try! RiskRuleTable.bundled())
        self.boundaries = BoundaryStore(database: database, areas: areas)
        self.maps = EpidemicMaps(statistics: statistics, risk: riskLevels, areas: areas, districts: try! BoundaryReader.bundledDistricts(),
                                 imported: boundaries)
        self.zones = maps.zones
        self.dashboard = Dashboard(database: database, statistics: statistics, risk: riskLevels)
        self.reports = ReportExports(database: database, statistics: statistics)
        // Training data is signed by its own throwaway keys (a CSCA no production trust list holds) under a training
        // issuer name. A demo server makes its own keys; a real one is given them (`sentinel keys init`) and can verify
        // without.
        let keysDirectory = URL(fileURLWithPath: config.keysDirectory)
        let keys = KeyStore(directory: config.training ? keysDirectory.appendingPathComponent("training") : keysDirectory)
        if config.demo || config.training {
            var identity = KeyStore.Identity()
            if config.training { identity.name = "Sentinel TRAINING" }
            try keys.initialiseIfMissing(identity: identity)
        }
        let certificateRules = try CertificateRules.bundled()
        self.certificates = try CertificateService(database: database, cases: cases, keys: keys,
                                                   rules: config.training ? certificateRules.forTraining() : certificateRules)
        self.lab = LabStore(database: database, followUp: CertificateWithdrawal(certificates: certificates))
    }
}
