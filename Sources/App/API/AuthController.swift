import Accounts
import Foundation
import Hummingbird

/// `POST /api/v1/auth/token`: a bearer token for API clients, behind the same throttle as the web login.
struct AuthController {
    let services: Services

    func register(on router: some RouterMethods<SentinelContext>) {
        router.post("/api/v1/auth/token") { request, context -> Response in
            let body = try await JSONBody.decode(TokenRequest.self, from: request, context: context)
            let outcome = try await services.authenticator.login(
                username: body.username, password: body.password, address: context.clientAddress, kind: .api,
                lifetime: services.config.apiTokenLifetime, trace: context.trace())
            switch outcome {
            case .signedIn(let account, let issued):
                return try JSONResponse(TokenResponse(token: issued.token, expiresAt: issued.expiresAt, account: AccountDTO(account)),
                                        status: .created).response(from: request, context: context)
            case .invalid:
                throw HTTPError(.unauthorized, message: "wrong username or password")
            case .locked(let until):
                var response = try JSONResponse(
                    Problem(status: .tooManyRequests, detail: "Too many failed sign-ins; try again later."),
                    status: .tooManyRequests, contentType: "application/problem+json").response(from: request, context: context)
                response.headers[.retryAfter] = String(max(1, Int(until.timeIntervalSinceNow.rounded(.up))))
                return response
            }
        }
        router.get("/api/v1/me") { _, context -> JSONResponse<AccountDTO> in
            let principal = try context.requirePrincipal()
            guard let account = try await services.accounts.find(id: principal.accountID) else { throw NotFound("no such account") }
            return JSONResponse(AccountDTO(account))
        }
    }
}
