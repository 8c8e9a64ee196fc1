import Accounts
import Foundation
import HTTPTypes
import Hummingbird

/// Reads a posted form once and checks its CSRF token: the session's token when signed in, otherwise the
/// pre-login cookie's (double submit). A form without a valid token is refused with 403.
struct FormMiddleware: RouterMiddleware {
    typealias Context = SentinelContext
    static let preLoginCookie = "sentinel_csrf"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post, !request.isAPI else { return try await next(request, context) }
        var request = request
        var context = context
        // Pages' scripts post JSON with the session's token in a header (same-origin only: CORS is not enabled).
        if request.headers[.contentType]?.hasPrefix("application/json") == true {
            guard let session = context.session, let sent = request.headers[.csrfToken], constantTimeEqual(session.csrfToken, sent) else {
                throw HTTPError(.forbidden, message: "missing or wrong CSRF token")
            }
            return try await next(request, context)
        }
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let form = FormData.parse(String(buffer: body))
        let expected = context.session?.csrfToken ?? request.cookies[Self.preLoginCookie]?.value
        guard let expected, let sent = form["_csrf"], constantTimeEqual(expected, sent) else {
            throw HTTPError(.forbidden, message: "missing or wrong CSRF token")
        }
        context.form = form
        return try await next(request, context)
    }

    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension HTTPField.Name {
    static let csrfToken = Self("X-CSRF-Token")!
}

/// The token a page's form must carry — the one `FormMiddleware` will expect: the session's when signed in,
/// otherwise the pre-login cookie's (made here when the browser has none yet).
enum FormToken {
    static func token(_ request: Request, _ context: SentinelContext) -> String {
        context.session?.csrfToken ?? request.cookies[FormMiddleware.preLoginCookie]?.value ?? SessionStore.randomToken()
    }

    /// Sets the pre-login cookie holding `token` when nobody is signed in.
    static func attach(_ token: String, to response: inout Response, context: SentinelContext, secure: Bool) {
        guard context.session == nil else { return }
        response.setCookie(Cookie(name: FormMiddleware.preLoginCookie, value: token, path: "/", secure: secure, httpOnly: true, sameSite: .strict))
    }
}

/// `application/x-www-form-urlencoded` fields; the last value of a repeated name wins.
enum FormData {
    static func parse(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let name = parts.first.map(decode), !name.isEmpty else { continue }
            fields[name] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}

extension SentinelContext {
    /// The posted form, once `FormMiddleware` has read and checked it.
    var form: [String: String] {
        get { formStorage ?? [:] }
        set { formStorage = newValue }
    }
}
