// swift-tools-version:6.0
import PackageDescription

/// One set of compiler settings for every target (house rule 1).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "segmenta",
    platforms: [.macOS(.v15)],   // Synchronization's Mutex and Atomic need macOS 15
    products: [
        .executable(name: "segmenta", targets: ["segmenta"]),
        .library(name: "SegmentaCore", targets: ["SegmentaCore"]),
        .library(name: "SegmentaStore", targets: ["SegmentaStore"]),
        .library(name: "SegmentaCharts", targets: ["SegmentaCharts"]),
        .library(name: "SegmentaPages", targets: ["SegmentaPages"]),
        .library(name: "SegmentaJobs", targets: ["SegmentaJobs"]),
        .library(name: "SegmentaServer", targets: ["SegmentaServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // Pure domain and analytics: no I/O, no SQL driver, no HTTP.
        .target(
            name: "SegmentaCore",
            swiftSettings: swiftSettings
        ),
        // Data → accessible SVG charts. Pure.
        .target(
            name: "SegmentaCharts",
            dependencies: ["SegmentaCore"],
            swiftSettings: swiftSettings
        ),
        // Pages as values, rendered by Mustache templates (package resources, with the stylesheet
        // and the builder's script): the dashboard and `segmenta report` share one layout.
        .target(
            name: "SegmentaPages",
            dependencies: [
                "SegmentaCore",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        // Storage: the protocols, the condition compiler's dialects, and the backends: SQLite (GRDB), PostgreSQL (postgres-nio).
        .target(
            name: "SegmentaStore",
            dependencies: [
                "SegmentaCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),   // SQLite's C API, for binding on bulk inserts
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),   // ids of deleted people are kept only as SHA-256
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),   // sslmode=require|prefer in a postgres:// URL
                .product(name: "AsyncHTTPClient", package: "async-http-client"),   // ClickHouse's HTTP interface (events at scale)
            ],
            swiftSettings: swiftSettings
        ),
        // Recompute jobs: analyses run over the store and written back (CLI, demo and server share them).
        .target(
            name: "SegmentaJobs",
            dependencies: [
                "SegmentaCore",
                "SegmentaStore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP server: SDK ingestion, admin/read API, scheduled recompute, webhooks, privacy.
        .target(
            name: "SegmentaServer",
            dependencies: [
                "SegmentaCore",
                "SegmentaStore",
                "SegmentaJobs",
                "SegmentaCharts",
                "SegmentaPages",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The command-line interface.
        .executableTarget(
            name: "segmenta",
            dependencies: [
                "SegmentaCore",
                "SegmentaStore",
                "SegmentaCharts",
                "SegmentaPages",
                "SegmentaJobs",
                "SegmentaServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SegmentaCoreTests",
            dependencies: ["SegmentaCore"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SegmentaPagesTests",
            dependencies: ["SegmentaPages", "SegmentaCore", .product(name: "Mustache", package: "swift-mustache")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SegmentaChartsTests",
            dependencies: ["SegmentaCharts"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SegmentaServerTests",
            dependencies: [
                "SegmentaCore",
                "SegmentaStore",
                "SegmentaServer",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SegmentaCLITests",
            dependencies: ["segmenta", "SegmentaCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SegmentaJobsTests",
            dependencies: ["SegmentaCore", "SegmentaStore", "SegmentaJobs", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SegmentaStoreTests",
            dependencies: ["SegmentaCore", "SegmentaStore", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "PostgresNIO", package: "postgres-nio")],   // a plan's EXPLAIN, in one test
            swiftSettings: swiftSettings
        ),
    ]
)
