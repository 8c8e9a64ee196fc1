import Domain
import Foundation
import HealthCertificates
import Hummingbird
import Laboratory

/// The citizen's result lookup: ID number + phone on record → their results and certificate links, as a printable
/// slip. Every miss answers the same; tries are limited per address (see `SentinelApplication`).
struct ResultPages {
    let services: Services
    let pages: PageRenderer

    /// ID number + phone, or the registration code + date (or year) of birth.
    struct LookupRequest: Decodable { let idNumber: String?; let phone: String?; let registrationCode: String?; let birthDate: String? }

    func register(on router: some RouterMethods<SentinelContext>) {
        router.post("/api/v1/results/lookup") { request, context -> JSONResponse<OwnResults> in
            let body = try await JSONBody.decode(LookupRequest.self, from: request, context: context)
            if let code = body.registrationCode {
                return JSONResponse(try await services.lab.lookup(registrationCode: code, birth: body.birthDate ?? "", trace: context.trace()))
            }
            guard let idNumber = body.idNumber, let phone = body.phone else {
                throw ValidationFailure([FieldError("idNumber", "idNumber and phone, or registrationCode and birthDate")])
            }
            return JSONResponse(try await services.lab.lookup(idNumber: idNumber, phone: phone, trace: context.trace()))
        }
        router.get("/ket-qua") { request, context -> Response in
            page(request, context, model: [:])
        }
        router.post("/ket-qua/tra-cuu") { request, context -> Response in
            do {
                let form = context.form
                let found = if let code = form["registrationCode"] {
                    try await services.lab.lookup(registrationCode: code, birth: form["birthDate"] ?? "", trace: context.trace())
                } else {
                    try await services.lab.lookup(idNumber: form["idNumber"] ?? "", phone: form["phone"] ?? "", trace: context.trace())
                }
                return page(request, context, model: model(found, context))
            } catch let missing as ResultsNotFound {
                return page(request, context, model: ["notFound": missing.detail], status: .notFound)
            }
        }
    }

    func page(_ request: Request, _ context: SentinelContext, model: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        let csrf = FormToken.token(request, context)
        var response = pages.render("results", title: pages.text("results_title", context), model: model.merging(["csrf": csrf]) { a, _ in a },
                                    context: context, request: request, status: status)
        FormToken.attach(csrf, to: &response, context: context, secure: services.config.secureCookies)
        return response
    }

    func model(_ found: OwnResults, _ context: SentinelContext) -> [String: Any] {
        let stamp = DateFormatter()
        stamp.dateFormat = "dd/MM/yyyy HH:mm"
        stamp.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        return [
            "name": found.name, "issuer": services.certificates.rules.issuerName,
            "results": found.results.map { entry -> [String: Any] in
                ["outcomeCode": entry.outcome.rawValue, "outcome": pages.text("results_outcome_\(entry.outcome.rawValue)", context),
                 "method": pages.text("results_method_\(entry.method.rawValue)", context), "pooled": entry.pooled, "tube": entry.tubeBarcode,
                 "sampled": stamp.string(from: entry.sampledAt), "resulted": stamp.string(from: entry.resultedAt),
                 "corrected": entry.correctedAt.map { stamp.string(from: $0) } ?? "",
                 "certificate": entry.certificate ?? "", "certificatePath": entry.certificate.map(UVCI.pathSegment) ?? ""]
            },
        ]
    }
}
