import Accounts
import CheckIn
import Domain
import Foundation
import Hummingbird
import People

/// The citizen's health declaration form (public) and the commune health station's follow-up queue.
struct DeclarationPages {
    let services: Services
    let pages: PageRenderer

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/khai-bao") { request, context in try await form(request, context, receipt: nil, errors: []) }
        router.post("/khai-bao") { request, context -> Response in
            let f = context.form
            let submission = DeclarationSubmission(
                clientId: f["clientId"] ?? "", person: PersonClaim(idNumber: f["idNumber"], phone: f["phone"], name: f["name"]),
                communeCode: f["communeCode"] ?? "", symptoms: Symptom.allCases.filter { f["symptom_" + $0.rawValue] != nil },
                exposures: Exposure.allCases.filter { f["exposure_" + $0.rawValue] != nil }, travel: f["travel"].flatMap { $0.isEmpty ? nil : $0 })
            do {
                let receipt = try await services.declarations.submit(submission)
                let message = pages.text(receipt.flagged ? "declare_flagged" : "declare_done", context)
                return try await form(request, context, receipt: (message, !receipt.flagged), errors: [], status: receipt.duplicate ? .ok : .created)
            } catch let failure as ValidationFailure {
                return try await form(request, context, receipt: nil, errors: failure.errors, status: .unprocessableContent)
            }
        }
        router.get("/declarations") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let entries = try await services.declarations.queue(by: principal, trace: context.trace(purpose: "follow-up queue"))
            let formatter = DateFormatter()
            formatter.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
            formatter.dateFormat = "HH:mm dd/MM"
            let csrf = context.session?.csrfToken ?? ""
            let actions = [FollowUp.called, .referred, .noAction]
            let model: [String: Any] = ["entries": entries.map { e in
                ["id": e.id, "time": formatter.string(from: e.submittedAt), "name": e.name, "phone": e.phone ?? "", "communeCode": e.communeCode,
                 "reasons": e.reasons.joined(separator: ", "),
                 "actions": actions.map { ["id": e.id, "value": $0.rawValue, "label": pages.text("followup_" + $0.rawValue, context), "csrf": csrf] }]
                    as [String: Any]
            }]
            return pages.render("queue", title: pages.text("queue_title", context), model: model, context: context, request: request)
        }
        // The table of seed 001: declarants and flagged declarations per district on a day.
        router.get("/declarations/counts") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let day = request.uri.queryParameters.get("date").flatMap { $0.isEmpty ? nil : $0 } ?? DeclarationStore.localDay(Date())
            guard day.count == 10, ISO8601DateFormatter.day.date(from: day) != nil else {
                throw ValidationFailure([FieldError("date", "a day as YYYY-MM-DD")])
            }
            let counts = try await services.declarations.counts(day: day, by: principal, trace: context.trace())
            var rows: [[String: Any]] = []
            for c in counts {
                let name = try await services.areas.unit(code: c.areaCode, vintage: "2021")?.name ?? c.areaCode
                rows.append(["code": c.areaCode, "name": name, "declarants": c.declarants, "flagged": c.flagged])
            }
            let model: [String: Any] = [
                "date": day, "rows": rows,
                "totalDeclarants": counts.reduce(0) { $0 + $1.declarants }, "totalFlagged": counts.reduce(0) { $0 + $1.flagged },
            ]
            return pages.render("counts", title: pages.text("counts_title", context), model: model, context: context, request: request)
        }
        for status in [FollowUp.called, .referred, .noAction] {
            router.post("/declarations/{id}/\(status.rawValue)") { _, context -> Response in
                let principal = try context.requirePrincipal()
                guard let id = Int64(try context.parameters.require("id")) else { throw NotFound("no such declaration") }
                try await services.declarations.setFollowUp(id, status, by: principal, trace: context.trace())
                return Response.redirect(to: "/declarations", type: .normal)
            }
        }
    }

    private func form(_ request: Request, _ context: SentinelContext, receipt: (String, Bool)?, errors: [FieldError],
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let csrf = FormToken.token(request, context)
        var model: [String: Any] = [
            "csrf": csrf, "clientId": UUID().uuidString,
            "symptoms": Symptom.allCases.map { ["value": $0.rawValue, "label": pages.text("symptom_" + $0.rawValue, context)] },
            "exposures": Exposure.allCases.map { ["value": $0.rawValue, "label": pages.text("exposure_" + $0.rawValue, context)] },
            "errors": errors.map { ["field": $0.field, "reason": $0.reason] }, "hasErrors": !errors.isEmpty,
            "communeGroups": try await CommuneChoices(areas: services.areas, vintage: services.config.vintage).model(),
        ]
        if let (message, ok) = receipt { model["receipt"] = message; model["receiptClass"] = ok ? "notice" : "alert" }
        var response = pages.render("declare", title: pages.text("declare_title", context), model: model, context: context,
                                    request: request, status: status)
        FormToken.attach(csrf, to: &response, context: context, secure: services.config.secureCookies)
        return response
    }
}
