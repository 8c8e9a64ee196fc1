import Codes
import Domain
import Foundation
import HealthCertificates
import Hummingbird

/// The holder's certificate page (printable A4 and phone-sized, Vietnamese/English), its QR image, and the public
/// verification page whose JavaScript checks a QR offline once it has the trust list.
struct CertificatePages {
    let services: Services
    let pages: PageRenderer

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/api/v1/certificates/{uvci}") { request, context -> Response in
            let certificate = try await services.certificates.findForHolder(UVCI.fromPath(try context.parameters.require("uvci")), trace: context.trace())
            return try certificatePage(certificate, request, context)
        }
        // The citizen's complaint form on the certificate page (works without JavaScript).
        router.post("/chung-nhan/{uvci}/phan-anh") { request, context -> Response in
            let uvci = UVCI.fromPath(try context.parameters.require("uvci"))
            let form = context.form
            let category = CertificateComplaint.Category(rawValue: form["category"] ?? "") ?? .other
            do {
                _ = try await services.certificates.fileComplaint(
                    uvci: uvci, NewComplaint(category: category, description: form["description"] ?? "", contact: form["contact"] ?? "",
                                             dateOfBirth: form["dateOfBirth"] ?? ""), trace: context.trace())
            } catch let failure as ValidationFailure {
                return try certificatePage(try await services.certificates.find(uvci), request, context, errors: failure.errors,
                                           status: .unprocessableContent)
            }
            return try certificatePage(try await services.certificates.find(uvci), request, context, notice: pages.text("complaint_sent", context),
                                       status: .created)
        }
        router.get("/certificates/complaints") { request, context -> Response in
            let principal = try context.requirePrincipal()
            let complaints = try await services.certificates.complaints(status: nil, by: principal, trace: context.trace())
            let csrf = context.session?.csrfToken ?? ""
            let choices = [CertificateComplaint.Status.inReview, .corrected, .rejected].map {
                ["value": $0.rawValue, "label": pages.text("complaint_status_\($0.rawValue)", context)]
            }
            let model: [String: Any] = ["complaints": complaints.map { c -> [String: Any] in
                ["id": c.id, "uvci": c.uvci, "uvciPath": UVCI.pathSegment(c.uvci), "reissued": c.reissuedUVCI ?? "",
                 "reissuedPath": c.reissuedUVCI.map(UVCI.pathSegment) ?? "", "category": pages.text("complaint_cat_\(c.category.rawValue)", context),
                 "description": c.description, "contact": c.contact, "status": pages.text("complaint_status_\(c.status.rawValue)", context),
                 "resolution": c.resolution ?? "", "open": c.status == .new || c.status == .inReview, "choices": choices, "csrf": csrf]
            }]
            return pages.render("complaints", title: pages.text("complaints_title", context), model: model, context: context, request: request)
        }
        router.post("/certificates/complaints/{id}") { _, context -> Response in
            let principal = try context.requirePrincipal()
            guard let id = Int64(try context.parameters.require("id")),
                  let status = CertificateComplaint.Status(rawValue: context.form["status"] ?? "") else { throw ComplaintNotFound() }
            _ = try await services.certificates.resolve(complaint: id, status: status, resolution: context.form["resolution"],
                                                        by: principal, trace: context.trace())
            return Response.redirect(to: "/certificates/complaints", type: .normal)
        }
        router.get("/api/v1/certificates/{uvci}/qr.png") { _, context -> Response in
            let certificate = try await services.certificates.findForHolder(UVCI.fromPath(try context.parameters.require("uvci")), trace: context.trace())
            return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "private, max-age=3600"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try Self.qr(certificate.qr).png(moduleSize: 6))))
        }
        router.get("/api/v1/certificates/{uvci}/qr.svg") { _, context -> Response in
            let certificate = try await services.certificates.findForHolder(UVCI.fromPath(try context.parameters.require("uvci")), trace: context.trace())
            return Response(status: .ok, headers: [.contentType: "image/svg+xml; charset=utf-8", .cacheControl: "private, max-age=3600"],
                            body: .init(byteBuffer: ByteBuffer(string: try Self.qr(certificate.qr).svg(moduleSize: 4, title: certificate.uvci))))
        }
        router.get("/xac-minh") { request, context -> Response in
            let csrf = FormToken.token(request, context)
            var model: [String: Any] = ["csrf": csrf]
            if let key = services.certificates.trustListKeySPKI { model["trustKey"] = key }
            var response = pages.render("verify", title: pages.text("verify_title", context), model: model, context: context, request: request)
            FormToken.attach(csrf, to: &response, context: context, secure: services.config.secureCookies)
            return response
        }
        // Without JavaScript the page's form posts here and gets the server's answer.
        router.post("/xac-minh") { request, context -> Response in
            let qr = context.form["qr"] ?? ""
            let result = CertificatesController.response(services.certificates.verify(qr))
            let model: [String: Any] = [
                "checked": true, "valid": result.valid, "name": result.name ?? "", "dateOfBirth": result.dateOfBirth ?? "",
                "reasons": result.reasons.map { ["detail": $0.detail] }, "qr": qr, "csrf": FormToken.token(request, context),
            ]
            return pages.render("verify", title: pages.text("verify_title", context), model: model, context: context, request: request)
        }
    }

    func certificatePage(_ certificate: IssuedCertificate, _ request: Request, _ context: SentinelContext, notice: String? = nil,
                         errors: [FieldError] = [], status: HTTPResponse.Status = .ok) throws -> Response {
        var model = try model(certificate, context)
        let csrf = FormToken.token(request, context)
        model["csrf"] = csrf
        model["notice"] = notice ?? ""
        model["hasErrors"] = !errors.isEmpty
        model["errors"] = errors.map { ["field": $0.field, "reason": $0.reason] }
        model["categories"] = CertificateComplaint.Category.allCases.map {
            ["value": $0.rawValue, "label": pages.text("complaint_cat_\($0.rawValue)", context)]
        }
        var response = pages.render("certificate", title: pages.text("cert_title", context), model: model, context: context, request: request,
                                    status: status)
        FormToken.attach(csrf, to: &response, context: context, secure: services.config.secureCookies)
        return response
    }

    /// Alphanumeric mode at level Q, as the DCC specification asks.
    static func qr(_ text: String) throws -> QRCode { try QRCode(text: text, errorCorrection: .quartile) }

    func model(_ certificate: IssuedCertificate, _ context: SentinelContext) throws -> [String: Any] {
        let payload = (certificate.payloadJSON.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) }).flatMap { CBOR(json: $0) }
        let found = payload.flatMap(DCCPayload.entry(of:))
        let entry = found?.1
        let order = ["tg", "vp", "mp", "ma", "dn", "sd", "dt", "tt", "nm", "sc", "tr", "tc", "fr", "df", "du", "co"]
        let rows: [[String: String]] = order.compactMap { field in
            guard let value = entry?[.text(field)] else { return nil }
            let raw = value.textValue ?? value.intValue.map(String.init) ?? ""
            let shown = found.map { ValueSets.bundled.display(field: field, code: raw, of: $0.0) } ?? raw
            return ["label": pages.text("cert_field_\(field)", context), "value": shown]
        }
        let stamp = DateFormatter()
        stamp.dateFormat = "dd/MM/yyyy HH:mm"
        stamp.timeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")
        return [
            "kind": pages.text("cert_kind_\(certificate.kind.rawValue)", context),
            "holder": certificate.holderName, "dob": certificate.dateOfBirth, "uvci": certificate.uvci,
            "issuer": entry?[.text("is")]?.textValue ?? services.certificates.rules.issuerName,
            "issued": stamp.string(from: certificate.issuedAt), "expires": stamp.string(from: certificate.expiresAt),
            "rows": rows, "revoked": certificate.revoked, "revocationReason": certificate.revocationReason ?? "",
            "qrSVG": try Self.qr(certificate.qr).svg(moduleSize: 4, title: certificate.uvci),
            "qrPNG": "/api/v1/certificates/\(UVCI.pathSegment(certificate.uvci))/qr.png", "uvciPath": UVCI.pathSegment(certificate.uvci),
        ]
    }
}
