import Codes
import Domain
import Foundation
import Hummingbird
import Laboratory
import People

/// The sampling slip: printed at the station for the person (or the pool's people), with the tube's Code 128
/// barcode, the time, and where to find the result.
struct SamplePages {
    let services: Services
    let pages: PageRenderer

    func register(on router: some RouterMethods<SentinelContext>) {
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
            ]
            return pages.render("slip", title: pages.text("slip_title", context), model: model, context: context, request: request)
        }
    }
}
