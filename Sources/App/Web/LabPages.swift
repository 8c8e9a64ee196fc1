import Accounts
import Domain
import Foundation
import Hummingbird
import Laboratory

/// The laboratory's workbench in the browser: receive tubes by scanning them, enter a tube's result, import an
/// instrument's file, correct a result with its reason — each answered on the same page — and the worklist of tubes
/// still waiting, oldest first. Forms post without script; only the file upload uses a little (it reads the file).
struct LabPages {
    let services: Services
    let pages: PageRenderer

    /// Gene targets offered for Ct values (E and N for most kits, ORF1ab and RdRp for the others).
    static let targets = ["E", "N", "ORF1ab", "RdRp"]

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/lab") { request, context in try await show(request, context) }
        router.post("/lab/receive") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let tubes = (context.form["tubes"] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            guard !tubes.isEmpty else { return try await show(request, context, errors: [FieldError("tubes", "scan at least one tube")]) }
            let outcomes = try await services.lab.receive(tubes, by: principal, trace: context.trace())
            return try await show(request, context, outcome: ["heading": pages.text("lab_received", context), "rows": rows(outcomes, context)])
        }
        router.post("/lab/result") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let f = context.form
            let tube = (f["tube"] ?? "").trimmingCharacters(in: .whitespaces)
            do {
                let (result, ct) = try Self.resultFields(f)
                let tests = try await services.lab.record(ResultInput(result: result, ct: ct, operator: Self.optional(f["operator"])), for: tube,
                                                          by: principal, trace: context.trace())
                return try await show(request, context, outcome: [
                    "heading": pages.text("lab_recorded", context) + " " + tube,
                    "rows": tests.map { ["tube": tube, "status": pages.text("results_outcome_\($0.outcome.rawValue)", context), "reason": "#\($0.personId)"] },
                ])
            } catch let failure as ValidationFailure {
                return try await show(request, context, errors: failure.errors, form: f)
            } catch let missing as any MissingRecord {
                return try await show(request, context, errors: [FieldError("tube", missing.detail)], form: f)
            } catch let conflict as any ConflictingState {
                return try await show(request, context, errors: [FieldError("tube", conflict.detail)], form: f)
            }
        }
        router.post("/lab/correct") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let f = context.form
            let tube = (f["tube"] ?? "").trimmingCharacters(in: .whitespaces)
            do {
                let (result, ct) = try Self.resultFields(f)
                let done = try await services.lab.correct(CorrectionInput(result: result, ct: ct, operator: Self.optional(f["operator"]), reason: f["reason"] ?? ""),
                                                          for: tube, by: principal, trace: context.trace())
                let t = { (key: String) in pages.text(key, context) }
                var lines = [t("lab_correction_people") + ": " + done.tests.map { t("results_outcome_\($0.outcome.rawValue)") }.joined(separator: ", ")]
                if !done.casesConfirmed.isEmpty { lines.append(t("lab_correction_confirmed") + ": " + done.casesConfirmed.map { "#\($0)" }.joined(separator: ", ")) }
                if !done.casesWithdrawn.isEmpty { lines.append(t("lab_correction_withdrawn") + ": " + done.casesWithdrawn.map { "#\($0)" }.joined(separator: ", ")) }
                if !done.confirmationsMoved.isEmpty { lines.append(t("lab_correction_moved") + ": " + done.confirmationsMoved.map { "#\($0)" }.joined(separator: ", ")) }
                if !done.certificatesRevoked.isEmpty { lines.append(t("lab_correction_revoked") + ": \(done.certificatesRevoked.count)") }
                return try await show(request, context, outcome: [
                    "heading": "\(t("lab_corrected")) \(tube): \(t("lab_outcome_\(done.previous.rawValue)")) → \(t("lab_outcome_\(done.result.rawValue)"))",
                    "lines": lines,
                ])
            } catch let failure as ValidationFailure {
                return try await show(request, context, errors: failure.errors, form: f, correcting: true)
            } catch let missing as any MissingRecord {
                return try await show(request, context, errors: [FieldError("tube", missing.detail)], form: f, correcting: true)
            } catch let conflict as any ConflictingState {
                return try await show(request, context, errors: [FieldError("tube", conflict.detail)], form: f, correcting: true)
            }
        }
        // The upload's script posts the file's text here (JSON, with the session's CSRF token); the answer is a row each.
        router.post("/lab/import") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(ImportRequest.self, from: request, context: context)
            let trace = context.trace()
            let outcomes = switch body.format {
            case "hl7": try await services.lab.importHL7(body.text, by: principal, trace: trace)
            case "csv": try await services.lab.importCSV(body.text, by: principal, trace: trace)
            default: try await services.lab.importInstrumentFile(body.text, by: principal, trace: trace)
            }
            return try JSONResponse(LabController.Outcomes(results: outcomes)).response(from: request, context: context)
        }
    }

    struct ImportRequest: Decodable {
        let text: String
        let format: String?
    }

    static func optional(_ value: String?) -> String? {
        let trimmed = value?.trimmingCharacters(in: .whitespaces) ?? ""
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The result and Ct values of a form (decimal comma accepted, as typed on a Vietnamese keyboard).
    static func resultFields(_ f: [String: String]) throws -> (LabOutcome, [CtValue]) {
        var errors: [FieldError] = []
        let result = LabOutcome(rawValue: f["result"] ?? "")
        if result == nil { errors.append(FieldError("result", "positive, negative or invalid")) }
        var ct: [CtValue] = []
        for target in targets {
            guard let text = optional(f["ct_\(target)"]) else { continue }
            if let value = Double(text.replacingOccurrences(of: ",", with: ".")), value.isFinite {
                ct.append(CtValue(target: target, value: value))
            } else {
                errors.append(FieldError("ct_\(target)", "a number such as 24.5"))
            }
        }
        guard errors.isEmpty, let result else { throw ValidationFailure(errors) }
        return (result, ct)
    }

    func rows(_ outcomes: [TubeOutcome], _ context: SentinelContext) -> [[String: String]] {
        outcomes.map { ["tube": $0.tubeBarcode, "status": pages.text("lab_status_\($0.status)", context), "reason": $0.reason ?? "",
                        "refused": $0.status == "refused" ? "yes" : ""] }
    }

    private func show(_ request: Request, _ context: SentinelContext, errors: [FieldError] = [], form: [String: String] = [:],
                      correcting: Bool = false, outcome: [String: Any]? = nil) async throws -> Response {
        let principal = try context.requirePrincipal()
        try await services.gate.require(principal, .recordResults, entity: "sample", trace: context.trace())
        let trace = context.trace()
        let (waiting, total) = try await services.lab.waiting(by: principal, trace: trace)
        let corrections = try await services.lab.recentCorrections(by: principal, trace: trace)
        let now = Date()
        let t = { (key: String) in pages.text(key, context) }
        let model: [String: Any] = [
            "targets": Self.targets.map { target in ["target": target, "value": correcting ? "" : form["ct_\(target)"] ?? ""] },
            "correctTargets": Self.targets.map { target in ["target": target, "value": correcting ? form["ct_\(target)"] ?? "" : ""] },
            "results": LabOutcome.allCases.map { ["value": $0.rawValue, "label": t("lab_outcome_\($0.rawValue)")] },
            "hasErrors": !errors.isEmpty, "errors": errors.map { ["field": $0.field, "reason": $0.reason] },
            "form": correcting ? [:] : form, "correctForm": correcting ? form : [:],
            "outcome": (outcome ?? [:]).merging([
                "hasRows": !((outcome?["rows"] as? [[String: String]]) ?? []).isEmpty,
                "hasLines": !((outcome?["lines"] as? [String]) ?? []).isEmpty,
            ]) { a, _ in a },
            "hasOutcome": outcome != nil,
            "waiting": waiting.map { tube -> [String: Any] in
                ["tube": tube.tubeBarcode, "status": t("lab_status_\(tube.status.rawValue)"), "people": tube.people, "pooled": tube.pooled,
                 "method": t("results_method_\(tube.method.rawValue)"), "collected": LocalDay.clock(tube.collectedAt),
                 "hours": Int(now.timeIntervalSince(tube.collectedAt) / 3600), "late": now.timeIntervalSince(tube.collectedAt) > 24 * 3600]
            },
            "waitingTotal": total, "hasWaiting": !waiting.isEmpty,
            "corrections": corrections.map { entry -> [String: Any] in
                ["tube": entry.tubeBarcode, "previous": t("lab_outcome_\(entry.previous)"), "result": t("lab_outcome_\(entry.result)"),
                 "reason": entry.reason, "when": LocalDay.clock(entry.correctedAt)]
            },
            "hasCorrections": !corrections.isEmpty,
            "stats": try await LabStatsSection(services: services, pages: pages).model(request, context, principal: principal),
        ]
        return pages.render("lab", title: t("lab_title"), model: model, context: context, request: request,
                            status: errors.isEmpty ? .ok : .unprocessableContent)
    }
}
