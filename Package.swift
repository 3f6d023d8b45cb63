// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "msoko",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "msoko", targets: ["msoko"]),
        .library(name: "MsokoCore", targets: ["MsokoCore"]),
        .library(name: "MsokoServer", targets: ["MsokoServer"]),
        .executable(name: "msoko-fuzz", targets: ["msoko-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // Pure-Swift domain core: no web or database dependency.
        .target(
            name: "MsokoCore",
            dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        // Vapor + Fluent server: models, migrations, controllers, views.
        .target(
            name: "MsokoServer",
            dependencies: [
                "MsokoCore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
            ],
            // The layout guide for contributors, not a resource.
            exclude: ["Features/README.md"],
            resources: [.copy("Resources")]
        ),
        .executableTarget(
            name: "msoko",
            dependencies: [
                "MsokoCore",
                "MsokoServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The attack's files, seeded mutations and the fuzz worker: every reader of user files.
        .target(name: "MsokoFuzzing", dependencies: ["MsokoCore"]),
        .executableTarget(
            name: "msoko-fuzz",
            dependencies: ["MsokoFuzzing", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Fixtures are read by path (#filePath), not as bundle resources.
        .testTarget(name: "MsokoCoreTests", dependencies: ["MsokoCore", "MsokoFuzzing"], exclude: ["Fixtures"]),
        .testTarget(
            name: "MsokoServerTests",
            dependencies: [
                "MsokoServer",
                .product(name: "XCTVapor", package: "vapor"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
