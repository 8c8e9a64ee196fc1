import Accounts
import Domain
import Foundation
import Hummingbird
import Mustache

/// Renders a page: its template inside the layout, with the string table of the request's language and
/// the signed-in user's navigation. Mustache escapes every value, so stored text is shown inert.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let catalogue: Catalogue
    /// Training data: every page carries the banner.
    var training = false

    public static func bundled(training: Bool = false) async throws -> PageRenderer {
        guard let directory = Bundle.module.resourceURL?.appendingPathComponent("templates").path else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "templates"])
        }
        return PageRenderer(library: try await MustacheLibrary(directory: directory), catalogue: try Catalogue.bundled(), training: training)
    }

    func text(_ key: String, _ context: SentinelContext) -> String { catalogue.text(key, context.language) }

    func roleLabel(_ role: Role, _ language: Language) -> String { catalogue.text("role_" + role.rawValue, language) }

    /// The layout's values; page values are merged over them.
    func baseModel(title: String, context: SentinelContext, path: String) -> [String: Any] {
        var model: [String: Any] = [
            "t": catalogue.table(context.language),
            "lang": context.language.rawValue,
            "otherLang": context.language == .vi ? "en" : "vi",
            "backPath": path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "%2F",
            "title": title,
            "training": training,
        ]
        if let session = context.session {
            let p = session.principal
            model["user"] = ["displayName": p.displayName, "roleLabel": roleLabel(p.role, context.language), "csrf": session.csrfToken]
            model["csrf"] = session.csrfToken
            model["canAccounts"] = p.role.may(.readAccounts)
            model["canAudit"] = p.role.may(.readAudit)
            model["canVenues"] = p.role.may(.readVenues) || p.role.may(.readOwnVenues)
            model["canDeclarations"] = p.role.may(.followUpDeclarations)
            model["canCases"] = p.role.may(.readCases)
            model["canCertificates"] = p.role.may(.manageCertificates)
            model["canSample"] = p.role.may(.collectSamples)
            model["canLab"] = p.role.may(.recordResults)
            model["canDashboard"] = p.role.may(.readDashboards)
            model["canZones"] = p.role.may(.manageZones)
            model["canCheckpoint"] = p.role.may(.declareTravel)
            model["canItineraries"] = p.role.may(.readTravel)
            model["canCheckpoints"] = p.role.may(.manageCheckpoints)
        }
        return model
    }

    func render(_ template: String, title: String, model: [String: Any], context: SentinelContext, request: Request,
                status: HTTPResponse.Status = .ok) -> Response {
        let merged = baseModel(title: title, context: context, path: request.uri.path).merging(Blank.marked(model)) { _, page in page }
        let html = library.render(merged, withTemplate: template) ?? "template \(template) is missing"
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A friendly page for an error: the status in words, never the internals.
    func errorPage(_ problem: Problem, context: SentinelContext) -> Response {
        let status = HTTPResponse.Status(code: problem.status)
        let message: String =
            switch problem.status {
            case 403: text("error_forbidden_text", context)
            case 404: text("error_not_found_text", context)
            case 400, 413, 422: problem.detail ?? text("error_generic", context)
            default: text("error_generic", context)
            }
        let headingKey = "error_\(problem.status)"
        let heading = catalogue.strings[context.language]?[headingKey] == nil ? text("error_500", context) : text(headingKey, context)
        let model = baseModel(title: heading, context: context, path: "/").merging([
            "heading": heading, "message": message, "requestId": problem.requestId ?? "",
        ]) { _, page in page }
        let html = library.render(model, withTemplate: "error") ?? heading
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

/// An empty text in a page's values. swift-mustache opens a section for any string, the empty one too, so a
/// missing phone or notice showed as an empty badge or an empty "saved" line; marked this way the value renders as
/// nothing, a section on it stays closed and an inverted one opens (as the Mustache specification has it), and the
/// lookup stops at it instead of climbing to an outer value of the same name.
struct Blank: MustacheCustomRepresentation {
    var representation: Any? { nil }

    static func marked(_ value: Any) -> Any {
        switch value {
        case let text as String: return text.isEmpty ? Blank() : text
        case let dictionary as [String: Any]: return marked(dictionary)
        case let list as [[String: Any]]: return list.map(marked)
        case let list as [Any]: return list.map(marked)
        default: return value
        }
    }

    static func marked(_ dictionary: [String: Any]) -> [String: Any] { dictionary.mapValues(marked) }
}
