import Accounts
import Codes
import Domain
import Foundation
import HealthCertificates
import Hummingbird

/// EU DCC certificates: issue (staff), verify (anyone, no personal data unless the signature holds), revoke, the
/// published trust list and revocation list. The holder's page and QR image are in `CertificatePages`.
struct CertificatesController {
    let services: Services

    struct IssueRequest: Decodable {
        let kind: CertificateKind
        let sourceId: String
    }

    struct IssueResponse: Encodable, Sendable {
        let uvci: String
        let kind: CertificateKind
        let qr: String
        let expiresAt: Date
        let page: String
    }

    struct VerifyRequest: Decodable {
        let qr: String
    }

    struct RevokeRequest: Decodable {
        let reason: String
    }

    struct ResolveRequest: Decodable {
        let status: CertificateComplaint.Status
        let resolution: String?
    }

    struct VerifyResponse: Encodable, Sendable {
        struct Reason: Codable, Sendable { let code: String; let detail: String }
        let valid: Bool
        let type: CertificateKind?
        let name: String?
        let dateOfBirth: String?
        let issuer: String?
        let issuerCountry: String?
        let issued: Date?
        let expires: Date?
        let uvci: String?
        let kid: String?
        let reasons: [Reason]
    }

    struct RevocationList: Encodable, Sendable {
        let hashType = "UCI"
        let description = "base64 of the first 16 bytes of SHA-256 over each revoked UVCI"
        let hashes: [String]
    }

    func register(on router: some RouterMethods<SentinelContext>) {
        router.post("/api/v1/certificates") { request, context -> JSONResponse<IssueResponse> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(IssueRequest.self, from: request, context: context)
            let issued = try await services.certificates.issue(kind: body.kind, sourceId: body.sourceId, by: principal, trace: context.trace())
            return JSONResponse(IssueResponse(uvci: issued.uvci, kind: issued.kind, qr: issued.qr, expiresAt: issued.expiresAt,
                                              page: "/api/v1/certificates/\(UVCI.pathSegment(issued.uvci))"), status: .created)
        }
        router.post("/api/v1/certificates/verify") { request, context -> JSONResponse<VerifyResponse> in
            let body = try await JSONBody.decode(VerifyRequest.self, from: request, context: context)
            return JSONResponse(Self.response(services.certificates.verify(body.qr)))
        }
        router.post("/api/v1/certificates/{uvci}/revoke") { request, context -> JSONResponse<IssuedCertificate> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(RevokeRequest.self, from: request, context: context)
            let uvci = UVCI.fromPath(try context.parameters.require("uvci"))
            return JSONResponse(try await services.certificates.revoke(uvci, reason: body.reason, by: principal, trace: context.trace()))
        }
        router.post("/api/v1/certificates/{uvci}/complaints") { request, context -> JSONResponse<CertificateComplaint> in
            let body = try await JSONBody.decode(NewComplaint.self, from: request, context: context)
            let filed = try await services.certificates.fileComplaint(uvci: UVCI.fromPath(try context.parameters.require("uvci")), body, trace: context.trace())
            return JSONResponse(filed, status: .created)
        }
        router.get("/api/v1/certificate-complaints") { request, context -> JSONResponse<ListDTO<CertificateComplaint>> in
            let principal = try context.requirePrincipal()
            let status = try request.uri.queryParameters.get("status").map { text in
                guard let status = CertificateComplaint.Status(rawValue: text) else {
                    throw ValidationFailure([FieldError("status", "new, in_review, corrected or rejected")])
                }
                return status
            }
            return JSONResponse(ListDTO(items: try await services.certificates.complaints(status: status, by: principal, trace: context.trace())))
        }
        router.post("/api/v1/certificate-complaints/{id}") { request, context -> JSONResponse<CertificateComplaint> in
            let principal = try context.requirePrincipal()
            let body = try await JSONBody.decode(ResolveRequest.self, from: request, context: context)
            guard let id = Int64(try context.parameters.require("id")) else { throw ComplaintNotFound() }
            return JSONResponse(try await services.certificates.resolve(complaint: id, status: body.status, resolution: body.resolution,
                                                                       by: principal, trace: context.trace()))
        }
        router.get("/api/v1/persons/{id}/certificates") { _, context -> JSONResponse<ListDTO<IssuedCertificate>> in
            let principal = try context.requirePrincipal()
            guard let id = Int64(try context.parameters.require("id")) else { throw NotFound("no such person") }
            return JSONResponse(ListDTO(items: try await services.certificates.forPerson(id, by: principal, trace: context.trace())))
        }
        router.get("/api/v1/trustlist") { _, _ -> Response in
            let document = try services.certificates.trustListDocument()
            return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=300"],
                            body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
        router.get("/api/v1/revocations") { _, _ -> JSONResponse<RevocationList> in
            JSONResponse(RevocationList(hashes: services.certificates.revocationList()))
        }
    }

    static func response(_ result: DCCVerifier.Result) -> VerifyResponse {
        let payload = result.payload
        let entry = payload.flatMap(DCCPayload.entry(of:))?.1
        return VerifyResponse(
            valid: result.valid, type: result.kind, name: payload.map(DCCPayload.holderName(of:)),
            dateOfBirth: payload?[.text("dob")]?.textValue, issuer: entry?[.text("is")]?.textValue, issuerCountry: result.issuerCountry,
            issued: result.issuedAt, expires: result.expiresAt, uvci: result.uvci,
            kid: result.keyID.map(DCCVerifier.hex),
            reasons: result.reasons.map { VerifyResponse.Reason(code: $0.code.rawValue, detail: $0.detail) })
    }
}
