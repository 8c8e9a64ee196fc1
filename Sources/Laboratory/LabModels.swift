import Domain
import Foundation
import People

public enum TestMethod: String, Sendable, Codable, CaseIterable {
    case rtPCR = "rt_pcr", rapidAntigen = "rapid_antigen"
}

/// A tube taken at a sampling station: one person, or a pool of 2–10.
public struct NewSample: Sendable, Codable, Equatable {
    enum CodingKeys: String, CodingKey {
        case tubeBarcode, personIds, people, method, specimenType, collectedAt, clientId, siteId, communeCode, poolSize, latitude, longitude
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tubeBarcode = try c.decode(String.self, forKey: .tubeBarcode)
        personIds = try c.decodeIfPresent([Int64].self, forKey: .personIds) ?? []
        people = try c.decodeIfPresent([PersonClaim].self, forKey: .people)
        method = try c.decode(TestMethod.self, forKey: .method)
        specimenType = try c.decode(String.self, forKey: .specimenType)
        collectedAt = try c.decodeIfPresent(Date.self, forKey: .collectedAt)
        clientId = try c.decodeIfPresent(String.self, forKey: .clientId)
        siteId = try c.decodeIfPresent(Int64.self, forKey: .siteId)
        communeCode = try c.decodeIfPresent(String.self, forKey: .communeCode)
        poolSize = try c.decodeIfPresent(Int.self, forKey: .poolSize)
        latitude = try c.decodeIfPresent(Double.self, forKey: .latitude)
        longitude = try c.decodeIfPresent(Double.self, forKey: .longitude)
    }

    public var tubeBarcode: String
    public var personIds: [Int64]
    /// People named the way a station scans them — personal QR token, ID number, or phone + name — found again or
    /// created (walk-ins); added to `personIds`.
    public var people: [PersonClaim]?
    public var method: TestMethod
    public var specimenType: String
    public var collectedAt: Date?
    /// The station's own id for this save, so a retry after a network loss is not a second sample.
    public var clientId: String?
    public var siteId: Int64?
    public var communeCode: String?
    /// A pool of this many (2–10) even if fewer people are in it yet; more people join with `addMember`.
    public var poolSize: Int?
    public var latitude: Double?
    public var longitude: Double?

    public init(tubeBarcode: String, personIds: [Int64], people: [PersonClaim]? = nil, method: TestMethod, specimenType: String, collectedAt: Date? = nil,
                clientId: String? = nil, siteId: Int64? = nil, communeCode: String? = nil, poolSize: Int? = nil,
                latitude: Double? = nil, longitude: Double? = nil) {
        self.tubeBarcode = tubeBarcode
        self.personIds = personIds
        self.people = people
        self.method = method
        self.specimenType = specimenType
        self.collectedAt = collectedAt
        self.clientId = clientId
        self.siteId = siteId
        self.communeCode = communeCode
        self.poolSize = poolSize
        self.latitude = latitude
        self.longitude = longitude
    }
}

public struct Sample: Sendable, Codable, Equatable {
    public enum Status: String, Sendable, Codable { case open, closed, received, resulted }
    public let id: Int64
    public let tubeBarcode: String
    public let method: TestMethod
    public let specimenType: String
    public let pooled: Bool
    public let poolMax: Int
    public let status: Status
    public let personIds: [Int64]
    public let communeCode: String
    public let collectedAt: Date
    public let result: LabOutcome?
    public let ctValues: [CtValue]
    public let resultedAt: Date?
    /// The facility of the account that took it (none when that account is bound to no facility).
    public let facilityId: String?
    /// Where the station's device was when it took the tube, when its browser gave a position (mobile teams).
    public let latitude: Double?
    public let longitude: Double?
}

/// What the laboratory records for a tube.
public struct ResultInput: Sendable, Codable, Equatable {
    public var result: LabOutcome
    public var ct: [CtValue]?
    public var `operator`: String?
    public var resultedAt: Date?

    public init(result: LabOutcome, ct: [CtValue]? = nil, operator: String? = nil, resultedAt: Date? = nil) {
        self.result = result
        self.ct = ct
        self.operator = `operator`
        self.resultedAt = resultedAt
    }
}

/// A person's outcome from one tube: a pool's positive (or invalid) is `retest`, never a diagnosis.
public struct PersonTest: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable { case positive, negative, invalid, retest }
    public let id: Int64
    public let personId: Int64
    public let tubeBarcode: String
    public let pooled: Bool
    public let method: TestMethod
    public let outcome: Outcome
    public let sampledAt: Date
    public let resultedAt: Date
    /// When the laboratory last corrected the result this outcome comes from.
    public let correctedAt: Date?
}

public struct SampleNotFound: MissingRecord, Equatable {
    public let tubeBarcode: String
    public init(tubeBarcode: String) { self.tubeBarcode = tubeBarcode }
    public var detail: String { "No sample was collected in tube \(tubeBarcode)." }
}

public struct TubeAlreadyUsed: ConflictingState, Equatable {
    public let tubeBarcode: String
    public let sampleId: Int64
    public let collectedAt: Date
    public var detail: String {
        "Tube \(tubeBarcode) was already used for sample \(sampleId), collected \(ISO8601DateFormatter().string(from: collectedAt))."
    }
    public var fields: [FieldError] { [FieldError("tubeBarcode", "already used for sample \(sampleId)")] }
}

public struct SampleConflict: ConflictingState, Equatable {
    public let detail: String
    public var fields: [FieldError] { [] }
}

/// The answer for each tube of a batch (reception scan, instrument import).
public struct TubeOutcome: Sendable, Codable, Equatable {
    public let tubeBarcode: String
    /// `received`, `recorded`, `refused`.
    public let status: String
    public let reason: String?
    /// Line of the message in an imported file.
    public let line: Int?
}
