import Domain
import Foundation
import Geography
import Hummingbird

/// The area browser: province → districts → communes, with populations and the 2025 successors.
struct AreaPages {
    let services: Services
    let pages: PageRenderer

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/areas") { request, context in try await show(nil, request, context) }
        router.get("/areas/{code}") { request, context in
            try await show(try context.parameters.require("code"), request, context)
        }
    }

    private func show(_ code: String?, _ request: Request, _ context: SentinelContext) async throws -> Response {
        _ = try context.requirePrincipal()
        let vintages = try await services.areas.vintages()
        let requested = request.uri.queryParameters.get("vintage") ?? services.config.vintage
        guard vintages.contains(requested) else { throw NotFound("unknown vintage \(requested)") }
        var model: [String: Any] = [
            "vintage": requested,
            "vintages": vintages.map { ["value": $0, "selected": $0 == requested] },
            "formAction": code.map { "/areas/\($0)" } ?? "/areas",
        ]
        var heading = pages.text("areas_title", context)
        if let code {
            guard AreaCode.isWellFormed(code), let unit = try await services.areas.unit(code: code, vintage: requested) else {
                throw NotFound("no unit \(code) in \(requested)")
            }
            heading = unit.name
            var unitModel: [String: Any] = ["code": unit.code, "name": unit.name, "type": unit.type]
            if let figure = try await services.areas.population(of: code).first {
                unitModel["population"] = ["formatted": Self.grouped(figure.population), "year": figure.year, "source": figure.source]
            }
            model["unit"] = unitModel
            model["ancestors"] = try await services.areas.ancestors(of: code, vintage: requested).map {
                ["code": $0.code, "name": $0.name, "vintage": requested]
            }
            if requested == "2021", unit.level == .commune {
                var successors: [[String: String]] = []
                for s in try await services.areas.successors2021To202507(code) {
                    let name = try await services.areas.unit(code: s.newCode, vintage: "2025-07")?.name ?? ""
                    successors.append(["newCode": s.newCode, "newName": name, "note": s.note])
                }
                model["successors"] = successors
                model["hasSuccessors"] = !successors.isEmpty
            }
        }
        let children = try await services.areas.children(of: code, vintage: requested)
        var rows: [[String: Any]] = []
        for child in children {
            let population = try await services.areas.population(of: child.code).first.map { Self.grouped($0.population) } ?? "—"
            rows.append(["code": child.code, "name": child.name, "type": child.type, "vintage": requested, "population": population])
        }
        model["children"] = rows
        model["hasChildren"] = !rows.isEmpty
        model["childrenHeading"] = pages.text(children.first?.level == .district ? "children_districts" : "children_communes", context)
        model["heading"] = heading
        return pages.render("areas", title: heading, model: model, context: context, request: request)
    }

    /// 3097107 → "3.097.107", as Vietnamese readers group digits.
    static func grouped(_ value: Int64) -> String {
        let digits = Array(String(value))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(".") }
            out.append(d)
        }
        return out
    }
}
