import Accounts
import ContactTracing
import Domain
import Foundation
import Hummingbird

/// The public "places visited by cases" notice (no sign-in, no personal data), and the officers' list of flagged
/// places to publish.
struct NoticePages {
    let services: Services
    let pages: PageRenderer

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/noi-co-ca-benh") { request, context -> Response in
            let notices = try await services.notices.publicNotices()
            var names: [String: String] = [:]
            for code in Set(notices.map(\.communeCode)) {
                names[code] = try await services.areas.unit(code: code, vintage: "2021")?.name ?? code
            }
            var zones: [[String: Any]] = []
            for zone in try await services.zones.publicZones(on: LocalDay.string(Date())) {
                var units: [String] = []
                for code in zone.unitCodes { units.append(try await services.areas.unit(code: code, vintage: "2021")?.name ?? code) }
                if zone.polygons != nil { units.append(pages.text("zone_polygon", context)) }
                zones.append(["name": zone.name, "units": units.joined(separator: "; "), "from": zone.validFrom,
                              "to": zone.validTo ?? pages.text("zone_open_ended", context),
                              "decision": zone.decision])
            }
            let model: [String: Any] = ["notices": notices.map {
                ["name": $0.venueName, "address": $0.address, "commune": names[$0.communeCode] ?? $0.communeCode,
                 "from": CasePages.clock($0.from), "to": CasePages.clock($0.to)]
            }, "zones": zones]
            return pages.render("notices", title: pages.text("notices_title", context), model: model, context: context, request: request)
        }
        router.get("/api/v1/notices") { _, _ -> JSONResponse<ListDTO<PublicNotice>> in
            JSONResponse(ListDTO(items: try await services.notices.publicNotices()))
        }
        router.get("/cases/exposures") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let flagged = try await services.notices.flagged(by: principal, trace: context.trace(purpose: "places to publish"))
            let model: [String: Any] = ["exposures": flagged.map {
                ["venueId": $0.venueId, "caseId": $0.caseId, "name": $0.venueName, "address": $0.address, "communeCode": $0.communeCode,
                 "from": CasePages.clock($0.from), "to": CasePages.clock($0.to), "published": $0.published] as [String: Any]
            }]
            return pages.render("exposures", title: pages.text("exposures_title", context), model: model, context: context, request: request)
        }
        router.post("/cases/exposures/{venue}/{case}/publish") { _, context -> Response in
            let principal = try context.requirePrincipal()
            guard let venue = Int64(try context.parameters.require("venue")), let caseID = Int64(try context.parameters.require("case")) else {
                throw NotFound("no such place")
            }
            try await services.notices.publish(venue: venue, case: caseID, by: principal, trace: context.trace())
            return Response.redirect(to: "/cases/exposures", type: .normal)
        }
    }
}
