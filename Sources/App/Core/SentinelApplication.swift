import CheckIn
import ContactTracing
import Accounts
import Foundation
import Geography
import Hummingbird
import Logging
import ServiceLifecycle
import Storage

/// The composition root: one function builds the application for the server and for the tests.
public enum SentinelApplication {
    /// Installs the metrics backend. Call before opening the database, whose pool metrics are created with it.
    public static func bootstrapMetrics() {
        _ = MetricsSetup.registry
    }

    /// Prepares the database (migrations, bundled areas, demo accounts) and returns the router.
    public static func buildRouter(config: AppConfig, database: Database) async throws -> Router<SentinelContext> {
        try await buildRouter(services: try await services(config: config, database: database))
    }

    /// The stores over a migrated database, with the configuration completed from it: a demo's database is marked as
    /// training data (its province is simulated), and a marked database runs in training mode.
    public static func services(config: AppConfig, database: Database) async throws -> Services {
        try await Migrator().migrate(database)
        if config.demo { try await TrainingMode.set(true, database) }
        var config = config
        config.training = try await TrainingMode.isOn(database)
        return try Services(config: config, database: database)
    }

    /// `services` come from `services(config:database:)`, which migrated the database.
    static func buildRouter(services: Services) async throws -> Router<SentinelContext> {
        let config = services.config, database = services.database
        bootstrapMetrics()
        try await BundledAreas.loadIfNeeded(into: services.areas)
        try await services.certificates.loadRevocations()
        if config.demo { try await DemoSeed.seedIfNeeded(services.accounts) }
        let pages = try await PageRenderer.bundled(training: config.training)

        let router = Router(context: SentinelContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: LogRequestsMiddleware(.info))
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: LanguageMiddleware())
        router.add(middleware: ErrorMiddleware(pages: pages))
        if let staticFolder = Bundle.module.resourceURL?.appendingPathComponent("static").path {
            router.add(middleware: FileMiddleware(staticFolder, urlBasePath: "/static", searchForIndexHtml: false))
        }
        router.add(middleware: SessionMiddleware(sessions: services.sessions))
        router.add(middleware: PublicRateLimitMiddleware(
            limiter: RateLimiter(ratePerSecond: config.publicRatePerSecond, burst: config.publicBurst),
            paths: ["/api/v1/checkins", "/c/", "/my-qr", "/api/v1/auth/token", "/login", "/api/v1/declarations", "/khai-bao",
                    "/noi-co-ca-benh", "/api/v1/notices", "/api/v1/certificates/URN", "/chung-nhan", "/xac-minh", "/api/v1/test-registrations",
                    "/api/v1/travel-slips", "/phieu-qua-chot", "/dang-ky-xet-nghiem", "/api/v1/test-sites"]))
        // Result lookups: at most 10 tries per address per 10 minutes (a guessing script gets nowhere).
        router.add(middleware: PublicRateLimitMiddleware(limiter: RateLimiter(ratePerSecond: 10.0 / 600, burst: 10),
                                                         paths: ["/api/v1/results/lookup", "/ket-qua/tra-cuu"]))
        router.add(middleware: FormMiddleware())

        HealthController(database: database, metrics: MetricsSetup.registry).register(on: router)
        AuthController(services: services).register(on: router)
        AreasController(services: services).register(on: router)
        AccountsController(services: services).register(on: router)
        AuditController(services: services).register(on: router)
        VenuesController(services: services).register(on: router)
        CheckInController(services: services).register(on: router)
        DeclarationsController(services: services).register(on: router)
        TravelController(services: services).register(on: router)
        CasesController(services: services).register(on: router)
        CertificatesController(services: services).register(on: router)
        LabController(services: services, catalogue: pages.catalogue).register(on: router)
        ReportingController(services: services, catalogue: pages.catalogue).register(on: router)
        ZonesController(services: services).register(on: router)
        QuarantineRulesController(services: services).register(on: router)

        SessionPages(services: services, pages: pages, demoAccounts: config.demo ? DemoSeed.accounts : []).register(on: router)
        HomePage(services: services, pages: pages).register(on: router)
        AreaPages(services: services, pages: pages).register(on: router)
        AdminPages(services: services, pages: pages).register(on: router)
        VenuePages(services: services, pages: pages).register(on: router)
        CertificatePages(services: services, pages: pages).register(on: router)
        ResultPages(services: services, pages: pages).register(on: router)
        SamplePages(services: services, pages: pages).register(on: router)
        LabPages(services: services, pages: pages).register(on: router)
        ScanPages(services: services, pages: pages).register(on: router)
        DeclarationPages(services: services, pages: pages).register(on: router)
        TravelPages(services: services, pages: pages).register(on: router)
        RegistrationPages(services: services, pages: pages).register(on: router)
        CasePages(services: services, pages: pages).register(on: router)
        ClusterPages(services: services, pages: pages).register(on: router)
        NoticePages(services: services, pages: pages).register(on: router)
        DashboardPages(services: services, pages: pages).register(on: router)
        ZonePages(services: services, pages: pages).register(on: router)
        QuarantineRulePages(services: services, pages: pages).register(on: router)
        ReportPages(services: services, pages: pages).register(on: router)
        return router
    }

    public static func build(config: AppConfig, database: Database, logger: Logger) async throws -> some ApplicationProtocol {
        let services = try await services(config: config, database: database)
        let router = try await buildRouter(services: services)
        return Application(
            router: router,
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: "Sentinel"),
            services: [DatabaseCloser(database: database),
                       PeriodicJob.checkInPurge(services.checkIns, logger: logger),
                       PeriodicJob.aggregates(database, logger: logger),
                       PeriodicJob.outbox(database, sender: LogNotificationSender(logger: logger), logger: logger),
                       PeriodicJob.certificates(services.certificates, linkBase: config.publicBase, logger: logger),
                       PeriodicJob.itineraries(ItineraryArchive(database: database, directory: URL(fileURLWithPath: config.exportsDirectory)
                                                                    .appendingPathComponent("itineraries")), logger: logger)]
                + (config.demo && config.demoProvince ? [DemoProvinceService(database: database, scale: .small, logger: logger)] : []),
            logger: logger)
    }
}

/// Closes the database after the HTTP server has drained, on SIGTERM or SIGINT.
struct DatabaseCloser: Service {
    let database: Database
    func run() async throws {
        try? await gracefulShutdown()
        await database.close()
    }
}
