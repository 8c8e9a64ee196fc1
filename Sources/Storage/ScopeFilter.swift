import Domain
import SQLKit

/// The one place that turns an account's area scope into SQL. Every store that returns rows carrying an
/// area code filters through `predicate`, and every single-record access checks `covers`, so no handler
/// has to remember the rule.
public struct ScopeFilter: Sendable {
    public let scopeCode: String

    public init(scopeCode: String) { self.scopeCode = scopeCode }
    public init(_ principal: Principal) { self.scopeCode = principal.scopeCode }

    /// `column IN (units under the scope)`, for a WHERE clause; `column` may be qualified ("d.commune_code").
    public func predicate(_ column: String) -> SQLQueryString {
        let parts = column.split(separator: ".", maxSplits: 1).map(String.init)
        let target = parts.count == 2 ? SQLColumn(parts[1], table: parts[0]) : SQLColumn(parts[0])
        return "\(target) IN (SELECT descendant FROM area_closure WHERE ancestor = \(bind: scopeCode))"
    }

    /// True when `areaCode` lies inside the scope (a unit is inside itself).
    public func covers(_ areaCode: String, on db: any SQLDatabase) async throws -> Bool {
        let rows = try await db.raw(
            "SELECT 1 AS hit FROM area_closure WHERE ancestor = \(bind: scopeCode) AND descendant = \(bind: areaCode)"
        ).all()
        return !rows.isEmpty
    }
}
