import Accounts
import CheckIn
import Codes
import Domain
import Foundation
import Hummingbird
import People

/// The venue's USB-scanner page and the citizen's "my QR" page.
struct ScanPages {
    let services: Services
    let pages: PageRenderer

    /// What the scanner page sends: the venue is the page's, never the client's.
    struct ScannedEvent: Decodable {
        let eventId: String
        let personToken: String
        let checkedInAt: Date
    }

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/venues/{id}/scan") { request, context -> Response in
            let (venue, _) = try await scannableVenue(context)
            let model: [String: Any] = ["venue": ["id": venue.id, "name": venue.name]]
            return pages.render("scan", title: pages.text("scan_title", context), model: model, context: context, request: request)
        }
        router.post("/venues/{id}/scan/batch") { request, context -> JSONResponse<CheckInController.BatchResponse> in
            let (venue, _) = try await scannableVenue(context)
            let scanned = try await JSONBody.decode([ScannedEvent].self, from: request, context: context)
            guard scanned.count <= CheckInStore.maxBatch else {
                throw HTTPError(.contentTooLarge, message: "at most \(CheckInStore.maxBatch) scans at once")
            }
            let results = try await services.checkIns.ingest(scanned.map {
                CheckInSubmission(eventId: $0.eventId, venueToken: venue.token, person: PersonClaim(personToken: $0.personToken),
                                  checkedInAt: $0.checkedInAt)
            })
            return JSONResponse(CheckInController.BatchResponse(results: results))
        }
        router.get("/my-qr") { request, context in try await myQR(request, context, error: nil) }
        router.post("/my-qr") { request, context -> Response in
            let form = context.form
            let claim = PersonClaim(idNumber: form["idNumber"], phone: form["phone"], name: form["name"])
            let normalised: PersonClaim
            switch claim.normalised() {
            case .failure(let error): return try await myQR(request, context, error: error.reason, status: .unprocessableContent)
            case .success(let value): normalised = value
            }
            let token: String = try await services.database.write { db in
                guard let id = try await PersonStore.resolve([normalised], on: db)[0],
                      let token = try await PersonStore.qrToken(of: id, on: db) else { throw NotFound("no person") }
                return token
            }
            let url = services.config.publicBase + "/p/" + token
            let model: [String: Any] = [
                "qrSVG": try QRCode(text: url, errorCorrection: .medium).svg(moduleSize: 6, title: normalised.name ?? ""),
                "name": normalised.name ?? "",
            ]
            return pages.render("myqr", title: pages.text("myqr_title", context), model: model, context: context, request: request)
        }
    }

    private func myQR(_ request: Request, _ context: SentinelContext, error: String?, status: HTTPResponse.Status = .ok) async throws
        -> Response
    {
        let csrf = FormToken.token(request, context)
        var model: [String: Any] = ["csrf": csrf]
        if let error { model["error"] = error }
        var response = pages.render("myqr", title: pages.text("myqr_title", context), model: model, context: context, request: request,
                                    status: status)
        FormToken.attach(csrf, to: &response, context: context, secure: services.config.secureCookies)
        return response
    }

    /// The venue, if the signed-in staff member may scan for it: its operator, or an officer managing its area.
    private func scannableVenue(_ context: SentinelContext) async throws -> (Venue, Principal) {
        let principal = try context.requirePrincipal()
        guard let id = Int64(try context.parameters.require("id")) else { throw NotFound("no such venue") }
        let venue = try await services.venues.get(id, by: principal, trace: context.trace())
        if venue.operatorAccountID != principal.accountID {
            try await services.gate.require(principal, .manageVenues, area: venue.communeCode, entity: "venue", entityID: String(id),
                                            trace: context.trace())
        }
        return (venue, principal)
    }
}
