import Foundation
import Hummingbird
import Synchronization

/// A token bucket per client address for the public endpoints (check-in, personal QR): generous for a
/// family at a market gate, tight for a script. In memory: each server limits its own traffic.
final class RateLimiter: Sendable {
    struct Bucket { var tokens: Double; var updated: Date }

    let ratePerSecond: Double
    let burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    init(ratePerSecond: Double, burst: Double) {
        self.ratePerSecond = ratePerSecond
        self.burst = burst
    }

    /// True when `key` may make one more request now.
    func allow(_ key: String, now: Date = Date()) -> Bool {
        buckets.withLock { buckets in
            if buckets.count > 100_000 {
                // Forget idle clients rather than grow without bound.
                buckets = buckets.filter { now.timeIntervalSince($0.value.updated) < 60 }
            }
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + now.timeIntervalSince(bucket.updated) * ratePerSecond)
            bucket.updated = now
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            buckets[key] = bucket
            return allowed
        }
    }
}

/// Applies a limiter to requests that are not signed in (staff have their own accounts and are not limited here).
struct PublicRateLimitMiddleware: RouterMiddleware {
    typealias Context = SentinelContext
    let limiter: RateLimiter
    let paths: [String]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard context.session == nil, paths.contains(where: { path.hasPrefix($0) }) else { return try await next(request, context) }
        guard limiter.allow(context.clientAddress ?? "unknown") else {
            var response = try JSONResponse(Problem(status: .tooManyRequests, detail: "Too many requests from this address; wait a moment."),
                                            status: .tooManyRequests, contentType: "application/problem+json")
                .response(from: request, context: context)
            response.headers[.retryAfter] = String(Int((1 / limiter.ratePerSecond).rounded(.up)))
            return response
        }
        return try await next(request, context)
    }
}
