import Accounts
import Domain
import Foundation
import Hummingbird

/// The first page after sign-in: what this role can do, within which area.
struct HomePage {
    let services: Services
    let pages: PageRenderer

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/") { request, context in try await show(request, context) }
    }

    private func show(_ request: Request, _ context: SentinelContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let t = { (key: String) in pages.text(key, context) }
        var tiles: [[String: String]] = []
        if principal.role.may(.readAreas) {
            tiles.append(["href": "/areas/\(principal.scopeCode)", "title": t("tile_areas"), "text": t("tile_areas_text")])
        }
        if principal.role.may(.readVenues) || principal.role.may(.readOwnVenues) {
            tiles.append(["href": "/venues", "title": t("tile_venues"), "text": t("tile_venues_text")])
        }
        if principal.role.may(.readCases) {
            tiles.append(["href": principal.role.may(.traceCases) || !principal.role.may(.followUpCases) ? "/cases" : "/cases/queue",
                          "title": t("tile_cases"), "text": t("tile_cases_text")])
        }
        if principal.role.may(.recordResults) {
            tiles.append(["href": "/lab", "title": t("tile_lab"), "text": t("tile_lab_text")])
        }
        if principal.role.may(.readAccounts) {
            tiles.append(["href": "/admin/accounts", "title": t("tile_accounts"), "text": t("tile_accounts_text")])
        }
        if principal.role.may(.readAudit) {
            tiles.append(["href": "/admin/audit", "title": t("tile_audit"), "text": t("tile_audit_text")])
        }
        tiles.append(["href": "/api/openapi.json", "title": t("tile_api"), "text": t("tile_api_text")])
        let scopeUnit = try await services.areas.unit(code: principal.scopeCode, vintage: services.config.vintage)
        let model: [String: Any] = [
            "roleDescription": t("roledesc_" + principal.role.rawValue),
            "scope": ["code": principal.scopeCode, "name": scopeUnit?.name ?? principal.scopeCode],
            "tiles": tiles,
        ]
        return pages.render("home", title: t("nav_home"), model: model, context: context, request: request)
    }
}
