/// The authenticated staff member on whose behalf a request runs.
public struct Principal: Sendable, Equatable, Codable {
    public let accountID: Int64
    public let username: String
    public let displayName: String
    public let role: Role
    /// The area the account may see: a province, district or commune code.
    public let scopeCode: String
    /// The facility (a health station, a hospital's sampling team, a lab) the account works for, when it is bound
    /// to one: its samples are its own, another facility's are refused.
    public let facilityID: String?

    public init(accountID: Int64, username: String, displayName: String, role: Role, scopeCode: String, facilityID: String? = nil) {
        self.accountID = accountID
        self.username = username
        self.displayName = displayName
        self.role = role
        self.scopeCode = scopeCode
        self.facilityID = facilityID
    }
}
