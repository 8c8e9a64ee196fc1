import Accounts
import CheckIn
import Domain
import Foundation
import Hummingbird

/// Road checkpoints: the checkpoints themselves, the travel declarations their staff record, and the lists of
/// arrivals each destination reads. Thin: `TravelStore` checks roles and areas and writes the audit log.
struct TravelController {
    let services: Services

    struct ActiveRequest: Decodable { let active: Bool }

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/api/v1/checkpoints") { _, context -> JSONResponse<ListDTO<Checkpoint>> in
            let principal = try context.requirePrincipal()
            return JSONResponse(ListDTO(items: try await services.travel.checkpoints(in: principal.scopeCode)))
        }
        router.post("/api/v1/checkpoints") { request, context -> JSONResponse<Checkpoint> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(NewCheckpoint.self, from: request, context: context)
            return JSONResponse(try await services.travel.createCheckpoint(body, by: principal, trace: context.trace()), status: .created)
        }
        router.post("/api/v1/checkpoints/{id}/active") { request, context -> Response in
            let principal = try context.requirePrincipal()
            guard let id = Int64(try context.parameters.require("id")) else { throw NotFound("no such checkpoint") }
            let body = try await JSONBody.decode(ActiveRequest.self, from: request, context: context)
            try await services.travel.setActive(id, body.active, by: principal, trace: context.trace())
            return Response(status: .noContent)
        }
        router.post("/api/v1/travel-declarations") { request, context -> JSONResponse<TravelReceipt> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(TravelSubmission.self, from: request, context: context)
            let receipt = try await services.travel.record(body, by: principal, trace: context.trace())
            return JSONResponse(receipt, status: receipt.duplicate ? .ok : .created)
        }
        router.get("/api/v1/travel-declarations/{code}") { _, context -> JSONResponse<TravelSlip> in
            let principal = try context.requirePrincipal()
            return JSONResponse(try await services.travel.slip(try context.parameters.require("code"), by: principal,
                                                               trace: context.trace(purpose: "travel slip")))
        }
        // Public: what a slip's QR opens (no names).
        router.get("/api/v1/travel-slips/{code}") { _, context -> JSONResponse<SlipCheck> in
            JSONResponse(try await services.travel.check(try context.parameters.require("code")))
        }
        router.get("/api/v1/itineraries") { request, context -> JSONResponse<ListDTO<ArrivalCount>> in
            let principal = try context.requirePrincipal()
            let day = try Self.day(request)
            return JSONResponse(ListDTO(items: try await services.travel.arrivalCounts(day: day, by: principal, trace: context.trace())))
        }
        router.get("/api/v1/itineraries.csv") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let day = try Self.day(request)
            guard let destination = request.uri.queryParameters.get("destination"), !destination.isEmpty else {
                throw ValidationFailure([FieldError("destination", "a district or commune code, or another province's code")])
            }
            let rows = try await services.travel.arrivals(day: day, destination: destination, by: principal,
                                                          trace: context.trace(purpose: "list of arrivals"))
            return Self.csv(rows, day: day, destination: destination)
        }
    }

    /// `date` (YYYY-MM-DD, local), today when absent.
    static func day(_ request: Request) throws -> String {
        let day = request.uri.queryParameters.get("date").flatMap { $0.isEmpty ? nil : $0 } ?? LocalDay.string(Date())
        guard LocalDay.isValid(day) else { throw ValidationFailure([FieldError("date", "a day as YYYY-MM-DD")]) }
        return day
    }

    static func csv(_ rows: [ArrivalRow], day: String, destination: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                                        .contentDisposition: "attachment; filename=\"\(ItineraryCSV.filename(day: day, destination: destination))\""],
                 body: .init(byteBuffer: ByteBuffer(string: ItineraryCSV.text(rows))))
    }
}
