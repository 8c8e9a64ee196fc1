import Domain
import Foundation

/// A staff account as the application sees it (never with its password hash).
public struct Account: Sendable, Equatable, Codable {
    public let id: Int64
    public let username: String
    public let displayName: String
    public let role: Role
    public let scopeCode: String
    public let facilityID: String?
    public let disabled: Bool
    public let createdAt: Date

    public var principal: Principal {
        Principal(accountID: id, username: username, displayName: displayName, role: role, scopeCode: scopeCode, facilityID: facilityID)
    }
}

/// What an administrator submits to create an account.
public struct NewAccount: Sendable {
    public var username: String
    public var displayName: String
    public var password: String
    public var role: Role
    public var scopeCode: String
    public var facilityID: String?

    public init(username: String, displayName: String, password: String, role: Role, scopeCode: String, facilityID: String? = nil) {
        self.username = username
        self.displayName = displayName
        self.password = password
        self.role = role
        self.scopeCode = scopeCode
        self.facilityID = facilityID
    }

    /// Every problem at once, named by field.
    public func validate() throws {
        var v = Validator()
        v.require(username.count >= 3 && username.count <= 64, "username", "3 to 64 characters")
        v.require(username.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }, "username",
                  "letters, digits, '.', '_' or '-' only")
        v.require(!displayName.trimmingCharacters(in: .whitespaces).isEmpty && displayName.count <= 200, "displayName",
                  "required, at most 200 characters")
        v.require(password.count >= 10 && password.utf8.count <= 72, "password", "10 to 72 bytes")
        v.require(AreaCode.isWellFormed(scopeCode), "area", "a province, district or commune code")
        if let facilityID {
            v.require((1...40).contains(facilityID.count) && facilityID.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) },
                      "facilityId", "1 to 40 letters, digits, '.', '_' or '-'")
        }
        try v.check()
    }
}
