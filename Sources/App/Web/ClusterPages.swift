import Accounts
import ContactTracing
import Domain
import Foundation
import Hummingbird

/// Clusters (ổ dịch) in the browser: the area's list with a form to open one, and a cluster's page — its facts, its
/// cases (those in the reader's area), the transmission chain around its index case, adding cases by number, and
/// recording the day it ended. A case's page links to its cluster and can add the case to one.
struct ClusterPages {
    let services: Services
    let pages: PageRenderer

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/clusters") { request, context in try await list(request, context, errors: [], form: [:]) }
        router.post("/clusters") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let f = context.form
            do {
                let ids = try Self.caseIDs(f["caseIds"] ?? "")
                let cluster = try await services.clusters.create(
                    NewCluster(name: f["name"] ?? "", communeCode: f["communeCode"] ?? "", place: f["place"] ?? "",
                               indexCaseId: try Self.optionalID(f["indexCaseId"], field: "indexCaseId"), startedOn: f["startedOn"] ?? "",
                               caseIds: ids),
                    by: principal, trace: context.trace())
                return Response.redirect(to: "/clusters/\(cluster.id)", type: .normal)
            } catch let failure as ValidationFailure {
                return try await list(request, context, errors: failure.errors, form: f, status: .unprocessableContent)
            }
        }
        router.get("/clusters/{id}") { request, context in try await show(request, context, errors: []) }
        router.post("/clusters/{id}/cases") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let id = try CasesController.id(context)
            let f = context.form
            do {
                _ = try await services.clusters.add(try Self.caseIDs(f["caseIds"] ?? ""), to: id, by: principal, trace: context.trace())
                // From a case's page, back to it; otherwise to the cluster.
                if let back = f["back"].flatMap(Int64.init) { return Response.redirect(to: "/cases/\(back)", type: .normal) }
                return Response.redirect(to: "/clusters/\(id)", type: .normal)
            } catch let failure as ValidationFailure {
                return try await show(request, context, errors: failure.errors, status: .unprocessableContent)
            }
        }
        router.post("/clusters/{id}/end") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let id = try CasesController.id(context)
            let day = (context.form["endedOn"] ?? "").trimmedWhitespace
            do {
                _ = try await services.clusters.end(id, on: day.isEmpty ? nil : day, by: principal, trace: context.trace())
                return Response.redirect(to: "/clusters/\(id)", type: .normal)
            } catch let failure as ValidationFailure {
                return try await show(request, context, errors: failure.errors, status: .unprocessableContent)
            }
        }
    }

    /// "12, 15 18" → [12, 15, 18]; anything else in the list is named.
    static func caseIDs(_ text: String) throws -> [Int64] {
        let parts = text.split { $0 == "," || $0 == ";" || $0.isWhitespace }
        let bad = parts.filter { Int64($0) == nil || Int64($0)! <= 0 }
        guard bad.isEmpty else { throw ValidationFailure([FieldError("caseIds", "case numbers separated by commas; not: " + bad.prefix(5).joined(separator: ", "))]) }
        return parts.compactMap { Int64($0) }
    }

    static func optionalID(_ text: String?, field: String) throws -> Int64? {
        guard let text = text?.trimmedWhitespace, !text.isEmpty else { return nil }
        guard let id = Int64(text), id > 0 else { throw ValidationFailure([FieldError(field, "a case number")]) }
        return id
    }

    private func communeName(_ code: String) async throws -> String {
        try await services.areas.unit(code: code, vintage: services.config.vintage)?.name ?? code
    }

    private func list(_ request: Request, _ context: SentinelContext, errors: [FieldError], form: [String: String],
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let principal = try context.requirePrincipal()
        var rows: [[String: Any]] = []
        for cluster in try await services.clusters.list(by: principal, trace: context.trace()) {
            var row: [String: Any] = ["id": cluster.id, "name": cluster.name, "place": cluster.place, "commune": try await communeName(cluster.communeCode),
                                      "startedOn": cluster.startedOn, "cases": cluster.caseIds.count, "open": cluster.endedOn == nil]
            if let ended = cluster.endedOn { row["endedOn"] = ended }
            if let index = cluster.indexCaseId { row["indexCaseId"] = index }
            rows.append(row)
        }
        let model: [String: Any] = [
            "clusters": rows, "canManage": principal.role.may(.manageCases),
            "communeGroups": try await CommuneChoices(areas: services.areas, vintage: services.config.vintage).model(selected: form["communeCode"]),
            "form": form, "startedOn": form["startedOn"] ?? LocalDay.string(Date()),
            "errors": errors.map { ["field": $0.field, "reason": $0.reason] }, "hasErrors": !errors.isEmpty,
        ]
        return pages.render("clusters", title: pages.text("clusters_title", context), model: model, context: context, request: request, status: status)
    }

    private func show(_ request: Request, _ context: SentinelContext, errors: [FieldError], status: HTTPResponse.Status = .ok) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try CasesController.id(context)
        let t = { (key: String) in pages.text(key, context) }
        let cluster = try await services.clusters.get(id, by: principal, trace: context.trace(purpose: "cluster page"))
        var filter = CaseFilter()
        filter.clusterId = id
        filter.limit = 5000
        let members = try await services.cases.list(filter, by: principal, trace: context.trace(purpose: "cluster page"))
        var chainSVG: String?
        if let index = cluster.indexCaseId {
            let chain = try await services.cases.chain(index, by: principal, trace: context.trace(purpose: "cluster page"))
            if chain.nodes.count > 1 { chainSVG = ChainDiagram.svg(chain, highlight: index, title: "\(t("chain")) — \(cluster.name)") }
        }
        var counts: [String: Int] = [:]
        for member in members { counts[member.classification.rawValue, default: 0] += 1 }
        var model: [String: Any] = [
            "cluster": ["id": cluster.id, "name": cluster.name, "place": cluster.place, "commune": try await communeName(cluster.communeCode),
                        "startedOn": cluster.startedOn, "endedOn": cluster.endedOn ?? "", "open": cluster.endedOn == nil],
            "members": members.map { m in
                ["id": m.id, "name": m.fullName, "birthYear": m.birthYear.map(String.init) ?? "", "classification": m.classification.rawValue,
                 "communeCode": m.communeCode, "reportedOn": m.reportedOn, "index": m.id == cluster.indexCaseId,
                 "severity": m.severity.map { t("severity_" + $0.rawValue) } ?? ""] as [String: Any]
            },
            "summary": Classification.allCases.compactMap { c in counts[c.rawValue].map { "\(c.rawValue): \($0)" } }.joined(separator: " · "),
            "hidden": cluster.caseIds.count - members.count,
            "canManage": principal.role.may(.manageCases), "endValue": cluster.endedOn ?? LocalDay.string(Date()),
            "errors": errors.map { ["field": $0.field, "reason": $0.reason] }, "hasErrors": !errors.isEmpty,
        ]
        if let chainSVG { model["chainSVG"] = chainSVG }
        if let index = cluster.indexCaseId { model["indexCaseId"] = index }
        return pages.render("cluster", title: "\(t("cluster")) — \(cluster.name)", model: model, context: context, request: request, status: status)
    }
}
