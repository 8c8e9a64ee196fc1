// A minimal Hummingbird server: GET /healthz answers "ok". The yardstick for Sentinel's HTTP overhead.
import Hummingbird

let port = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 8090
let router = Router()
router.get("/healthz") { _, _ in "ok\n" }
// The reference for single-event check-in POSTs: read the body, answer 201.
router.post("/echo") { request, _ -> Response in
    let body = try await request.body.collect(upTo: 1 << 20)
    return Response(status: .created, body: .init(byteBuffer: ByteBuffer(string: "{\"bytes\":\(body.readableBytes)}")))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
