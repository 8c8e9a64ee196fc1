import Accounts
import CheckIn
import Codes
import Domain
import Foundation
import Hummingbird
import People

/// The citizen's check-in page (public, reached from a venue's QR code) and the venue pages for officers and operators.
struct VenuePages {
    let services: Services
    let pages: PageRenderer

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/c/{token}") { request, context in try await checkInPage(request, context, result: nil) }
        router.post("/c/{token}") { request, context in try await checkInForm(request, context) }
        router.get("/venues") { request, context in try await list(request, context, errors: [], form: [:]) }
        router.post("/venues") { request, context in try await create(request, context) }
        router.get("/venues/{id}") { request, context in try await detail(request, context) }
        router.get("/venues/{id}/poster") { request, context in try await poster(request, context) }
        for (action, status) in [("approve", VenueStatus.approved), ("suspend", .suspended)] {
            router.post("/venues/{id}/\(action)") { _, context -> Response in
                let principal = try context.requirePrincipal()
                let venue = try await services.venues.setStatus(try id(context), status, by: principal, trace: context.trace())
                return Response.redirect(to: "/venues/\(venue.id)", type: .normal)
            }
        }
    }

    // MARK: Citizens

    private func venue(token context: SentinelContext) async throws -> Venue {
        let token = try context.parameters.require("token")
        guard let venue = try await services.venues.byToken(token) else { throw NotFound("no venue has this QR code") }
        return venue
    }

    private func checkInPage(_ request: Request, _ context: SentinelContext, result: (String, Bool)?,
                             status: HTTPResponse.Status = .ok) async throws -> Response {
        let venue = try await venue(token: context)
        let csrf = FormToken.token(request, context)
        var model: [String: Any] = [
            "venue": ["name": venue.name, "address": venue.address, "token": venue.token], "csrf": csrf,
        ]
        if venue.status != .approved { model["result"] = pages.text("checkin_venue_inactive", context); model["resultClass"] = "bad" }
        if let (message, ok) = result { model["result"] = message; model["resultClass"] = ok ? "ok" : "bad" }
        var response = pages.render("checkin", title: venue.name, model: model, context: context, request: request, status: status)
        FormToken.attach(csrf, to: &response, context: context, secure: services.config.secureCookies)
        return response
    }

    /// The same check-in without JavaScript: the server makes the event id.
    private func checkInForm(_ request: Request, _ context: SentinelContext) async throws -> Response {
        let venue = try await venue(token: context)
        let form = context.form
        let claim = PersonClaim(idNumber: form["idNumber"], phone: form["phone"], name: form["name"],
                                birthYear: form["birthYear"].flatMap { Int($0) })
        let result = try await services.checkInBatcher.submit(
            CheckInSubmission(eventId: UUID().uuidString, venueToken: venue.token, person: claim, checkedInAt: Date()))
        let ok = result.status != .rejected
        let formatter = DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        formatter.dateFormat = "HH:mm dd/MM/yyyy"
        let message = ok ? pages.text("checkin_done", context) + " " + formatter.string(from: Date())
                         : pages.text("checkin_failed", context) + " " + (result.detail ?? "")
        return try await checkInPage(request, context, result: (message, ok), status: CheckInController.status(of: result))
    }

    // MARK: Staff

    private func list(_ request: Request, _ context: SentinelContext, errors: [FieldError], form: [String: String],
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let principal = try context.requirePrincipal()
        let venues = try await services.venues.list(by: principal, trace: context.trace())
        let model: [String: Any] = [
            "venues": venues.map {
                ["id": $0.id, "name": $0.name, "typeLabel": pages.text("venue_type_" + $0.type.rawValue, context), "address": $0.address,
                 "communeCode": $0.communeCode, "statusLabel": pages.text("venue_status_" + $0.status.rawValue, context)] as [String: Any]
            },
            "canRegister": principal.role.may(.manageVenues) || principal.role.may(.registerVenues),
            "types": VenueType.allCases.map {
                ["value": $0.rawValue, "label": pages.text("venue_type_" + $0.rawValue, context), "selected": form["type"] == $0.rawValue]
            },
            "form": form.filter { $0.key != "_csrf" },
            "errors": errors.map { ["field": $0.field, "reason": $0.reason] },
            "hasErrors": !errors.isEmpty,
        ]
        return pages.render("venues", title: pages.text("venues_title", context), model: model, context: context, request: request,
                            status: status)
    }

    private func create(_ request: Request, _ context: SentinelContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let form = context.form
        guard let type = VenueType(rawValue: form["type"] ?? "") else {
            return try await list(request, context, errors: [FieldError("type", "unknown type")], form: form, status: .unprocessableContent)
        }
        do {
            let venue = try await services.venues.register(
                NewVenue(name: form["name"] ?? "", type: type, address: form["address"] ?? "", communeCode: form["communeCode"] ?? ""),
                by: principal, trace: context.trace())
            return Response.redirect(to: "/venues/\(venue.id)", type: .normal)
        } catch let failure as ValidationFailure {
            return try await list(request, context, errors: failure.errors, form: form, status: .unprocessableContent)
        }
    }

    private func detail(_ request: Request, _ context: SentinelContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let venue = try await services.venues.get(try id(context), by: principal, trace: context.trace())
        let url = services.config.checkInURL(venue.token)
        let count = try await services.checkIns.count(venue: venue.id, since: Date().addingTimeInterval(-86400))
        let canManage = principal.role.may(.manageVenues)
        let next: VenueStatus = venue.status == .approved ? .suspended : .approved
        let model: [String: Any] = [
            "venue": ["id": venue.id, "name": venue.name, "address": venue.address, "communeCode": venue.communeCode,
                      "dwellMinutes": venue.dwellMinutes],
            "typeLabel": pages.text("venue_type_" + venue.type.rawValue, context),
            "statusLabel": pages.text("venue_status_" + venue.status.rawValue, context),
            "qrSVG": try QRCode(text: url, errorCorrection: .medium).svg(moduleSize: 5, title: venue.name),
            "checkInURL": url, "checkins24h": count, "canManage": canManage,
            "nextAction": next == .approved ? "approve" : "suspend",
            "nextActionLabel": pages.text(next == .approved ? "venue_approve" : "venue_suspend", context),
        ]
        return pages.render("venue", title: venue.name, model: model, context: context, request: request)
    }

    private func poster(_ request: Request, _ context: SentinelContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let venue = try await services.venues.get(try id(context), by: principal, trace: context.trace())
        let url = services.config.checkInURL(venue.token)
        let model: [String: Any] = [
            "venue": ["id": venue.id, "name": venue.name, "address": venue.address],
            "qrSVG": try QRCode(text: url, errorCorrection: .quartile).svg(moduleSize: 10, title: venue.name), "checkInURL": url,
        ]
        return pages.render("poster", title: venue.name, model: model, context: context, request: request)
    }

    private func id(_ context: SentinelContext) throws -> Int64 {
        guard let id = Int64(try context.parameters.require("id")) else { throw NotFound("no such venue") }
        return id
    }
}
