import Accounts
import CheckIn
import Codes
import Domain
import Foundation
import Hummingbird
import People

/// `POST /api/v1/checkins`: one event (public: the citizen's phone, holding the venue's QR token) or a batch of
/// up to 1,000 (venue apps and scanners, signed in). Answered only after the events are committed; both go through
/// the group commit (`CheckInBatcher`).
struct CheckInController {
    let services: Services

    struct BatchResponse: Encodable, Sendable {
        let results: [CheckInResult]
        let accepted: Int
        let duplicate: Int
        let rejected: Int

        init(results: [CheckInResult]) {
            self.results = results
            accepted = results.count { $0.status == .accepted }
            duplicate = results.count { $0.status == .duplicate }
            rejected = results.count { $0.status == .rejected }
        }
    }

    func register(on router: some RouterMethods<SentinelContext>) {
        router.post("/api/v1/checkins") { request, context -> Response in
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            let data = Data(buffer: buffer)
            let first = data.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
            if first == UInt8(ascii: "[") {
                let principal = try context.requirePrincipal()
                try await services.gate.require(principal, .submitCheckIns, entity: "checkin", trace: context.trace())
                let events = try decode([CheckInSubmission].self, data)
                guard events.count <= CheckInStore.maxBatch else {
                    throw HTTPError(.contentTooLarge, message: "a batch holds at most \(CheckInStore.maxBatch) events; this one has \(events.count)")
                }
                let results = try await services.checkInBatcher.submit(events)
                return try JSONResponse(BatchResponse(results: results)).response(from: request, context: context)
            }
            let event = try decode(CheckInSubmission.self, data)
            let result = try await services.checkInBatcher.submit(event)
            return try JSONResponse(result, status: Self.status(of: result)).response(from: request, context: context)
        }
    }

    /// A single event's HTTP status: 201 stored, 200 already stored, 404/410 for the venue, 422 otherwise.
    static func status(of result: CheckInResult) -> HTTPResponse.Status {
        switch (result.status, result.reason) {
        case (.accepted, _): .created
        case (.duplicate, _): .ok
        case (_, .unknownVenue?): .notFound
        case (_, .venueNotActive?): .gone
        default: .unprocessableContent
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        guard !data.isEmpty else { throw BadRequestBody(detail: "The request has no body; send a JSON object or array.", errors: []) }
        do {
            return try JSONDecoder.sentinel.decode(T.self, from: data)
        } catch let error as DecodingError {
            throw BadRequestBody(detail: "The JSON body does not match what this route expects.", errors: [JSONBody.fieldError(error)])
        }
    }
}
