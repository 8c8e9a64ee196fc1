import Accounts
import CheckIn
import Codes
import Domain
import Foundation
import Hummingbird

/// Road checkpoints in the browser: the fast entry page (USB scanner fills identity from a personal QR), the printed
/// slip, the public check of a slip, and the destination's page of arrivals with its downloads.
struct TravelPages {
    let services: Services
    let pages: PageRenderer

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/checkpoint") { request, context -> Response in
            let principal = try context.requirePrincipal()
            try await services.gate.require(principal, .declareTravel, entity: "travel_declaration", trace: context.trace())
            let checkpoints = try await services.travel.checkpoints(in: principal.scopeCode)
            let today = LocalDay.start(LocalDay.string(Date())) ?? Date()
            var recent: [[String: Any]] = []
            for crossing in try await services.travel.recent(at: checkpoints.map(\.id), since: today) {
                let destination = try await services.database.read { try await TravelStore.placeName(crossing.destination, on: $0) }
                recent.append(["code": crossing.slipCode, "time": String(LocalDay.clock(crossing.crossedAt).suffix(5)),
                               "plate": VehiclePlate.display(crossing.plate), "people": crossing.people,
                               "direction": pages.text("travel_direction_" + crossing.direction, context),
                               "destination": destination])
            }
            let model: [String: Any] = [
                "recent": recent, "hasRecent": !recent.isEmpty,
                "checkpoints": checkpoints.map { ["id": $0.id, "name": $0.name, "road": $0.road ?? ""] },
                "hasCheckpoints": !checkpoints.isEmpty,
                "places": try await places(),
                "directions": TravelDirection.allCases.map { ["value": $0.rawValue, "label": pages.text("travel_direction_" + $0.rawValue, context)] },
                "vehicles": VehicleType.allCases.map { ["value": $0.rawValue, "label": pages.text("travel_vehicle_" + $0.rawValue, context)] },
                "tests": TravelTestStatus.allCases.map { ["value": $0.rawValue, "label": pages.text("travel_test_" + $0.rawValue, context)] },
            ]
            return pages.render("checkpoint", title: pages.text("travel_title", context), model: model, context: context, request: request)
        }
        // Officers open and close their area's checkpoints.
        router.get("/checkpoints") { request, context in try await manage(request, context, errors: [], form: [:]) }
        router.post("/checkpoints") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let f = context.form
            do {
                _ = try await services.travel.createCheckpoint(NewCheckpoint(code: f["code"] ?? "", name: f["name"] ?? "", communeCode: f["communeCode"] ?? "",
                                                                             road: f["road"]), by: principal, trace: context.trace())
                return Response.redirect(to: "/checkpoints", type: .normal)
            } catch let failure as ValidationFailure {
                return try await manage(request, context, errors: failure.errors, form: f, status: .unprocessableContent)
            }
        }
        for (action, active) in [("open", true), ("close", false)] {
            router.post("/checkpoints/{id}/\(action)") { _, context -> Response in
                let principal = try context.requirePrincipal()
                guard let id = Int64(try context.parameters.require("id")) else { throw NotFound("no such checkpoint") }
                try await services.travel.setActive(id, active, by: principal, trace: context.trace())
                return Response.redirect(to: "/checkpoints", type: .normal)
            }
        }
        // The entry page's script posts each queued declaration here (JSON, with the session's CSRF token).
        router.post("/checkpoint/save") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(TravelSubmission.self, from: request, context: context)
            let receipt = try await services.travel.record(body, by: principal, trace: context.trace())
            return try JSONResponse(receipt, status: receipt.duplicate ? .ok : .created).response(from: request, context: context)
        }
        // The entry page's script asks who a scanned personal QR names, to show it beside the row.
        router.get("/checkpoint/identity/{token}") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let identity = try await services.travel.identity(token: try context.parameters.require("token"), by: principal,
                                                              trace: context.trace(purpose: "checkpoint scan"))
            return try JSONResponse(identity).response(from: request, context: context)
        }
        router.get("/checkpoint/slips/{code}") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let slip = try await services.travel.slip(try context.parameters.require("code"), by: principal, trace: context.trace(purpose: "travel slip"))
            let url = services.config.publicBase + "/phieu-qua-chot/" + slip.slipCode
            let model: [String: Any] = [
                "code": slip.slipCode, "qrSVG": try QRCode(text: url, errorCorrection: .medium).svg(moduleSize: 4, title: slip.slipCode),
                "crossed": LocalDay.clock(slip.crossedAt), "checkpoint": slip.checkpoint, "plate": VehiclePlate.display(slip.plate),
                "direction": pages.text("travel_direction_" + slip.direction, context), "destination": slip.destinationName,
                "people": slip.people.map { ["name": $0.fullName, "role": pages.text("travel_role_" + $0.role, context),
                                             "test": pages.text("travel_test_" + $0.testStatus, context)] },
                "arriving": slip.destinationDistrict != nil, "declare": services.config.publicBase + "/khai-bao", "url": url,
            ]
            return pages.render("travelslip", title: pages.text("travel_slip_title", context), model: model, context: context, request: request)
        }
        // Public: anyone holding the slip (a second checkpoint, the destination's station) confirms it was recorded.
        router.get("/phieu-qua-chot/{code}") { request, context -> Response in
            let code = try context.parameters.require("code")
            do {
                let check = try await services.travel.check(code)
                let model: [String: Any] = ["found": true, "code": check.slipCode, "crossed": LocalDay.clock(check.crossedAt),
                                            "checkpoint": check.checkpoint, "plate": check.plate, "destination": check.destinationName,
                                            "people": check.people]
                return pages.render("travelcheck", title: pages.text("travel_check_title", context), model: model, context: context, request: request)
            } catch is UnknownTravelSlip {
                return pages.render("travelcheck", title: pages.text("travel_check_title", context), model: ["found": false, "code": code],
                                    context: context, request: request, status: .notFound)
            }
        }
        router.get("/itineraries") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let day = try TravelController.day(request)
            let counts = try await services.travel.arrivalCounts(day: day, by: principal, trace: context.trace())
            var rows: [[String: Any]] = []
            for count in counts {
                let name = try await services.database.read { try await TravelStore.placeName(count.destination, on: $0) }
                rows.append(["code": count.destination, "name": name, "vehicles": count.vehicles, "people": count.people, "date": day])
            }
            let model: [String: Any] = ["date": day, "rows": rows, "empty": rows.isEmpty,
                                        "totalVehicles": counts.reduce(0) { $0 + $1.vehicles }, "totalPeople": counts.reduce(0) { $0 + $1.people }]
            return pages.render("itineraries", title: pages.text("itineraries_title", context), model: model, context: context, request: request)
        }
    }

    private func manage(_ request: Request, _ context: SentinelContext, errors: [FieldError], form: [String: String],
                        status: HTTPResponse.Status = .ok) async throws -> Response {
        let principal = try context.requirePrincipal()
        try await services.gate.require(principal, .manageCheckpoints, entity: "checkpoint", trace: context.trace())
        var rows: [[String: Any]] = []
        for checkpoint in try await services.travel.checkpoints(in: principal.scopeCode, closed: true) {
            let commune = try await services.areas.unit(code: checkpoint.communeCode, vintage: services.config.vintage)?.name ?? checkpoint.communeCode
            rows.append(["id": checkpoint.id, "code": checkpoint.code, "name": checkpoint.name, "road": checkpoint.road ?? "", "commune": commune,
                         "active": checkpoint.active])
        }
        let model: [String: Any] = [
            "checkpoints": rows, "form": form, "hasErrors": !errors.isEmpty, "errors": errors.map { ["field": $0.field, "reason": $0.reason] },
            "communeGroups": try await CommuneChoices(areas: services.areas, vintage: services.config.vintage).model(selected: form["communeCode"]),
        ]
        return pages.render("checkpoints", title: pages.text("checkpoints_title", context), model: model, context: context, request: request,
                            status: status)
    }

    /// The places an entry may name: every commune of the province ("code name, district") and the other provinces.
    func places() async throws -> [[String: String]] {
        let choices = CommuneChoices(areas: services.areas, vintage: services.config.vintage)
        var out: [[String: String]] = []
        for group in try await choices.groups() {
            out += group.communes.map { ["code": $0.code, "label": $0.name + ", " + group.name] }
        }
        let home = Set(try await services.areas.children(of: nil, vintage: services.config.vintage).map(\.code))
        out += Provinces.list(vintage: services.config.vintage).filter { !home.contains($0.code) }.map { ["code": $0.code, "label": $0.name] }
        return out
    }
}
