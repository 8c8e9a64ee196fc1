import Codes
import Domain
import Foundation
import Geography
import Hummingbird
import Laboratory
import People

/// The sampling slip: printed at the station for the person (or the pool's people), with the tube's Code 128
/// barcode, the time, and where to find the result.
struct SamplePages {
    let services: Services
    let pages: PageRenderer

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/samples/station") { request, context -> Response in
            let principal = try context.requirePrincipal()
            try await services.gate.require(principal, .collectSamples, entity: "sample", trace: context.trace())
            let communes = try await communes(in: principal.scopeCode)
            let model: [String: Any] = ["communes": communes.map { ["code": $0.code, "name": $0.name] }, "poolSizes": Array(2...10)]
            return pages.render("station", title: pages.text("station_title", context), model: model, context: context, request: request)
        }
        // The station page's script posts each queued sample here (JSON, with the session's CSRF token).
        router.post("/samples/station/save") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(NewSample.self, from: request, context: context)
            let (sample, created) = try await services.lab.collect(body, by: principal, trace: context.trace())
            return try JSONResponse(sample, status: created ? .created : .ok).response(from: request, context: context)
        }
        router.get("/samples/{tube}/slip") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let tube = try context.parameters.require("tube")
            let sample = try await services.lab.slip(tube, by: principal, trace: context.trace(purpose: "sampling slip"))
            let people = try await services.database.read { try await PersonRegistry.fetch(sample.personIds, on: $0) }
            let stamp = DateFormatter()
            stamp.dateFormat = "dd/MM/yyyy HH:mm"
            stamp.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
            let model: [String: Any] = [
                "tube": sample.tubeBarcode, "barcode": try Code128(sample.tubeBarcode).svg(moduleWidth: 2, height: 50),
                "collected": stamp.string(from: sample.collectedAt), "pooled": sample.pooled,
                "method": pages.text("results_method_\(sample.method.rawValue)", context),
                "people": people.map { ["name": $0.fullName] }, "lookup": services.config.publicBase + "/ket-qua",
                "issuer": services.certificates.rules.issuerName,
                "hasPosition": sample.latitude != nil && sample.longitude != nil,
                "position": sample.latitude.flatMap { lat in sample.longitude.map { String(format: "%.5f, %.5f", lat, $0) } } ?? "",
            ]
            return pages.render("slip", title: pages.text("slip_title", context), model: model, context: context, request: request)
        }
    }

    /// The communes a station may work in: the account's commune, its district's, or the province's.
    func communes(in scope: String) async throws -> [AreaUnit] {
        let vintage = services.config.vintage
        switch AreaCode.level(of: scope) {
        case .commune: return try await services.areas.unit(code: scope, vintage: vintage).map { [$0] } ?? []
        case .district: return try await services.areas.children(of: scope, vintage: vintage)
        default:
            var out: [AreaUnit] = []
            for district in try await services.areas.children(of: scope, vintage: vintage) {
                out += try await services.areas.children(of: district.code, vintage: vintage)
            }
            return out
        }
    }
}
