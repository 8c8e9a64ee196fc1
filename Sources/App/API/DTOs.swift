import Accounts
import Domain
import Foundation

/// JSON shapes of the API. Field names are part of the contract: add, never rename.
struct TokenRequest: Decodable {
    let username: String
    let password: String
}

struct TokenResponse: Encodable, Sendable {
    let token: String
    let expiresAt: Date
    let account: AccountDTO
}

struct AreaDTO: Encodable, Sendable {
    let vintage: String
    let code: String
    let name: String
    let type: String
    let level: String
    let parentCode: String?

    init(_ unit: AreaUnit) {
        vintage = unit.vintage
        code = unit.code
        name = unit.name
        type = unit.type
        level = unit.level.rawValue
        parentCode = unit.parentCode
    }
}

struct AreaListDTO: Encodable, Sendable {
    let vintage: String
    let items: [AreaDTO]
}

struct AreaDetailDTO: Encodable, Sendable {
    let unit: AreaDTO
    let ancestors: [AreaDTO]
    let children: [AreaDTO]
    let population: [PopulationFigure]
    /// For a 2021 commune: its units from 1 July 2025 (two for a split).
    let successors: [AreaSuccession]
}

struct AccountDTO: Encodable, Sendable {
    let id: Int64
    let username: String
    let displayName: String
    let role: String
    let area: String
    let facilityId: String?
    let disabled: Bool
    let createdAt: Date

    init(_ a: Account) {
        id = a.id
        username = a.username
        displayName = a.displayName
        role = a.role.rawValue
        area = a.scopeCode
        facilityId = a.facilityID
        disabled = a.disabled
        createdAt = a.createdAt
    }
}

struct NewAccountRequest: Decodable {
    let username: String
    let displayName: String
    let password: String
    let role: String
    let area: String
    let facilityId: String?
}

struct ListDTO<Item: Encodable & Sendable>: Encodable, Sendable {
    let items: [Item]
}
