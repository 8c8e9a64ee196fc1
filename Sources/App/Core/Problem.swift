import Accounts
import Domain
import Foundation
import Hummingbird
import NIOCore

/// An RFC 9457 problem: what went wrong, in words a client developer can act on, with every bad field.
public struct Problem: Codable, Sendable, Equatable {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String?
    public var errors: [FieldError]?
    public var requestId: String?

    public init(status: HTTPResponse.Status, title: String? = nil, detail: String? = nil, errors: [FieldError]? = nil) {
        self.type = "about:blank"
        self.status = Int(status.code)
        self.title = title ?? status.reasonPhrase
        self.detail = detail
        self.errors = errors
    }

    /// The problem an error becomes. Unknown errors are 500s with no detail: internals stay in the log.
    public static func from(_ error: any Error) -> Problem {
        switch error {
        case let failure as ValidationFailure:
            return Problem(status: .unprocessableContent, title: "Invalid input", detail: "One or more fields are invalid.",
                           errors: failure.errors)
        case let bad as BadRequestBody:
            return Problem(status: .badRequest, title: "Malformed request body", detail: bad.detail, errors: bad.errors)
        case let denied as AccessDenied:
            let detail = denied.reason == .role
                ? "Your role may not do this (\(denied.permission.rawValue))."
                : "This record lies outside your area."
            return Problem(status: .forbidden, detail: detail)
        case is AccountNotFound:
            return Problem(status: .notFound, detail: "No such account.")
        case let taken as UsernameTaken:
            return Problem(status: .conflict, detail: "The username '\(taken.username)' is taken.",
                           errors: [FieldError("username", "already taken")])
        case let notFound as NotFound:
            return Problem(status: .notFound, detail: notFound.detail)
        case let missing as any MissingRecord:
            return Problem(status: .notFound, detail: missing.detail)
        case let conflict as any ConflictingState:
            return Problem(status: .conflict, detail: conflict.detail, errors: conflict.fields.isEmpty ? nil : conflict.fields)
        case let unavailable as any UnavailableCapability:
            return Problem(status: .serviceUnavailable, detail: unavailable.detail)
        case is NIOTooManyBytesErrorMarker:
            return Problem(status: .contentTooLarge, detail: "The request body is too large.")
        case let http as HTTPError:
            return Problem(status: http.status, detail: http.body)
        case let response as any HTTPResponseError:
            return Problem(status: response.status)
        default:
            return Problem(status: .internalServerError, detail: "An unexpected error occurred. Quote the request id when reporting it.")
        }
    }
}

/// A body that could not be read as the route expects.
public struct BadRequestBody: Error, Sendable {
    public let detail: String
    public let errors: [FieldError]
}

/// A record the client named does not exist.
public struct NotFound: Error, Sendable {
    public let detail: String
    public init(_ detail: String) { self.detail = detail }
}

/// Matches NIO's "too many bytes" error without importing its module name into every switch.
protocol NIOTooManyBytesErrorMarker {}
extension NIOTooManyBytesError: NIOTooManyBytesErrorMarker {}
