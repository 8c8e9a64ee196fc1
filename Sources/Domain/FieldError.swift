/// One invalid field of a submission, named by its JSON path, with a reason a person can act on.
public struct FieldError: Sendable, Equatable, Codable, Error {
    public let field: String
    public let reason: String

    public init(_ field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }
}

/// A submission with one or more invalid fields. Validation collects every problem before failing.
public struct ValidationFailure: Error, Sendable, Equatable {
    public let errors: [FieldError]
    public init(_ errors: [FieldError]) { self.errors = errors }
}

/// Collects field errors so that a form reports all of them at once.
public struct Validator: Sendable {
    public private(set) var errors: [FieldError] = []
    public init() {}

    public mutating func require(_ condition: Bool, _ field: String, _ reason: String) {
        if !condition { errors.append(FieldError(field, reason)) }
    }

    public func check() throws {
        if !errors.isEmpty { throw ValidationFailure(errors) }
    }
}

/// A record the client named does not exist: the API answers 404 with `detail`.
public protocol MissingRecord: Error {
    var detail: String { get }
}

/// The request conflicts with the record's present state: the API answers 409 with `detail` and the fields concerned.
public protocol ConflictingState: Error {
    var detail: String { get }
    var fields: [FieldError] { get }
}

extension ConflictingState {
    public var fields: [FieldError] { [] }
}

/// A capability is not set up on this server (e.g. no signing keys): the API answers 503 with `detail`, which says
/// what the operator must do.
public protocol UnavailableCapability: Error {
    var detail: String { get }
}
