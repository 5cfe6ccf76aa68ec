// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ChainRule",
    products: [
        .library(name: "ChainRule", targets: ["ChainRule"]),
        .library(name: "GraphScript", targets: ["GraphScript"]),
        .library(name: "ChainRuleRender", targets: ["ChainRuleRender"]),
        .library(name: "ChainRuleLessons", targets: ["ChainRuleLessons"]),
        .executable(name: "chainrule", targets: ["chainrule"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
    ],
    targets: [
        // C: Graphviz's cgraph + gvc. Only ChainRuleRender/Graphviz*.swift imports it.
        .systemLibrary(
            name: "CGraphviz",
            pkgConfig: "libgvc",
            providers: [.apt(["libgraphviz-dev"])]
        ),
        // The engine: tensors, graph, operations, forward/backward. Pure Swift, no I/O.
        .target(
            name: "ChainRule",
            dependencies: [.product(name: "RealModule", package: "swift-numerics")]
        ),
        // The graph script language: lexer → parser → AST → graph builder.
        .target(name: "GraphScript", dependencies: ["ChainRule"]),
        // DOT writer, themes, number formatting, Graphviz wrapper, terminal views.
        .target(name: "ChainRuleRender", dependencies: ["ChainRule", "CGraphviz"]),
        // Lesson parser, step model, player, exporter.
        .target(name: "ChainRuleLessons", dependencies: ["ChainRule", "GraphScript", "ChainRuleRender"]),
        // The shipped lessons, embedded at build time (Lessons/ → Swift source) by the EmbedLessons plugin.
        .executableTarget(name: "chainrule-embed-lessons"),
        .plugin(name: "EmbedLessons", capability: .buildTool(), dependencies: ["chainrule-embed-lessons"]),
        .target(name: "ShippedLessons", plugins: ["EmbedLessons"]),
        // The command-line tool.
        .executableTarget(
            name: "chainrule",
            dependencies: [
                "ChainRule", "GraphScript", "ChainRuleRender", "ChainRuleLessons", "ShippedLessons",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks: `swift run -c release chainrule-bench` (see Benchmarks/README.md).
        .executableTarget(
            name: "chainrule-bench",
            dependencies: ["ChainRule", "GraphScript", "ChainRuleRender", "ChainRuleLessons"],
            path: "Benchmarks/chainrule-bench"
        ),
        // Fuzzing the parsers: `Fuzz/run-libfuzzer.sh` or `chainrule-fuzz CORPUS…` (see Fuzz/README.md).
        .executableTarget(
            name: "chainrule-fuzz",
            dependencies: ["ChainRule", "GraphScript", "ChainRuleLessons"],
            path: "Fuzz/chainrule-fuzz"
        ),
        .testTarget(
            name: "ChainRuleTests",
            dependencies: [
                "ChainRule",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(name: "GraphScriptTests", dependencies: ["GraphScript", "ChainRule"]),
        .testTarget(name: "ChainRuleRenderTests", dependencies: ["ChainRuleRender", "ChainRule", "GraphScript"]),
        .testTarget(name: "ChainRuleLessonsTests", dependencies: ["ChainRuleLessons", "ChainRule", "GraphScript", "ChainRuleRender"]),
        // End-to-end: runs the built `chainrule` binary.
        .testTarget(name: "ChainRuleCLITests", dependencies: ["chainrule"]),
    ]
)
