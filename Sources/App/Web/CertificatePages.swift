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
            let certificate = try await services.certificates.find(try context.parameters.require("uvci"))
            return pages.render("certificate", title: pages.text("cert_title", context),
                                model: try model(certificate, context), context: context, request: request)
        }
        router.get("/api/v1/certificates/{uvci}/qr.png") { _, context -> Response in
            let certificate = try await services.certificates.find(try context.parameters.require("uvci"))
            return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "private, max-age=3600"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try Self.qr(certificate.qr).png(moduleSize: 6))))
        }
        router.get("/api/v1/certificates/{uvci}/qr.svg") { _, context -> Response in
            let certificate = try await services.certificates.find(try context.parameters.require("uvci"))
            return Response(status: .ok, headers: [.contentType: "image/svg+xml; charset=utf-8", .cacheControl: "private, max-age=3600"],
                            body: .init(byteBuffer: ByteBuffer(string: try Self.qr(certificate.qr).svg(moduleSize: 4, title: certificate.uvci))))
        }
        router.get("/xac-minh") { request, context -> Response in
            pages.render("verify", title: pages.text("verify_title", context), model: [:], context: context, request: request)
        }
        // Without JavaScript the page's form posts here and gets the server's answer.
        router.post("/xac-minh") { request, context -> Response in
            let qr = context.form["qr"] ?? ""
            let result = CertificatesController.response(services.certificates.verify(qr))
            let model: [String: Any] = [
                "checked": true, "valid": result.valid, "name": result.name ?? "", "dateOfBirth": result.dateOfBirth ?? "",
                "reasons": result.reasons.map { ["detail": $0.detail] }, "qr": qr,
            ]
            return pages.render("verify", title: pages.text("verify_title", context), model: model, context: context, request: request)
        }
    }

    /// Alphanumeric mode at level Q, as the DCC specification asks.
    static func qr(_ text: String) throws -> QRCode { try QRCode(text: text, errorCorrection: .quartile) }

    func model(_ certificate: IssuedCertificate, _ context: SentinelContext) throws -> [String: Any] {
        let payload = (certificate.payloadJSON.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) }).flatMap { CBOR(json: $0) }
        let entry = payload.flatMap(DCCPayload.entry(of:))?.1
        let valueSets = ValueSets.bundled
        let sets = ["tg": "disease-agent-targeted", "vp": "vaccine-prophylaxis", "mp": "vaccine-medicinal-product",
                    "ma": "vaccine-mah-manf", "tt": "test-type", "tr": "test-result", "co": "country-2-codes"]
        let order = ["tg", "vp", "mp", "ma", "dn", "sd", "dt", "tt", "nm", "sc", "tr", "tc", "fr", "df", "du", "co"]
        let rows: [[String: String]] = order.compactMap { field in
            guard let value = entry?[.text(field)] else { return nil }
            let raw = value.textValue ?? value.intValue.map(String.init) ?? ""
            let shown = sets[field].flatMap { valueSets.display(raw, in: $0) } ?? raw
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
            "qrPNG": "/api/v1/certificates/\(certificate.uvci)/qr.png",
        ]
    }
}
