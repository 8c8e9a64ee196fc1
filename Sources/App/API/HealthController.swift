import Foundation
import Hummingbird
import Prometheus
import Storage

/// Liveness, readiness, metrics and the API description: no sign-in needed, no personal data.
struct HealthController {
    let database: Database
    let metrics: PrometheusCollectorRegistry

    func register(on router: some RouterMethods<SentinelContext>) {
        router.get("/healthz") { _, _ in Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n"))) }
        router.get("/readyz") { _, _ -> Response in
            let ok = await database.isReachable()
            return Response(status: ok ? .ok : .serviceUnavailable, headers: [.contentType: "text/plain"],
                            body: .init(byteBuffer: ByteBuffer(string: ok ? "ready\n" : "database unreachable\n")))
        }
        router.get("/metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
        }
        let openAPI = (try? OpenAPIDocument.json()) ?? Data("{}".utf8)
        router.get("/api/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: openAPI)))
        }
    }
}
