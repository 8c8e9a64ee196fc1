import Foundation
import Storage

/// Everything a running server needs to know, resolved once at start from flags and environment.
public struct AppConfig: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    public var database: DatabaseURL = .sqliteFile(path: "sentinel.sqlite")
    /// The structure of administrative units this deployment works in.
    public var vintage: String = "2021"
    /// Seed areas and one account per role on first start, and show the demo passwords on the login page.
    public var demo: Bool = false
    /// With `demo`: simulate a province in the background on first start (off in tests).
    public var demoProvince: Bool = true
    /// bcrypt cost; tests lower it.
    public var passwordCost: UInt8 = 11
    public var webSessionLifetime: TimeInterval = 12 * 3600
    public var apiTokenLifetime: TimeInterval = 8 * 3600
    /// Request bodies above this size are refused with 413, unless a route allows more.
    public var maxBodyBytes: Int = 1 << 20
    /// Mark cookies Secure (serve behind HTTPS in production).
    public var secureCookies: Bool = false
    /// The address printed in venue QR codes and posters; by default this server's own.
    public var publicBaseURL: String? = nil
    /// Requests per second (and burst) an address may make to the public endpoints without signing in.
    /// A market gate's Wi-Fi may put many phones behind one address: the defaults allow a queue of people.
    public var publicRatePerSecond: Double = 20
    public var publicBurst: Double = 100
    /// How long check-ins are kept before the daily purge.
    public var checkInRetention: TimeInterval = 28 * 24 * 3600
    /// The database is marked as training data (`sentinel training on`, or any demo): read from it at start.
    public var training: Bool = false
    /// Where the certificate signing keys live (`sentinel keys init`); never inside the database.
    public var keysDirectory: String = "keys"
    /// Where the nightly lists of arrivals are written (`itineraries/YYYY-MM-DD/lo-trinh-CODE-YYYY-MM-DD.csv`).
    public var exportsDirectory: String = "exports"

    /// The base of public links, without a trailing slash.
    public var publicBase: String {
        let base = publicBaseURL ?? "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
        return base.hasSuffix("/") ? String(base.dropLast()) : base
    }

    /// What a venue's QR code holds: the citizen's check-in page.
    public func checkInURL(_ token: String) -> String { publicBase + "/c/" + token }

    public init() {}
}
