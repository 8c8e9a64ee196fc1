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
            // The chosen site and hour come as "siteId|epoch seconds" ("siteId|" for a site without booking).
            let slot = (f["slot"] ?? "").split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let siteId = slot.first.flatMap { Int64($0) }
            let slotStart = slot.count == 2 ? Double(slot[1]).map { Date(timeIntervalSince1970: $0) } : nil
            if errors.isEmpty, let reason {
                do {
                    let claim = PersonClaim(idNumber: f["idNumber"], phone: f["phone"], name: name, birthYear: year)
                    let registration = try await services.lab.register(
                        NewRegistration(person: claim, reason: reason, communeCode: f["communeCode"], siteId: siteId, slotStart: slotStart),
                        by: context.session?.principal, trace: context.trace())
                    let url = services.config.publicBase + "/p/" + registration.personToken
                    var model: [String: Any] = ["registration": true, "code": registration.code,
                                                "qrSVG": try QRCode(text: url, errorCorrection: .medium).svg(moduleSize: 6, title: name)]
                    if let siteId, let site = try await services.lab.site(siteId) {
                        model["booking"] = site.name + (slotStart.map { " — " + Self.label($0) } ?? "")
                    }
                    return pages.render("register", title: pages.text("register_title", context), model: model, context: context,
                                        request: request, status: .created)
                } catch let failure as ValidationFailure {
                    errors = failure.errors
                } catch let full as SlotFull {
                    errors = full.fields.map { FieldError($0.field, full.detail) }
                }
            }
            return try await form(request, context, fields: f, errors: errors, status: .unprocessableContent)
        }
    }

    private func form(_ request: Request, _ context: SentinelContext, fields: [String: String], errors: [FieldError],
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        let csrf = FormToken.token(request, context)
        let choices = CommuneChoices(areas: services.areas, vintage: services.config.vintage)
        let groups = try await choices.groups()
        let chosen = fields["communeCode"] ?? request.uri.queryParameters.get("commune")
        let commune = groups.lazy.flatMap(\.communes).first { $0.code == chosen }
        var model: [String: Any] = [
            "csrf": csrf, "name": fields["name"] ?? "", "birthYear": fields["birthYear"] ?? "", "idNumber": fields["idNumber"] ?? "",
            "phone": fields["phone"] ?? "", "communeGroups": try await choices.model(),
            "reasons": TestReason.allCases.map { ["value": $0.rawValue, "label": pages.text("register_reason_" + $0.rawValue, context),
                                                  "checked": fields["reason"] == $0.rawValue] },
            "errors": errors.map { ["field": pages.text("register_field_" + $0.field.replacingOccurrences(of: "person.", with: ""), context),
                                    "reason": $0.reason] },
            "hasErrors": !errors.isEmpty,
        ]
        if let commune {
            model["commune"] = commune.code
            model["communeName"] = commune.name
            model["sites"] = try await siteChoices(commune: commune.code, selected: fields["slot"], context: context)
        }
        var response = pages.render("register", title: pages.text("register_title", context), model: model, context: context, request: request,
                                    status: status)
        FormToken.attach(csrf, to: &response, context: context, secure: services.config.secureCookies)
        return response
    }

    /// The commune's open sites: the free hours of today and the next two days where the site takes bookings, else
    /// its opening hours.
    func siteChoices(commune: String, selected: String?, context: SentinelContext, now: Date = Date()) async throws -> [[String: Any]] {
        let today = LocalDay.string(now)
        var out: [[String: Any]] = []
        for site in try await services.lab.sites(commune: commune) {
            var slots: [[String: Any]] = []
            if site.slotCapacity > 0 {
                for offset in 0...2 {
                    guard let day = LocalDay.adding(offset, to: today) else { continue }
                    for slot in try await services.lab.slots(site: site.id, day: day)
                    where slot.free > 0 && slot.start.addingTimeInterval(Double(site.slotMinutes * 60)) > now {
                        let value = "\(site.id)|\(Int(slot.start.timeIntervalSince1970))"
                        slots.append(["value": value, "selected": value == selected,
                                      "label": Self.label(slot.start) + " (" + pages.text("register_free", context) + " \(slot.free))"])
                    }
                }
            }
            out.append(["id": site.id, "name": site.name, "address": site.address ?? "", "opens": site.opens, "closes": site.closes,
                        "walkIn": site.slotCapacity == 0, "selected": selected == "\(site.id)|", "slots": slots])
        }
        return out
    }

    /// "T5 03/12 08:00" ("CN" on a Sunday), in local time: the weekday matters when choosing among three days.
    static func label(_ start: Date) -> String {
        let weekday = Calendar(identifier: .gregorian).dateComponents(in: LocalDay.timeZone, from: start).weekday!  // 1 = Sunday
        let clock = LocalDay.clock(start)  // "2021-08-12 15:30"
        let parts = clock.split(separator: " ")
        let ymd = parts[0].split(separator: "-")
        return (weekday == 1 ? "CN" : "T\(weekday)") + " " + ymd[2] + "/" + ymd[1] + " " + parts[1]
    }
}
