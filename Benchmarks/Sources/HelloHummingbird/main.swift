// A minimal Hummingbird server: GET /healthz answers "ok". The yardstick for Sentinel's HTTP overhead.
import Hummingbird

let port = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 8090
let router = Router()
router.get("/healthz") { _, _ in "ok\n" }
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
