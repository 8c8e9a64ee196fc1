import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Adopts a sane incoming `X-Request-Id` (from a proxy) or makes one, and returns it on every response.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = SentinelContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let incoming = request.headers[.requestID]
        let id: String
        if let incoming, (8...64).contains(incoming.count), incoming.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
            id = incoming
        } else {
            id = String(UInt64.random(in: 1...UInt64.max), radix: 36) + String(UInt32.random(in: 1...UInt32.max), radix: 36)
        }
        context.requestID = id
        context.logger[metadataKey: "request_id"] = .string(id)
        var response = try await next(request, context)
        response.headers[.requestID] = id
        return response
    }
}

/// Every error becomes a problem document (API) or a friendly page (web); a 5xx is logged with its cause.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = SentinelContext
    let pages: PageRenderer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var problem = Problem.from(error)
            problem.requestId = context.requestID
            if problem.status >= 500 {
                context.logger.error("request failed", metadata: ["error": .string(String(reflecting: error)), "path": .string(request.uri.path)])
            }
            if problem.status == 401, !request.isAPI {
                let back = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
                return Response.redirect(to: "/login?next=" + (back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
            }
            var response: Response
            if request.isAPI {
                let data = (try? JSONEncoder.sentinel.encode(problem)) ?? Data()
                response = Response(status: .init(code: problem.status), headers: [.contentType: "application/problem+json"],
                                    body: .init(byteBuffer: ByteBuffer(bytes: data)))
            } else {
                response = pages.errorPage(problem, context: context)
            }
            response.headers[.requestID] = context.requestID
            if problem.status == 401 { response.headers[.wwwAuthenticate] = "Bearer" }
            return response
        }
    }
}

/// Finds the session: a bearer token on API routes, the session cookie on pages.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = SentinelContext
    let sessions: SessionStore

    static let cookieName = "sentinel_session"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if request.isAPI {
            if let header = request.headers[.authorization] {
                guard header.lowercased().hasPrefix("bearer "),
                      let session = try await sessions.resolve(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces), kind: .api)
                else { throw HTTPError(.unauthorized, message: "the bearer token is unknown or expired") }
                context.session = session
            }
        } else if let cookie = request.cookies[Self.cookieName] {
            context.session = try await sessions.resolve(cookie.value, kind: .web)
        }
        if let principal = context.session?.principal {
            context.logger[metadataKey: "user"] = .string(principal.username)
        }
        return try await next(request, context)
    }
}

/// Routes behind this need a signed-in staff member.
struct RequireSignIn: RouterMiddleware {
    typealias Context = SentinelContext
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        _ = try context.requirePrincipal()
        return try await next(request, context)
    }
}

/// Interface language from the `lang` cookie (Vietnamese unless English was chosen).
struct LanguageMiddleware: RouterMiddleware {
    typealias Context = SentinelContext
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let value = request.cookies["lang"]?.value, let language = Language(rawValue: value) { context.language = language }
        return try await next(request, context)
    }
}

/// Pages may load only our own scripts, styles and images.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = SentinelContext
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        if !request.isAPI {
            response.headers[.contentSecurityPolicy] =
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"
            response.headers[.referrerPolicy] = "same-origin"
        }
        return response
    }
}

extension Request {
    var isAPI: Bool { uri.path.hasPrefix("/api/") }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-Id")!
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
