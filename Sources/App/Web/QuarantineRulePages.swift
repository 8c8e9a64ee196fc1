import Accounts
import ContactTracing
import Domain
import Foundation
import Hummingbird

/// The quarantine rules page (`/quarantine-rules`): the table every planned end of quarantine is computed from, with
/// each rule's document and state; for the provincial CDC, a form to enter a new document's rule (and the rule it
/// replaces) and a form on each rule to end or withdraw it.
struct QuarantineRulePages {
    let services: Services
    let pages: PageRenderer

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/quarantine-rules") { request, context in try await show(request, context, errors: [], form: [:]) }
        router.post("/quarantine-rules") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let f = context.form
            // Unknown choices become refusals naming the field, not a crash: the book validates the rest.
            guard let classification = f["classification"].flatMap(Classification.init(rawValue:)),
                  let setting = f["setting"].flatMap(QuarantineSetting.init(rawValue:)),
                  let vaccinated = f["vaccinated"].flatMap(QuarantineRule.Vaccination.init(rawValue:)),
                  let days = f["days"].flatMap({ Int($0.trimmedWhitespace) }) else {
                return try await show(request, context, errors: [FieldError("rule", "choose the class, setting and vaccination, and give the days as a number")],
                                      form: f, status: .unprocessableContent)
            }
            let rule = QuarantineRule(classification: classification, setting: setting, vaccinated: vaccinated, days: days,
                                      effectiveFrom: f["effectiveFrom"] ?? "", effectiveTo: (f["effectiveTo"] ?? "").isEmpty ? nil : f["effectiveTo"],
                                      document: f["document"] ?? "")
            return try await attempt(request, context, form: f) {
                _ = try await services.quarantineRules.add(NewQuarantineRule(rule, supersedes: f["supersedes"].flatMap { Int64($0) }),
                                                           by: principal, trace: context.trace())
            }
        }
        router.post("/quarantine-rules/{id}/end") { request, context -> Response in
            let principal = try context.requirePrincipal()
            guard let id = Int64(try context.parameters.require("id")) else { throw NotFound("No such quarantine rule.") }
            let f = context.form
            return try await attempt(request, context, form: [:]) {
                _ = try await services.quarantineRules.end(id, lastDay: f["lastDay"] ?? "", reason: f["reason"] ?? "", by: principal, trace: context.trace())
            }
        }
    }

    /// Runs a change and goes back to the list; a refusal (bad fields, an overlap, a late end) shows the page again with it.
    private func attempt(_ request: Request, _ context: SentinelContext, form: [String: String], _ change: () async throws -> Void) async throws -> Response {
        do {
            try await change()
            return Response.redirect(to: "/quarantine-rules", type: .normal)
        } catch let failure as ValidationFailure {
            return try await show(request, context, errors: failure.errors, form: form, status: .unprocessableContent)
        } catch let conflict as any ConflictingState {
            return try await show(request, context, errors: [FieldError("rule", conflict.detail)], form: form, status: .conflict)
        }
    }

    private func show(_ request: Request, _ context: SentinelContext, errors: [FieldError], form: [String: String],
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let principal = try context.requirePrincipal()
        let today = LocalDay.string(Date())
        let rules = try await services.quarantineRules.list(for: principal, trace: context.trace())
        let canManage = principal.role.may(.manageQuarantineRules) && AreaCode.level(of: principal.scopeCode) == .province
        func kind(_ rule: QuarantineRuleEntry) -> [String: Any] {
            ["classification": rule.classification.rawValue, "setting": pages.text("quarantine_" + rule.setting.rawValue, context),
             "vaccinated": pages.text("qrules_vaccinated_" + rule.vaccinated.rawValue, context)]
        }
        let rows: [[String: Any]] = rules.map { rule in
            let state = rule.state(on: today)
            var row = kind(rule).merging([
                "id": rule.id, "days": rule.days, "from": rule.effectiveFrom, "to": rule.effectiveTo ?? pages.text("qrules_open_ended", context),
                "document": rule.document, "state": pages.text("qrules_state_" + state.rawValue, context), "inForce": state == .inForce,
                "endable": canManage && state != .withdrawn,
                "entered": rule.createdAt.map { CasePages.clock($0) } ?? pages.text("qrules_shipped", context),
            ]) { a, _ in a }
            if let reason = rule.endReason { row["endReason"] = reason }
            return row
        }
        let supersedable = rules.filter { !$0.withdrawn }.map { rule -> [String: Any] in
            ["id": rule.id, "label": "#\(rule.id) \(rule.classification.rawValue) · \(pages.text("quarantine_" + rule.setting.rawValue, context)) · "
                + "\(pages.text("qrules_vaccinated_" + rule.vaccinated.rawValue, context)) · \(rule.days) · \(rule.effectiveFrom)",
             "selected": form["supersedes"] == String(rule.id)]
        }
        func choices(_ values: [String], _ key: String, label: (String) -> String) -> [[String: Any]] {
            values.map { ["value": $0, "label": label($0), "selected": form[key] == $0] }
        }
        let model: [String: Any] = [
            "today": today, "rules": rows, "canManage": canManage,
            "classes": choices(["F1", "F2"], "classification") { $0 },
            "settings": choices(QuarantineSetting.allCases.map(\.rawValue), "setting") { pages.text("quarantine_" + $0, context) },
            "vaccinations": choices(["any", "yes", "no"], "vaccinated") { pages.text("qrules_vaccinated_" + $0, context) },
            "supersedable": supersedable,
            "form": form, "errors": errors.map { ["field": $0.field, "reason": $0.reason] }, "hasErrors": !errors.isEmpty,
            "effectiveFrom": form["effectiveFrom"] ?? today,
        ]
        return pages.render("quarantinerules", title: pages.text("qrules_title", context), model: model, context: context, request: request,
                            status: status)
    }
}
