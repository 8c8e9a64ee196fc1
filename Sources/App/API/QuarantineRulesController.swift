import ContactTracing
import Domain
import Foundation
import Hummingbird

/// The quarantine rule table through the API: `GET /api/v1/quarantine-rules` (every rule, ended and withdrawn too),
/// `POST /api/v1/quarantine-rules` (a rule from a new document, optionally superseding one), `POST …/{id}/end`. The
/// book checks role, province scope and every field.
struct QuarantineRulesController {
    let services: Services

    struct EndBody: Decodable {
        let lastDay: String
        let reason: String
    }

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/api/v1/quarantine-rules") { _, context -> JSONResponse<ListDTO<QuarantineRuleEntry>> in
            JSONResponse(ListDTO(items: try await services.quarantineRules.list(for: try context.requirePrincipal(), trace: context.trace())))
        }
        router.post("/api/v1/quarantine-rules") { request, context -> JSONResponse<QuarantineRuleEntry> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(NewQuarantineRule.self, from: request, context: context)
            return JSONResponse(try await services.quarantineRules.add(body, by: principal, trace: context.trace()), status: .created)
        }
        router.post("/api/v1/quarantine-rules/{id}/end") { request, context -> JSONResponse<QuarantineRuleEntry> in
            let principal = try context.requirePrincipal()
            guard let id = Int64(try context.parameters.require("id")) else { throw NotFound("No such quarantine rule.") }
            let body = try await JSONBody.decode(EndBody.self, from: request, context: context)
            return JSONResponse(try await services.quarantineRules.end(id, lastDay: body.lastDay, reason: body.reason, by: principal,
                                                                       trace: context.trace()))
        }
    }
}
