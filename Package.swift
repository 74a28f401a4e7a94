// swift-tools-version:6.0
import PackageDescription

/// One set of compiler settings for every target (house rule 1).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "segmenta",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "segmenta", targets: ["segmenta"]),
        .library(name: "SegmentaCore", targets: ["SegmentaCore"]),
        .library(name: "SegmentaStore", targets: ["SegmentaStore"]),
        .library(name: "SegmentaCharts", targets: ["SegmentaCharts"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
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
        // Storage: the Store and its SQLite backend (GRDB).
        .target(
            name: "SegmentaStore",
            dependencies: [
                "SegmentaCore",
                .product(name: "GRDB", package: "GRDB.swift"),
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
            name: "SegmentaChartsTests",
            dependencies: ["SegmentaCharts"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SegmentaStoreTests",
            dependencies: ["SegmentaCore", "SegmentaStore"],
            swiftSettings: swiftSettings
        ),
    ]
)
