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
    /// bcrypt cost; tests lower it.
    public var passwordCost: UInt8 = 11
    public var webSessionLifetime: TimeInterval = 12 * 3600
    public var apiTokenLifetime: TimeInterval = 8 * 3600
    /// Request bodies above this size are refused with 413, unless a route allows more.
    public var maxBodyBytes: Int = 1 << 20
    /// Mark cookies Secure (serve behind HTTPS in production).
    public var secureCookies: Bool = false

    public init() {}
}
