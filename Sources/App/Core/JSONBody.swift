import Domain
import Foundation
import Hummingbird

/// Reads a JSON body into `T`, naming the offending field when it does not fit, and refusing
/// bodies over the context's limit with 413 before parsing anything.
enum JSONBody {
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: SentinelContext) async throws -> T {
        try await decodeKeepingBody(type, from: request, context: context).value
    }

    /// As `decode`, also returning the body's bytes, for routes that read a free-form member (a GeoJSON geometry) too.
    static func decodeKeepingBody<T: Decodable>(_ type: T.Type, from request: Request, context: SentinelContext) async throws -> (value: T, body: Data) {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else {
            throw BadRequestBody(detail: "The request has no body; send a JSON object.", errors: [])
        }
        let data = Data(buffer: buffer)
        do {
            return (try JSONDecoder.sentinel.decode(T.self, from: data), data)
        } catch let error as DecodingError {
            throw BadRequestBody(detail: "The JSON body does not match what this route expects.", errors: [fieldError(error)])
        }
    }

    /// As `decode`, but an empty body is nil (for routes whose body only overrides defaults).
    static func decodeOptional<T: Decodable>(_ type: T.Type, from request: Request, context: SentinelContext) async throws -> T? {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return nil }
        do {
            return try JSONDecoder.sentinel.decode(T.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw BadRequestBody(detail: "The JSON body does not match what this route expects.", errors: [fieldError(error)])
        }
    }

    static func fieldError(_ error: DecodingError) -> FieldError {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return FieldError(path(context.codingPath + [key]), "required")
        case .valueNotFound(_, let context):
            return FieldError(path(context.codingPath), "must not be null")
        case .typeMismatch(let type, let context):
            return FieldError(path(context.codingPath), "expected \(describe(type))")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            return FieldError(field.isEmpty ? "body" : field, field.isEmpty ? "not valid JSON" : "invalid value")
        @unknown default:
            return FieldError("body", "invalid")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Bool.Type: "true or false"
        case is Double.Type: "a number"
        default: "a value of another type"
        }
    }
}

extension JSONDecoder {
    static var sentinel: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

extension JSONEncoder {
    static var sentinel: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// A JSON response with our encoder settings.
struct JSONResponse<Value: Encodable & Sendable>: ResponseGenerator {
    var value: Value
    var status: HTTPResponse.Status = .ok
    var contentType: String = "application/json; charset=utf-8"

    init(_ value: Value, status: HTTPResponse.Status = .ok, contentType: String = "application/json; charset=utf-8") {
        self.value = value
        self.status = status
        self.contentType = contentType
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONEncoder.sentinel.encode(value)
        return Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
