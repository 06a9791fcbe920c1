// swift-tools-version: 6.0
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "CoachLog",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // Debian's liblmdb-dev, never vendored.
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .target(name: "LMDB", dependencies: ["CLMDB", "CoachLogPOSIX"], swiftSettings: strict),
        .target(name: "CoachLogJSON", swiftSettings: strict),
        .target(name: "CoachLogPOSIX", swiftSettings: strict),
        .target(name: "CoachingDomain", dependencies: ["CoachLogProtocol", "CoachLogJSON"], swiftSettings: strict),
        // Keys and sealing for encryption at rest: the master key file, each person's data key.
        // The event log's hash chain and signed heads, pure: what anyone can check with the bytes and a public key.
        .target(name: "HashChain", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: strict),
        .target(
            name: "Sealing",
            dependencies: ["CoachLogPOSIX", "HashChain", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .target(
            name: "EventStore",
            dependencies: [
                "LMDB", "CoachingDomain", "CoachLogProtocol", "CoachLogJSON", "CoachLogPOSIX", "Sealing", "HashChain",
            ],
            swiftSettings: strict),

        .target(name: "CoachLogProtocol", dependencies: ["CoachLogJSON", "HashChain"], swiftSettings: strict),
        // Who may do what: the access file, roles and the policy, pure (the record comes in through a protocol).
        .target(name: "CoachLogAccess", dependencies: ["CoachLogProtocol", "CoachLogJSON"], swiftSettings: strict),
        .target(
            name: "CoachLogServer",
            dependencies: [
                "EventStore", "CoachLogProtocol", "CoachingDomain", "CoachLogJSON", "CoachLogPOSIX", "CoachLogAccess",
                "HashChain",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .target(name: "CoachLogClient", dependencies: ["CoachLogProtocol", "CoachLogJSON", "CoachLogPOSIX"], swiftSettings: strict),
        .executableTarget(
            name: "coachlogd",
            dependencies: [
                "CoachLogServer", "EventStore", "CoachLogProtocol", "Sealing", "CoachLogPOSIX", "HashChain",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        .executableTarget(
            name: "coachlog",
            dependencies: [
                // The client and the contract only: every rule lives in the daemon.
                "CoachLogClient", "CoachLogProtocol", "CoachLogJSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),

        // The web dashboard: a client of the socket like any other (Protocol.md only), on Hummingbird.
        .target(
            name: "CoachLogDashboard",
            dependencies: [
                "CoachLogClient", "CoachLogProtocol", "CoachLogJSON",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "coachlog-dashboard",
            dependencies: [
                "CoachLogDashboard", "CoachLogProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        // The log streamed into PostgreSQL for analytics: a client of the socket like any other, on postgres-nio.
        .target(
            name: "CoachLogPGSync",
            dependencies: [
                "CoachLogClient", "CoachLogProtocol", "CoachLogJSON", "CoachingDomain", "CoachLogPOSIX",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "coachlog-pgsync",
            dependencies: [
                "CoachLogPGSync",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),

        .executableTarget(
            name: "coachlog-bench",
            dependencies: [
                "CoachLogClient", "CoachLogProtocol", "CoachLogJSON", "CoachingDomain", "EventStore", "LMDB", "Sealing",
                "CoachLogPOSIX",
                // Workload H's ceiling sends exactly the overview's queries (`PageLoader.overviewQueries`).
                "CoachLogDashboard",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: strict
        ),

        // Support code shared by the test targets: seeded PRNG, temporary folders, built binaries, daemon harness,
        // JSON comparison by value, a headless browser.
        .target(
            name: "CoachLogTestSupport", dependencies: ["CoachLogJSON", "CoachLogClient", "CoachLogPOSIX"],
            path: "Tests/CoachLogTestSupport", swiftSettings: strict),

        .testTarget(name: "LMDBTests", dependencies: ["LMDB", "CoachLogTestSupport"], swiftSettings: strict),
        .testTarget(name: "CoachLogJSONTests", dependencies: ["CoachLogJSON", "CoachLogTestSupport"], swiftSettings: strict),
        .testTarget(name: "CoachLogPOSIXTests", dependencies: ["CoachLogPOSIX", "CoachLogTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "CoachLogAccessTests", dependencies: ["CoachLogAccess", "CoachLogProtocol", "CoachLogJSON"], swiftSettings: strict),
        .testTarget(name: "CoachingDomainTests", dependencies: ["CoachingDomain", "CoachLogProtocol", "CoachLogTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "CoachLogServerTests",
            dependencies: [
                "CoachLogClient", "CoachLogProtocol", "CoachLogJSON", "CoachLogTestSupport",
                // In-process tests of the connection state machine, its handler and the line decoder.
                "CoachLogServer", "EventStore", "CoachingDomain", "CoachLogPOSIX", "Sealing", "HashChain",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CoachLogProtocolTests",
            dependencies: ["CoachLogProtocol", "CoachLogJSON", "CoachLogPOSIX", "CoachLogTestSupport", "HashChain"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EventStoreTests",
            dependencies: ["EventStore", "CoachingDomain", "CoachLogProtocol", "LMDB", "Sealing", "CoachLogTestSupport"],
            exclude: ["Fixtures"],  // read by path (#filePath), so that the end-to-end tests share them
            swiftSettings: strict),
        .testTarget(name: "BenchmarkTests", dependencies: ["CoachLogJSON", "CoachLogTestSupport"], swiftSettings: strict),
        .testTarget(name: "CoachLogCLITests", dependencies: ["CoachLogJSON", "CoachLogTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "CoachLogDashboardTests",
            dependencies: [
                "CoachLogDashboard", "CoachLogClient", "CoachLogProtocol", "CoachLogJSON", "CoachLogTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CoachLogPGSyncTests",
            dependencies: [
                "CoachLogPGSync", "CoachLogClient", "CoachLogProtocol", "CoachLogJSON", "CoachingDomain",
                "CoachLogTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // A real headless Chromium over the DevTools pipe, for the web dashboard's tests (Debian's chromium).
        .testTarget(name: "BrowserHarnessTests", dependencies: ["CoachLogTestSupport", "CoachLogJSON"], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
