import Codes
import Domain
import Foundation
import Hummingbird
import Laboratory
import People

/// The citizen registers for a test on a phone (no sign-in, no script): name, year of birth, ID or phone, the commune
/// chosen from a list, the reason. The answer is the registration code and the personal QR the sampler scans.
struct RegistrationPages {
    let services: Services
    let pages: PageRenderer

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/dang-ky-xet-nghiem") { request, context in try await form(request, context, fields: [:], errors: []) }
        router.post("/dang-ky-xet-nghiem") { request, context -> Response in
            let f = context.form
            var errors: [FieldError] = []
            let yearText = (f["birthYear"] ?? "").trimmingCharacters(in: .whitespaces)
            let year = yearText.isEmpty ? nil : Int(yearText)
            if !yearText.isEmpty && year == nil { errors.append(FieldError("birthYear", pages.text("register_bad_year", context))) }
            let reason = TestReason(rawValue: f["reason"] ?? "")
            if reason == nil { errors.append(FieldError("reason", pages.text("register_pick_reason", context))) }
            let name = (f["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if name.isEmpty { errors.append(FieldError("name", pages.text("register_need_name", context))) }
            if errors.isEmpty, let reason {
                do {
                    let claim = PersonClaim(idNumber: f["idNumber"], phone: f["phone"], name: name, birthYear: year)
                    let registration = try await services.lab.register(
                        NewRegistration(person: claim, reason: reason, communeCode: f["communeCode"]), by: context.session?.principal,
                        trace: context.trace())
                    let url = services.config.publicBase + "/p/" + registration.personToken
                    let model: [String: Any] = ["registration": true, "code": registration.code,
                                                "qrSVG": try QRCode(text: url, errorCorrection: .medium).svg(moduleSize: 6, title: name)]
                    return pages.render("register", title: pages.text("register_title", context), model: model, context: context,
                                        request: request, status: .created)
                } catch let failure as ValidationFailure {
                    errors = failure.errors
                }
            }
            return try await form(request, context, fields: f, errors: errors, status: .unprocessableContent)
        }
    }

    private func form(_ request: Request, _ context: SentinelContext, fields: [String: String], errors: [FieldError],
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let csrf = FormToken.token(request, context)
        let model: [String: Any] = [
            "csrf": csrf, "name": fields["name"] ?? "", "birthYear": fields["birthYear"] ?? "", "idNumber": fields["idNumber"] ?? "",
            "phone": fields["phone"] ?? "",
            "communeGroups": try await CommuneChoices(areas: services.areas, vintage: services.config.vintage).model(selected: fields["communeCode"]),
            "reasons": TestReason.allCases.map { ["value": $0.rawValue, "label": pages.text("register_reason_" + $0.rawValue, context),
                                                  "checked": fields["reason"] == $0.rawValue] },
            "errors": errors.map { ["field": pages.text("register_field_" + $0.field.replacingOccurrences(of: "person.", with: ""), context),
                                    "reason": $0.reason] },
            "hasErrors": !errors.isEmpty,
        ]
        var response = pages.render("register", title: pages.text("register_title", context), model: model, context: context, request: request,
                                    status: status)
        FormToken.attach(csrf, to: &response, context: context, secure: services.config.secureCookies)
        return response
    }
}
