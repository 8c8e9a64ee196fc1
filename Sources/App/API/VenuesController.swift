import Accounts
import CheckIn
import Codes
import Domain
import Foundation
import Hummingbird

/// Venues: registration, approval, QR codes and their check-in logs, within the caller's area (or their own venues).
struct VenuesController {
    let services: Services

    struct NewVenueRequest: Decodable {
        let name: String
        let type: String
        let address: String?
        let communeCode: String
        let latitude: Double?
        let longitude: Double?
        let dwellMinutes: Int?
    }

    struct VenueDTO: Encodable, Sendable {
        let id: Int64
        let token: String
        let checkInURL: String
        let name: String
        let type: String
        let address: String
        let communeCode: String
        let latitude: Double?
        let longitude: Double?
        let dwellMinutes: Int
        let status: String
        let operatorAccountId: Int64?
        let createdAt: Date
    }

    struct ImportResult: Encodable, Sendable {
        let registered: Int
        let ids: [Int64]
        let errors: [FieldError]
    }

    func dto(_ v: Venue) -> VenueDTO {
        VenueDTO(id: v.id, token: v.token, checkInURL: services.config.checkInURL(v.token), name: v.name, type: v.type.rawValue,
                 address: v.address, communeCode: v.communeCode, latitude: v.latitude, longitude: v.longitude, dwellMinutes: v.dwellMinutes,
                 status: v.status.rawValue, operatorAccountId: v.operatorAccountID, createdAt: v.createdAt)
    }

    func register(on router: some RouterMethods<SentinelContext>) {
        router.post("/api/v1/venues") { request, context -> JSONResponse<VenueDTO> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(NewVenueRequest.self, from: request, context: context)
            guard let type = VenueType(rawValue: body.type) else {
                throw ValidationFailure([FieldError("type", "one of: " + VenueType.allCases.map(\.rawValue).joined(separator: ", "))])
            }
            let venue = try await services.venues.register(
                NewVenue(name: body.name, type: type, address: body.address ?? "", communeCode: body.communeCode, latitude: body.latitude,
                         longitude: body.longitude, dwellMinutes: body.dwellMinutes),
                by: principal, trace: context.trace())
            return JSONResponse(dto(venue), status: .created)
        }
        // Bulk registration from a district's CSV: good rows registered (approved), bad rows reported by line.
        router.post("/api/v1/venues/import") { request, context -> JSONResponse<ImportResult> in
            let principal = try context.requirePrincipal()
            try await services.gate.require(principal, .manageVenues, entity: "venue", trace: context.trace())
            let body = try await request.body.collect(upTo: 5 << 20)
            guard let text = String(validating: body.readableBytesView, as: UTF8.self) else {
                throw BadRequestBody(detail: "The CSV must be UTF-8.", errors: [])
            }
            let report: VenueImport.Report
            do {
                report = try VenueImport.parse(text)
            } catch let malformed as CSV.Malformed {
                throw BadRequestBody(detail: "The CSV cannot be read.", errors: [FieldError("line \(malformed.line)", malformed.reason)])
            }
            var errors = report.errors
            var registered: [Int64] = []
            // Rows whose commune is unknown or outside the caller's area are reported, the rest registered.
            var byCommune: [String: [(Int, NewVenue)]] = [:]
            for (line, venue) in report.venues { byCommune[venue.communeCode, default: []].append((line, venue)) }
            for (commune, rows) in byCommune.sorted(by: { $0.key < $1.key }) {
                do {
                    registered += try await services.venues.registerAll(rows.map(\.1), by: principal, trace: context.trace())
                } catch is AccessDenied {
                    errors += rows.map { FieldError("line \($0.0).commune_code", "\(commune) is outside your area") }
                } catch let failure as ValidationFailure {
                    errors += rows.map { row in FieldError("line \(row.0).commune_code", failure.errors.first?.reason ?? "invalid") }
                }
            }
            return JSONResponse(ImportResult(registered: registered.count, ids: registered,
                                             errors: errors.sorted { $0.field.localizedStandardCompare($1.field) == .orderedAscending }),
                                status: registered.isEmpty && !errors.isEmpty ? .unprocessableContent : .ok)
        }
        router.get("/api/v1/venues") { request, context -> JSONResponse<ListDTO<VenueDTO>> in
            let principal = try context.requirePrincipal()
            let status = try request.uri.queryParameters.get("status").map { raw in
                guard let s = VenueStatus(rawValue: raw) else { throw ValidationFailure([FieldError("status", "pending, approved or suspended")]) }
                return s
            }
            let list = try await services.venues.list(by: principal, status: status, trace: context.trace())
            return JSONResponse(ListDTO(items: list.map(dto)))
        }
        router.get("/api/v1/venues/{id}") { _, context -> JSONResponse<VenueDTO> in
            let principal = try context.requirePrincipal()
            return JSONResponse(dto(try await services.venues.get(try venueID(context), by: principal, trace: context.trace())))
        }
        for (action, status) in [("approve", VenueStatus.approved), ("suspend", .suspended)] {
            router.post("/api/v1/venues/{id}/\(action)") { _, context -> JSONResponse<VenueDTO> in
                let principal = try context.requirePrincipal()
                return JSONResponse(dto(try await services.venues.setStatus(try venueID(context), status, by: principal, trace: context.trace())))
            }
        }
        router.get("/api/v1/venues/{id}/qr.svg") { _, context -> Response in
            let code = try await qr(context)
            return Response(status: .ok, headers: [.contentType: "image/svg+xml", .cacheControl: "private, max-age=3600"],
                            body: .init(byteBuffer: ByteBuffer(string: code.svg(moduleSize: 8))))
        }
        router.get("/api/v1/venues/{id}/qr.png") { _, context -> Response in
            let code = try await qr(context)
            return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "private, max-age=3600"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try code.png(moduleSize: 8))))
        }
        router.get("/api/v1/venues/{id}/checkins") { request, context -> JSONResponse<ListDTO<CheckInLogEntry>> in
            let principal = try context.requirePrincipal()
            let (from, to) = try window(request)
            let entries = try await services.checkIns.log(venue: try venueID(context), from: from, to: to, venues: services.venues,
                                                          by: principal, trace: context.trace(purpose: "venue check-in log"))
            return JSONResponse(ListDTO(items: entries))
        }
    }

    private func qr(_ context: SentinelContext) async throws -> QRCode {
        let principal = try context.requirePrincipal()
        let venue = try await services.venues.get(try venueID(context), by: principal, trace: context.trace())
        return try QRCode(text: services.config.checkInURL(venue.token), errorCorrection: .medium)
    }

    private func venueID(_ context: SentinelContext) throws -> Int64 {
        guard let id = Int64(try context.parameters.require("id")) else { throw NotFound("no such venue") }
        return id
    }

    /// `from`/`to` as ISO 8601 instants; by default the last 24 hours.
    private func window(_ request: Request) throws -> (Date, Date) {
        let q = request.uri.queryParameters
        let iso = ISO8601DateFormatter()
        var errors: [FieldError] = []
        let to = q.get("to").map { iso.date(from: $0) } ?? Date()
        let from = q.get("from").map { iso.date(from: $0) } ?? to.map { $0.addingTimeInterval(-86400) }
        if to == nil { errors.append(FieldError("to", "an ISO 8601 instant")) }
        if from == nil { errors.append(FieldError("from", "an ISO 8601 instant")) }
        if let from, let to, from > to { errors.append(FieldError("from", "must be before to")) }
        if !errors.isEmpty { throw ValidationFailure(errors) }
        return (from!, to!)
    }
}
