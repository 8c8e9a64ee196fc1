import HummingbirdBcrypt
import NIOPosix

/// bcrypt, run off the async executor so a burst of logins cannot starve request handling.
public struct PasswordHasher: Sendable {
    /// 2^cost rounds. 11 takes roughly 100 ms here; tests use 4.
    public let cost: UInt8

    public init(cost: UInt8 = 11) { self.cost = cost }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash of a password nobody knows, to spend the same time when the username does not exist.
    public static let decoyHash = Bcrypt.hash("decoy-password-never-used", cost: 4)
}
