import Accounts
import Domain
import Hummingbird
import Logging
import NIOCore

/// Per-request state: who is signed in, the request id, and the interface language.
public struct SentinelContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var session: Session?
    public var requestID: String
    public var language: Language = .vi
    public let clientAddress: String?
    /// Raised per route group by `BodyLimit` where a route needs more than the default.
    public var bodyLimit: Int = 1 << 20
    var formStorage: [String: String]? = nil

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
        self.requestID = ""
    }

    public var maxUploadSize: Int { bodyLimit }

    public var principal: Principal? { session?.principal }

    /// The trace written into audit rows for this request.
    public func trace(purpose: String? = nil) -> RequestTrace {
        RequestTrace(route: endpointPath ?? "?", requestID: requestID, purpose: purpose)
    }

    /// The signed-in staff member, or 401.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw HTTPError(.unauthorized, message: "sign in first") }
        return principal
    }
}
