import Accounts
import Domain
import Foundation
import Hummingbird
import Storage

/// Staff accounts, for administrators within their area.
struct AccountsController {
    let services: Services

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/api/v1/accounts") { _, context -> JSONResponse<ListDTO<AccountDTO>> in
            let principal = try context.requirePrincipal()
            let list = try await services.accounts.list(by: principal, trace: context.trace())
            return JSONResponse(ListDTO(items: list.map(AccountDTO.init)))
        }
        router.post("/api/v1/accounts") { request, context -> JSONResponse<AccountDTO> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(NewAccountRequest.self, from: request, context: context)
            guard let role = Role(rawValue: body.role) else {
                throw ValidationFailure([FieldError("role", "one of: " + Role.allCases.map(\.rawValue).joined(separator: ", "))])
            }
            let account = try await services.accounts.create(
                NewAccount(username: body.username, displayName: body.displayName, password: body.password, role: role,
                           scopeCode: body.area, facilityID: body.facilityId),
                by: principal, trace: context.trace())
            return JSONResponse(AccountDTO(account), status: .created)
        }
        router.get("/api/v1/accounts/{id}") { _, context -> JSONResponse<AccountDTO> in
            let principal = try context.requirePrincipal()
            let account = try await services.accounts.get(try id(context), by: principal, trace: context.trace())
            return JSONResponse(AccountDTO(account))
        }
        router.post("/api/v1/accounts/{id}/disable") { _, context -> JSONResponse<AccountDTO> in
            let principal = try context.requirePrincipal()
            return JSONResponse(AccountDTO(try await services.accounts.setDisabled(try id(context), true, by: principal, trace: context.trace())))
        }
        router.post("/api/v1/accounts/{id}/enable") { _, context -> JSONResponse<AccountDTO> in
            let principal = try context.requirePrincipal()
            return JSONResponse(AccountDTO(try await services.accounts.setDisabled(try id(context), false, by: principal, trace: context.trace())))
        }
    }

    private func id(_ context: SentinelContext) throws -> Int64 {
        guard let id = Int64(try context.parameters.require("id")) else { throw NotFound("no such account") }
        return id
    }
}

/// The audit log, newest first, for administrators within their area.
struct AuditController {
    let services: Services

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/api/v1/audit") { request, context -> JSONResponse<ListDTO<AuditEntry>> in
            let principal = try context.requirePrincipal()
            try await services.gate.require(principal, .readAudit, entity: "audit_log", trace: context.trace())
            let filter = try AuditQuery.filter(from: request)
            return JSONResponse(ListDTO(items: try await services.audit.list(filter, scope: ScopeFilter(principal))))
        }
    }
}
