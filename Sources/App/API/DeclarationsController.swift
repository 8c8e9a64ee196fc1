import Accounts
import CheckIn
import Domain
import Foundation
import Hummingbird

/// Health declarations: the citizen's submission (public), the commune station's queue and follow-up, daily counts.
struct DeclarationsController {
    let services: Services

    struct FollowUpRequest: Decodable { let status: String }

    func register(on router: some RouterMethods<SentinelContext>) {
        router.post("/api/v1/declarations") { request, context -> JSONResponse<DeclarationReceipt> in
            let submission = try await JSONBody.decode(DeclarationSubmission.self, from: request, context: context)
            let receipt = try await services.declarations.submit(submission)
            return JSONResponse(receipt, status: receipt.duplicate ? .ok : .created)
        }
        router.get("/api/v1/declarations/queue") { _, context -> JSONResponse<ListDTO<QueueEntry>> in
            let principal = try context.requirePrincipal()
            return JSONResponse(ListDTO(items: try await services.declarations.queue(by: principal, trace: context.trace(purpose: "follow-up queue"))))
        }
        router.post("/api/v1/declarations/{id}/follow-up") { request, context -> Response in
            let principal = try context.requirePrincipal()
            guard let id = Int64(try context.parameters.require("id")) else { throw NotFound("no such declaration") }
            let body = try await JSONBody.decode(FollowUpRequest.self, from: request, context: context)
            guard let status = FollowUp(rawValue: body.status), status != .pending else {
                throw ValidationFailure([FieldError("status", "called, referred or no_action")])
            }
            try await services.declarations.setFollowUp(id, status, by: principal, trace: context.trace())
            return Response(status: .noContent)
        }
        router.get("/api/v1/declarations/counts") { request, context -> JSONResponse<ListDTO<DeclarationCount>> in
            let principal = try context.requirePrincipal()
            let day = request.uri.queryParameters.get("date") ?? DeclarationStore.localDay(Date())
            guard day.count == 10, ISO8601DateFormatter.day.date(from: day) != nil else {
                throw ValidationFailure([FieldError("date", "a day as YYYY-MM-DD")])
            }
            return JSONResponse(ListDTO(items: try await services.declarations.counts(day: day, by: principal, trace: context.trace())))
        }
    }
}

extension ISO8601DateFormatter {
    static var day: ISO8601DateFormatter {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate]
        return f
    }
}
