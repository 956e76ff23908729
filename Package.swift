// swift-tools-version: 6.0
import PackageDescription

// jianfu (减负): the `jianfu` command, its only product; its modules see each other through `package`
// access (nothing is `public`). Imports point one way:
// jianfu (CLI) → JianfuPipeline → {JianfuIngest, JianfuIndicators, JianfuReports, JianfuStore} → JianfuModel;
// JianfuPipeline → JianfuHTTP → CCurl (libcurl) for HTTP(S) sources; JianfuStore → GRDB (SQLite),
// CPostgres (libpq) for the PostgreSQL store and Crypto (a bulletin's digest); JianfuModel → CSystem
// (mremap, for the grid's memory).
let package = Package(
    name: "jianfu",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "jianfu", targets: ["jianfu"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CSystem"),
        .target(name: "JianfuModel", dependencies: ["CSystem"]),
        .target(name: "JianfuHTTP", dependencies: ["CCurl"]),
        .target(name: "JianfuIngest", dependencies: ["JianfuModel", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "JianfuIndicators", dependencies: ["JianfuModel"]),
        .target(
            name: "JianfuReports",
            dependencies: ["JianfuModel", "JianfuIndicators", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .target(
            name: "JianfuStore",
            dependencies: [
                "JianfuModel", "CPostgres", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "JianfuPipeline",
            dependencies: [
                "JianfuModel", "JianfuIngest", "JianfuIndicators", "JianfuReports", "JianfuHTTP", "JianfuStore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "jianfu",
            dependencies: [
                "JianfuPipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "JianfuModelTests", dependencies: ["JianfuModel"]),
        .testTarget(name: "JianfuIngestTests", dependencies: ["JianfuIngest", "JianfuModel"]),
        .testTarget(name: "JianfuIndicatorsTests", dependencies: ["JianfuIndicators", "JianfuModel"]),
        .testTarget(name: "JianfuReportsTests", dependencies: ["JianfuReports", "JianfuIndicators", "JianfuModel"]),
        .testTarget(name: "JianfuPipelineTests", dependencies: ["JianfuPipeline", "JianfuReports", "JianfuModel"]),
        .testTarget(name: "JianfuStoreTests", dependencies: ["JianfuStore", "JianfuModel", "JianfuTestSupport"]),
        // What the three test targets that run the built binary share: finding and running it,
        // temporary folders, reading its outputs; and the private PostgreSQL cluster of the
        // store's tests (Foundation only; not a test target itself).
        .target(name: "JianfuTestSupport", path: "Tests/JianfuTestSupport"),
        .testTarget(
            name: "JianfuEndToEndTests",
            dependencies: ["jianfu", "JianfuTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Runs the built binary on fixtures/bad (imports only Foundation, Testing and JianfuTestSupport).
        .testTarget(name: "JianfuBadInputTests", dependencies: ["jianfu", "JianfuTestSupport"]),
        .testTarget(
            name: "JianfuHTTPTests",
            dependencies: ["jianfu", "JianfuTestSupport", "JianfuHTTP", "JianfuPipeline", "JianfuIngest", "JianfuModel"],
            exclude: ["server.py"]
        ),
    ]
)
