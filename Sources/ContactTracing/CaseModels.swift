import Domain
import Foundation
import People

/// The facts of a case that staff enter and correct. Every field is optional: an update sets those given.
public struct CaseFacts: Sendable, Codable, Equatable {
    // F0
    public var confirmedOn: String?
    public var testReference: String?
    public var onsetOn: String?
    public var sampledOn: String?
    public var isolatedOn: String?
    public var severity: Severity?
    public var carePlace: CarePlace?
    public var outcome: Outcome?
    public var outcomeOn: String?
    // F1 / F2
    public var lastExposureOn: String?
    public var vaccinated: Bool?
    public var quarantineSetting: QuarantineSetting?
    public var quarantinePlace: String?
    public var quarantineStart: String?
    /// Set by hand only when no rule covers the case; otherwise computed from the rule table.
    public var quarantineEnd: String?
    public var releasedOn: String?

    public init() {}

    var days: [(String, String?)] {
        [("confirmedOn", confirmedOn), ("onsetOn", onsetOn), ("sampledOn", sampledOn), ("isolatedOn", isolatedOn), ("outcomeOn", outcomeOn),
         ("lastExposureOn", lastExposureOn), ("quarantineStart", quarantineStart), ("quarantineEnd", quarantineEnd), ("releasedOn", releasedOn)]
    }

    public func validate(into v: inout Validator) {
        for (name, value) in days {
            if let day = value { v.require(LocalDay.isValid(day) && day >= "2019-12-01", name, "a day as YYYY-MM-DD") }
        }
        v.require((testReference ?? "").count <= 100, "testReference", "at most 100 characters")
        v.require((quarantinePlace ?? "").count <= 200, "quarantinePlace", "at most 200 characters")
        if let onset = onsetOn, let confirmed = confirmedOn { v.require(onset <= confirmed, "onsetOn", "not after confirmedOn") }
        if let start = quarantineStart, let end = quarantineEnd { v.require(start <= end, "quarantineEnd", "not before quarantineStart") }
        if outcome != nil { v.require(outcomeOn != nil, "outcomeOn", "required with outcome") }
    }
}

/// A case as stored.
public struct CaseRecord: Sendable, Codable, Equatable {
    public let id: Int64
    public let personId: Int64
    public let classification: Classification
    public let communeCode: String
    public let reportedOn: String
    public let clusterId: Int64?
    public let facts: CaseFacts
    public let quarantineRule: String?
    public let followUp: CaseFollowUp
    public let createdAt: Date
    public let updatedAt: Date
}

/// A case opened by staff.
public struct NewCase: Sendable, Codable, Equatable {
    public var personId: Int64
    public var classification: Classification
    /// Where the case is managed; the person's commune when omitted.
    public var communeCode: String?
    public var reason: String?
    public var facts: CaseFacts?

    public init(personId: Int64, classification: Classification, communeCode: String? = nil, reason: String? = nil, facts: CaseFacts? = nil) {
        self.personId = personId
        self.classification = classification
        self.communeCode = communeCode
        self.reason = reason
        self.facts = facts
    }
}

public struct ClassificationChange: Sendable, Codable, Equatable {
    public let classification: Classification
    public let changedAt: Date
    public let changedBy: String?
    public let reason: String
}

/// A link in the transmission chain.
public struct CaseLink: Sendable, Codable, Equatable {
    public let caseId: Int64
    public let sourceCaseId: Int64
    public let kind: String
    public let venueId: Int64?
    public let exposureFrom: Date?
    public let exposureTo: Date?
    public let overlapMinutes: Double?
}

public struct CaseEvent: Sendable, Codable, Equatable {
    public let kind: CaseEventKind
    public let day: String
    public let detail: String
    public let recordedAt: Date
    public let recordedBy: String?
}

/// Everything on a case's page.
public struct CaseDetail: Sendable, Codable, Equatable {
    public let record: CaseRecord
    public let person: Person
    public let history: [ClassificationChange]
    /// Whom this case caught it from, and whom it exposed.
    public let sources: [CaseLink]
    public let contacts: [CaseLink]
    public let events: [CaseEvent]
    public let runs: [TraceRunSummary]
}

/// A row of a case list.
public struct CaseListItem: Sendable, Codable, Equatable {
    public let id: Int64
    public let personId: Int64
    public let fullName: String
    public let birthYear: Int?
    public let phone: String?
    public let classification: Classification
    public let communeCode: String
    public let reportedOn: String
    public let followUp: CaseFollowUp
    public let severity: Severity?
    public let quarantineEnd: String?
}

public struct CaseFilter: Sendable, Equatable {
    public var classification: Classification?
    public var followUp: CaseFollowUp?
    /// A district or commune inside the account's scope.
    public var areaCode: String?
    public var from: String?
    public var to: String?
    /// Members of one cluster (ổ dịch).
    public var clusterId: Int64?
    public var limit: Int = 500
    public var offset: Int = 0
    public init() {}
}

public struct TraceRunSummary: Sendable, Codable, Equatable {
    public let id: Int64
    public let runAt: Date
    public let windowFrom: Date
    public let windowTo: Date
    public let marginMinutes: Int
    public let candidateCount: Int
    public let confirmed: Int
    public let rejected: Int
}

public struct CaseNotFound: MissingRecord, Equatable, Sendable {
    public let id: Int64
    public var detail: String { "No such case." }
}

/// The person already has a case: one case per person, reclassified rather than duplicated.
public struct CaseExists: ConflictingState, Equatable, Sendable {
    public let caseId: Int64
    public var detail: String { "This person already has case \(caseId): reclassify it instead." }
    public var fields: [FieldError] { [FieldError("personId", "has case \(caseId)")] }
}

/// The request does not fit the case's state (e.g. tracing a case that is not F0 or F1).
public struct CaseConflict: ConflictingState, Equatable, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var detail: String { reason }
}
