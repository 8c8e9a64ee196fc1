import Accounts
import Domain
import Foundation
import Hummingbird

/// Sign in, sign out, and the language switch.
struct SessionPages {
    let services: Services
    let pages: PageRenderer
    let demoAccounts: [DemoAccount]

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/login") { request, context in try await showLogin(request, context, error: nil, username: "") }
        router.post("/login") { request, context in try await login(request, context) }
        router.post("/logout") { request, context in try await logout(request, context) }
        router.get("/lang") { request, context in switchLanguage(request, context) }
    }

    private func showLogin(_ request: Request, _ context: SentinelContext, error: String?, username: String,
                           status: HTTPResponse.Status = .ok) async throws -> Response {
        let csrf = FormToken.token(request, context)
        var model: [String: Any] = [
            "csrf": csrf, "username": username,
            "next": safeLocalPath(request.uri.queryParameters.get("next")) ?? safeLocalPath(context.form["next"]) ?? "/",
        ]
        if let error { model["error"] = error }
        if services.config.demo {
            model["hasDemoAccounts"] = !demoAccounts.isEmpty
            model["demoAccounts"] = demoAccounts.map {
                ["username": $0.username, "password": $0.password, "roleLabel": pages.roleLabel($0.role, context.language)]
            }
        }
        var response = pages.render("login", title: pages.text("login_title", context), model: model, context: context,
                                    request: request, status: status)
        FormToken.attach(csrf, to: &response, context: context, secure: services.config.secureCookies)
        return response
    }

    private func login(_ request: Request, _ context: SentinelContext) async throws -> Response {
        let username = context.form["username"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let password = context.form["password"] ?? ""
        let outcome = try await services.authenticator.login(
            username: username, password: password, address: context.clientAddress, kind: .web,
            lifetime: services.config.webSessionLifetime, trace: context.trace())
        switch outcome {
        case .signedIn(_, let issued):
            var response = Response.redirect(to: safeLocalPath(context.form["next"]) ?? "/", type: .found)
            response.setCookie(Cookie(name: SessionMiddleware.cookieName, value: issued.token, path: "/",
                                      secure: services.config.secureCookies, httpOnly: true, sameSite: .lax))
            return response
        case .invalid:
            return try await showLogin(request, context, error: pages.text("login_failed", context), username: username,
                                       status: .unauthorized)
        case .locked:
            return try await showLogin(request, context, error: pages.text("login_locked", context), username: username,
                                       status: .tooManyRequests)
        }
    }

    private func logout(_ request: Request, _ context: SentinelContext) async throws -> Response {
        if let token = request.cookies[SessionMiddleware.cookieName]?.value { try await services.sessions.revoke(token) }
        var response = Response.redirect(to: "/login", type: .found)
        response.setCookie(Cookie(name: SessionMiddleware.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax))
        return response
    }

    private func switchLanguage(_ request: Request, _ context: SentinelContext) -> Response {
        let language = Language(rawValue: request.uri.queryParameters.get("set") ?? "") ?? .vi
        var response = Response.redirect(to: safeLocalPath(request.uri.queryParameters.get("back")) ?? "/", type: .found)
        response.setCookie(Cookie(name: "lang", value: language.rawValue, maxAge: 365 * 24 * 3600, path: "/", httpOnly: true, sameSite: .lax))
        return response
    }
}

/// Only paths on this site: an open redirect would let a phishing link borrow our address.
func safeLocalPath(_ candidate: String?) -> String? {
    guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.contains("\\"),
          !candidate.contains("\r"), !candidate.contains("\n")
    else { return nil }
    return candidate
}
