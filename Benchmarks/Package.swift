// swift-tools-version:6.3
// Benchmarks live in their own package so the main package's build (and CI) stays lean.
// Run: cd Benchmarks && swift package --allow-writing-to-package-directory benchmark
import PackageDescription

let package = Package(
    name: "sentinel-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "sentinel", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
    ],
    targets: [
        .executableTarget(
            name: "SentinelBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SentinelKit", package: "sentinel"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            path: "Benchmarks/SentinelBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The reference for HTTP figures: the smallest Hummingbird server, built in the same run as Sentinel.
        .executableTarget(
            name: "HelloHummingbird",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "Sources/HelloHummingbird"
        ),
    ],
    swiftLanguageModes: [.v6]
)
