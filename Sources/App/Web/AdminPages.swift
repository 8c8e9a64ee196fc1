import Accounts
import Domain
import Foundation
import Hummingbird
import Storage

/// Account management and the audit log, for administrators, within their area.
struct AdminPages {
    let services: Services
    let pages: PageRenderer

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/admin/accounts") { request, context in try await accounts(request, context, notice: nil, errors: [], form: [:]) }
        router.post("/admin/accounts") { request, context in try await create(request, context) }
        router.post("/admin/accounts/{id}/disable") { request, context in try await setDisabled(true, request, context) }
        router.post("/admin/accounts/{id}/enable") { request, context in try await setDisabled(false, request, context) }
        router.get("/admin/audit") { request, context in try await audit(request, context) }
    }

    private func accounts(_ request: Request, _ context: SentinelContext, notice: String?, errors: [FieldError],
                          form: [String: String], status: HTTPResponse.Status = .ok) async throws -> Response {
        let principal = try context.requirePrincipal()
        let list = try await services.accounts.list(by: principal, trace: context.trace())
        let csrf = context.session?.csrfToken ?? ""
        let model: [String: Any] = [
            "accounts": list.map {
                ["id": $0.id, "username": $0.username, "displayName": $0.displayName, "roleLabel": pages.roleLabel($0.role, context.language),
                 "scopeCode": $0.scopeCode, "facility": $0.facilityID ?? "", "disabled": $0.disabled, "csrf": csrf] as [String: Any]
            },
            "roles": Role.allCases.map {
                ["value": $0.rawValue, "label": pages.roleLabel($0, context.language), "selected": form["role"] == $0.rawValue]
            },
            "form": form.filter { $0.key != "password" && $0.key != "_csrf" },
            "errors": errors.map { ["field": $0.field, "reason": $0.reason] },
            "hasErrors": !errors.isEmpty,
            "notice": notice as Any,
        ]
        return pages.render("accounts", title: pages.text("nav_accounts", context), model: model, context: context, request: request,
                            status: status)
    }

    private func create(_ request: Request, _ context: SentinelContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let form = context.form
        guard let role = Role(rawValue: form["role"] ?? "") else {
            return try await accounts(request, context, notice: nil, errors: [FieldError("role", "unknown role")], form: form,
                                      status: .unprocessableContent)
        }
        let new = NewAccount(username: form["username"] ?? "", displayName: form["displayName"] ?? "", password: form["password"] ?? "",
                             role: role, scopeCode: form["area"] ?? "",
                             facilityID: form["facility"].map(\.trimmedSpaces).flatMap { $0.isEmpty ? nil : $0 })
        do {
            _ = try await services.accounts.create(new, by: principal, trace: context.trace())
            return Response.redirect(to: "/admin/accounts?created=1", type: .normal)
        } catch let failure as ValidationFailure {
            return try await accounts(request, context, notice: nil, errors: failure.errors, form: form, status: .unprocessableContent)
        } catch is UsernameTaken {
            return try await accounts(request, context, notice: nil, errors: [FieldError("username", "already taken")], form: form,
                                      status: .conflict)
        }
    }

    private func setDisabled(_ disabled: Bool, _ request: Request, _ context: SentinelContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard let id = Int64(try context.parameters.require("id")) else { throw NotFound("no such account") }
        _ = try await services.accounts.setDisabled(id, disabled, by: principal, trace: context.trace())
        return Response.redirect(to: "/admin/accounts", type: .normal)
    }

    private func audit(_ request: Request, _ context: SentinelContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        try await services.gate.require(principal, .readAudit, entity: "audit_log", trace: context.trace())
        let filter = try AuditQuery.filter(from: request)
        let entries = try await services.audit.list(filter, scope: ScopeFilter(principal))
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        var model: [String: Any] = [
            "entries": entries.map {
                ["time": formatter.string(from: $0.at), "username": $0.username ?? "—", "role": $0.role ?? "", "action": $0.action,
                 "entity": $0.entity, "entityID": $0.entityID ?? "", "areaCode": $0.areaCode ?? "", "outcome": $0.outcome,
                 "route": $0.route ?? "", "requestID": $0.requestID ?? ""]
            },
            "filter": ["username": filter.username ?? "", "entity": filter.entity ?? "", "action": filter.action ?? ""],
        ]
        if entries.count == filter.limit, let last = entries.last?.id {
            var items = [URLQueryItem(name: "before", value: String(last))]
            for (name, value) in [("username", filter.username), ("entity", filter.entity), ("action", filter.action)] {
                if let value { items.append(URLQueryItem(name: name, value: value)) }
            }
            var components = URLComponents()
            components.path = "/admin/audit"
            components.queryItems = items
            model["nextPage"] = components.string ?? "/admin/audit"
        }
        return pages.render("audit", title: pages.text("nav_audit", context), model: model, context: context, request: request)
    }
}

/// The audit filter from query parameters, shared by the page and the API.
enum AuditQuery {
    static func filter(from request: Request) throws -> AuditFilter {
        let q = request.uri.queryParameters
        var filter = AuditFilter()
        var errors: [FieldError] = []
        func nonEmpty(_ name: String) -> String? { q.get(name).flatMap { $0.isEmpty ? nil : $0 } }
        filter.username = nonEmpty("username")
        filter.entity = nonEmpty("entity")
        filter.action = nonEmpty("action")
        let iso = ISO8601DateFormatter()
        if let from = nonEmpty("from") {
            if let date = iso.date(from: from) { filter.from = date } else { errors.append(FieldError("from", "an ISO 8601 instant")) }
        }
        if let to = nonEmpty("to") {
            if let date = iso.date(from: to) { filter.to = date } else { errors.append(FieldError("to", "an ISO 8601 instant")) }
        }
        if let limit = nonEmpty("limit") {
            if let n = Int(limit), (1...1000).contains(n) { filter.limit = n } else { errors.append(FieldError("limit", "1 to 1000")) }
        }
        if let before = nonEmpty("before") {
            if let n = Int64(before) { filter.beforeID = n } else { errors.append(FieldError("before", "an entry id")) }
        }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return filter
    }
}
