import Foundation

/// The kinds of place that display a check-in QR code, each with how long a visit usually lasts: the
/// tracing engine uses the dwell time when a visitor does not check out.
public enum VenueType: String, CaseIterable, Codable, Sendable {
    case agency, business, market, school, hospital, church, restaurant, transport, other

    /// Default minutes of presence after a check-in without a check-out.
    public var defaultDwellMinutes: Int {
        switch self {
        case .agency: 60
        case .business: 480
        case .market: 60
        case .school: 420
        case .hospital: 120
        case .church: 90
        case .restaurant: 60
        case .transport: 30
        case .other: 60
        }
    }
}

public enum VenueStatus: String, Codable, Sendable {
    /// Registered by its operator, waiting for the commune or district to approve it.
    case pending
    case approved
    /// Its QR code no longer accepts check-ins.
    case suspended
}

public struct Venue: Sendable, Equatable, Codable {
    public let id: Int64
    public let token: String
    public let name: String
    public let type: VenueType
    public let address: String
    public let communeCode: String
    public let latitude: Double?
    public let longitude: Double?
    public let operatorAccountID: Int64?
    public let dwellMinutes: Int
    public let status: VenueStatus
    public let createdAt: Date

    public init(id: Int64, token: String, name: String, type: VenueType, address: String, communeCode: String, latitude: Double?,
                longitude: Double?, operatorAccountID: Int64?, dwellMinutes: Int, status: VenueStatus, createdAt: Date) {
        self.id = id
        self.token = token
        self.name = name
        self.type = type
        self.address = address
        self.communeCode = communeCode
        self.latitude = latitude
        self.longitude = longitude
        self.operatorAccountID = operatorAccountID
        self.dwellMinutes = dwellMinutes
        self.status = status
        self.createdAt = createdAt
    }
}

/// What an operator or officer submits to register a venue.
public struct NewVenue: Sendable, Equatable {
    public var name: String
    public var type: VenueType
    public var address: String
    public var communeCode: String
    public var latitude: Double?
    public var longitude: Double?
    public var dwellMinutes: Int?

    public init(name: String, type: VenueType, address: String, communeCode: String, latitude: Double? = nil,
                longitude: Double? = nil, dwellMinutes: Int? = nil) {
        self.name = name
        self.type = type
        self.address = address
        self.communeCode = communeCode
        self.latitude = latitude
        self.longitude = longitude
        self.dwellMinutes = dwellMinutes
    }

    public func validate() throws {
        var v = Validator()
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        v.require(!trimmed.isEmpty && trimmed.count <= 200, "name", "required, at most 200 characters")
        v.require(address.count <= 300, "address", "at most 300 characters")
        v.require(AreaCode.level(of: communeCode) == .commune, "communeCode", "a 5-digit commune code")
        if let latitude { v.require((-90...90).contains(latitude), "latitude", "−90 to 90") }
        if let longitude { v.require((-180...180).contains(longitude), "longitude", "−180 to 180") }
        v.require((latitude == nil) == (longitude == nil), "longitude", "give both latitude and longitude, or neither")
        if let dwellMinutes { v.require((5...1440).contains(dwellMinutes), "dwellMinutes", "5 to 1440 minutes") }
        try v.check()
    }
}
