import Accounts
import Domain
import Foundation
import Geography
import Hummingbird
import Reporting

/// The lockdown zones page (`/zones`): the zones of the area with their state, the map they are drawn on, and for
/// officers who may, a form to record one — by ticking units, drawing on the map, or choosing a GeoJSON file — and a
/// form to lift one early.
struct ZonePages {
    let services: Services
    let pages: PageRenderer

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/zones") { request, context in try await show(request, context, errors: [], form: [:]) }
        router.post("/zones") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let f = context.form
            let units = f.keys.filter { $0.hasPrefix("unit_") }.map { String($0.dropFirst(5)) }
            let geoJSON = (f["geojson"]?.trimmedWhitespace).flatMap { $0.isEmpty ? nil : Data($0.utf8) }
            do {
                _ = try await services.zones.create(
                    NewLockdownZone(name: f["name"] ?? "", areaCode: f["areaCode"] ?? principal.scopeCode, unitCodes: units, geoJSON: geoJSON,
                                    validFrom: f["validFrom"] ?? "", validTo: (f["validTo"] ?? "").isEmpty ? nil : f["validTo"],
                                    decision: f["decision"] ?? "", note: f["note"]),
                    by: principal, trace: context.trace())
                return Response.redirect(to: "/zones?area=\(f["areaCode"] ?? principal.scopeCode)", type: .normal)
            } catch let failure as ValidationFailure {
                return try await show(request, context, errors: failure.errors, form: f, status: .unprocessableContent)
            }
        }
        router.post("/zones/{id}/lift") { request, context -> Response in
            let principal = try context.requirePrincipal()
            guard let id = Int64(try context.parameters.require("id")) else { throw NotFound("No such lockdown zone.") }
            let f = context.form
            do {
                let zone = try await services.zones.lift(id, lastDay: f["lastDay"] ?? "", reason: f["reason"] ?? "", by: principal, trace: context.trace())
                return Response.redirect(to: "/zones?area=\(zone.areaCode)", type: .normal)
            } catch let failure as ValidationFailure {
                return try await show(request, context, errors: failure.errors, form: [:], status: .unprocessableContent)
            }
        }
    }

    private func show(_ request: Request, _ context: SentinelContext, errors: [FieldError], form: [String: String],
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let principal = try context.requirePrincipal()
        let today = LocalDay.string(Date())
        let areaCode = request.uri.queryParameters.get("area") ?? principal.scopeCode
        let unit = try await services.statistics.area(areaCode, for: principal, trace: context.trace())
        let zones = try await services.zones.list(for: principal, area: unit.code, day: nil, today: today, trace: context.trace())
        let vintage = Statistics.vintage
        var names: [String: String] = [:]
        func name(_ code: String) async throws -> String {
            if let known = names[code] { return known }
            let found = try await services.areas.unit(code: code, vintage: vintage)?.name ?? code
            names[code] = found
            return found
        }
        var rows: [[String: Any]] = []
        for zone in zones {
            var unitNames: [String] = []
            for code in zone.unitCodes { unitNames.append(try await name(code)) }
            let state = zone.validFrom > today ? "coming" : zone.inForce(on: today) ? "in_force" : "ended"
            if zone.polygons != nil { unitNames.append(pages.text("zone_polygon", context)) }
            var row: [String: Any] = ["id": zone.id, "name": zone.name, "area": try await name(zone.areaCode), "units": unitNames.joined(separator: "; "),
                                      "from": zone.validFrom, "to": zone.validTo ?? pages.text("zone_open_ended", context), "decision": zone.decision,
                                      "state": pages.text("zone_state_" + state, context), "inForce": state == "in_force",
                                      "liftable": state != "ended" && principal.role.may(.manageZones)]
            // Absent keys, not empty strings: the template shows these lines only when there is something to say.
            if let note = zone.note { row["note"] = note }
            if let reason = zone.liftReason { row["lifted"] = pages.text("zone_lifted", context) + ": " + reason }
            rows.append(row)
        }
        // Units an officer may tick: the area's districts with their communes (or the area's communes).
        var groups: [[String: Any]] = []
        let ticked = Set(form.keys.filter { $0.hasPrefix("unit_") }.map { String($0.dropFirst(5)) })
        func choice(_ u: AreaUnit) -> [String: Any] { ["code": u.code, "name": u.name, "checked": ticked.contains(u.code)] }
        switch unit.level {
        case .province:
            for district in try await services.areas.children(of: unit.code, vintage: vintage) {
                groups.append(["district": choice(district), "communes": try await services.areas.children(of: district.code, vintage: vintage).map(choice)])
            }
        case .district:
            groups.append(["district": choice(unit), "communes": try await services.areas.children(of: unit.code, vintage: vintage).map(choice)])
        case .commune:
            groups.append(["district": choice(unit), "communes": [] as [Any]])
        }
        var areaChoices = [unit]
        if unit.level == .province { areaChoices += try await services.areas.children(of: unit.code, vintage: vintage) }
        let selectedArea = form["areaCode"] ?? unit.code
        let model: [String: Any] = [
            "areaCode": unit.code, "areaName": unit.name, "today": today,
            "zones": rows, "hasZones": !rows.isEmpty,
            "map": try await services.maps.render(.risk, unit: unit, day: today),
            "canManage": principal.role.may(.manageZones),
            "areaChoices": areaChoices.map { ["code": $0.code, "name": $0.name, "selected": $0.code == selectedArea] },
            "unitGroups": groups,
            "form": form, "errors": errors.map { ["field": $0.field, "reason": $0.reason] }, "hasErrors": !errors.isEmpty,
            "validFrom": form["validFrom"] ?? today,
        ]
        return pages.render("zones", title: pages.text("zones_title", context), model: model, context: context, request: request, status: status)
    }
}
