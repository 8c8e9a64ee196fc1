// swift-tools-version:6.1
// Sentinel — epidemic-response platform for a provincial Department of Health.
// SPDX-License-Identifier: GPL-3.0-or-later
import PackageDescription

let package = Package(
    name: "sentinel",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sentinel", targets: ["Run"]),
        // For the benchmark package beside this one (Benchmarks/), not a public API.
        .library(name: "SentinelKit", targets: ["Domain", "Storage", "Geography", "Accounts", "People", "CheckIn", "Codes", "ContactTracing", "HealthCertificates", "Laboratory", "Reporting", "App"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // Vocabulary and rules, Foundation only.
        .target(name: "Domain"),
        // Pure codecs written in the project: QR Code, Code 128, PNG.
        .target(
            name: "Codes",
            dependencies: [
                "Domain",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The only place that knows which database runs.
        .target(
            name: "Storage",
            dependencies: [
                "Domain",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Administrative units with vintages and old→new mappings.
        .target(
            name: "Geography",
            dependencies: ["Domain", "Storage", .product(name: "SQLKit", package: "sql-kit")],
            resources: [.copy("Resources/admin")]
        ),
        // Staff accounts, sessions, login throttling and the audit log.
        .target(
            name: "Accounts",
            dependencies: [
                "Domain", "Storage",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // One record per person across every capability.
        .target(
            name: "People",
            dependencies: ["Domain", "Storage", "Accounts", .product(name: "SQLKit", package: "sql-kit")]
        ),
        // Venues, QR posters, check-ins (health and travel declarations to come).
        .target(
            name: "CheckIn",
            dependencies: ["Domain", "Storage", "Accounts", "People", "Codes", .product(name: "SQLKit", package: "sql-kit")],
            resources: [.copy("Resources/declaration-rules.json")]
        ),
        // Cases, the co-location tracing engine, contacts F1/F2, follow-up, clusters, the outbox.
        .target(
            name: "ContactTracing",
            dependencies: ["Domain", "Storage", "Accounts", "People", .product(name: "SQLKit", package: "sql-kit"),
                           .product(name: "Logging", package: "swift-log")],
            resources: [.copy("Resources/tracing-rules.json")]
        ),
        // Testing: samples (single and pooled), laboratory results, instrument messages (HL7 v2).
        .target(name: "Laboratory", dependencies: ["Domain", "Storage", "Accounts", "People", "ContactTracing",
                                                   .product(name: "SQLKit", package: "sql-kit")]),
        // EU Digital COVID Certificates: CBOR, Base45, zlib, COSE, keys, issuing and offline verification.
        .target(
            name: "HealthCertificates",
            dependencies: [
                "Domain", "Storage", "Accounts", "People", "ContactTracing", .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            resources: [.copy("Resources/DCC.combined-schema.json"), .copy("Resources/DCC-SCHEMA-LICENSE"), .copy("Resources/valuesets"),
                        .copy("Resources/certificate-rules.json")]
        ),
        // The synthetic province: people, places, check-ins and cases for the demo, training and benchmarks.
        .target(
            name: "Reporting",
            dependencies: ["Domain", "Storage", "Geography", "Accounts", .product(name: "SQLKit", package: "sql-kit")],
            resources: [.copy("Resources/risk-rules.json"), .copy("Resources/geo")]
        ),
        .target(
            name: "Simulation",
            dependencies: ["Domain", "Storage", "Geography", "ContactTracing", "CheckIn", "Laboratory", .product(name: "SQLKit", package: "sql-kit")],
            resources: [.copy("Resources/dong-nai-ehr-records-2022.csv"), .copy("Resources/vn-ncsc-daily-cases-2020-2022.csv"),
                        .copy("Resources/README.md")]
        ),
        // The composition root: HTTP API, web pages, middleware, metrics.
        .target(
            name: "App",
            dependencies: [
                "Domain", "Storage", "Geography", "Accounts", "People", "CheckIn", "Codes", "ContactTracing", "Simulation", "HealthCertificates", "Laboratory",
                "Reporting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            resources: [.copy("Resources/templates"), .copy("Resources/static"), .copy("Resources/strings")]
        ),
        .executableTarget(
            name: "Run",
            dependencies: [
                "App", "Storage", "Geography", "Accounts", "Domain", "Simulation", "ContactTracing", "HealthCertificates", "Laboratory", "Reporting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
        .target(
            name: "TestSupport",
            dependencies: ["Storage", "App", "Accounts", "Geography", "Domain", "HealthCertificates",
                           .product(name: "SQLKit", package: "sql-kit"),
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HTTPTypes", package: "swift-http-types"),
                           .product(name: "HummingbirdTesting", package: "hummingbird")],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "DomainTests", dependencies: ["Domain"]),
        .testTarget(name: "LaboratoryTests", dependencies: ["Laboratory"]),
        .testTarget(name: "HealthCertificatesTests", dependencies: ["HealthCertificates", "Codes", "TestSupport",
                                                                   .product(name: "Crypto", package: "swift-crypto"),
                                                                   .product(name: "CompressNIO", package: "compress-nio"),
                                                                   .product(name: "X509", package: "swift-certificates")]),
        .testTarget(name: "CodesTests", dependencies: ["Codes", "TestSupport"]),
        .testTarget(
            name: "CheckInTests",
            dependencies: ["CheckIn", "People", "Accounts", "Geography", "Storage", "Domain", "TestSupport",
                           .product(name: "SQLKit", package: "sql-kit")]
        ),
        .testTarget(
            name: "ContactTracingTests",
            dependencies: ["ContactTracing", "CheckIn", "People", "Accounts", "Geography", "Storage", "Domain", "TestSupport", "Simulation",
                           .product(name: "SQLKit", package: "sql-kit")]
        ),
        .testTarget(
            name: "SimulationTests",
            dependencies: ["Simulation", "ContactTracing", "People", "Storage", "Domain", "TestSupport", .product(name: "SQLKit", package: "sql-kit")]
        ),
        .testTarget(
            name: "ReportingTests",
            dependencies: ["Reporting", "CheckIn", "ContactTracing", "Laboratory", "People", "Accounts", "Geography", "Storage", "Domain", "TestSupport",
                           .product(name: "SQLKit", package: "sql-kit")]
        ),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "TestSupport", "Domain", .product(name: "SQLKit", package: "sql-kit")]),
        .testTarget(name: "GeographyTests", dependencies: ["Geography", "Storage", "TestSupport", "Domain"]),
        .testTarget(name: "AccountsTests", dependencies: ["Accounts", "Storage", "TestSupport", "Domain", "Geography",
                                                         .product(name: "SQLKit", package: "sql-kit")]),
        .testTarget(
            name: "AppTests",
            dependencies: ["App", "TestSupport", "Accounts", "Domain", "Storage", "Geography", "CheckIn", "People", "ContactTracing", "HealthCertificates",
                           "Laboratory", "Reporting",
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), .product(name: "Logging", package: "swift-log"),
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HTTPTypes", package: "swift-http-types"),
                           .product(name: "SQLKit", package: "sql-kit"),
                           .product(name: "HummingbirdTesting", package: "hummingbird")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
