// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ChainRule",
    products: [
        .library(name: "ChainRule", targets: ["ChainRule"]),
        .library(name: "GraphScript", targets: ["GraphScript"]),
        .library(name: "ChainRuleRender", targets: ["ChainRuleRender"]),
        .library(name: "ChainRuleLessons", targets: ["ChainRuleLessons"]),
        .library(name: "ChainRulePlayer", targets: ["ChainRulePlayer"]),
        .library(name: "ChainRuleExport", targets: ["ChainRuleExport"]),
        .executable(name: "chainrule", targets: ["chainrule"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        // `chainrule serve`'s sockets: FlyingSocks, the lower module of FlyingFox
        // (docs/SERVE.md says why this one, and why not FlyingFox's HTTP module).
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // C: Graphviz's cgraph + gvc. Only ChainRuleRender/Graphviz*.swift imports it.
        .systemLibrary(
            name: "CGraphviz",
            pkgConfig: "libgvc",
            providers: [.apt(["libgraphviz-dev"])]
        ),
        // C: the vector matrix kernel (AVX2, chosen at run time). Only ChainRule/MatrixKernel.swift imports it.
        .target(name: "CChainRuleKernels"),
        // The engine: tensors, graph, operations, forward/backward. Pure Swift, no I/O.
        .target(
            name: "ChainRule",
            dependencies: ["CChainRuleKernels", .product(name: "RealModule", package: "swift-numerics")]
        ),
        // Helpers every layer shares, one per job (package access): the escaper
        // of each output context, the atomic writer, "did you mean", the
        // diagnostic renderer, byte search.
        .target(name: "ChainRuleSupport"),
        // The graph script language: lexer → parser → AST → graph builder.
        .target(name: "GraphScript", dependencies: ["ChainRule", "ChainRuleSupport"]),
        // DOT writer, themes, number formatting, Graphviz wrapper, terminal views.
        // C beside Graphviz: the guard around a crash in Graphviz 2.42's dot layout, and the
        // built-in text layout (DejaVu Sans metrics, so SVG never loads pango). Only
        // ChainRuleRender/Graphviz*.swift imports it.
        .target(name: "CGraphvizGuard", linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("gvc"), .linkedLibrary("m")]),
        .target(name: "ChainRuleRender", dependencies: ["ChainRule", "ChainRuleSupport", "CGraphviz", "CGraphvizGuard"]),
        // The lesson model: Markdown lesson parser, directives, step model, training, datasets.
        .target(name: "ChainRuleLessons", dependencies: ["ChainRule", "ChainRuleSupport", "GraphScript", "ChainRuleRender"]),
        // Files compiled into the binary (a folder → Swift source) by the EmbedFiles plugin,
        // so an installed `chainrule` needs no resource bundle: the shipped lessons
        // (Lessons/), and the exporter's script and styles (Sources/ChainRuleExport/Embedded).
        .executableTarget(name: "chainrule-embed-files"),
        .plugin(name: "EmbedFiles", capability: .buildTool(), dependencies: ["chainrule-embed-files"]),
        .target(name: "ShippedLessons", plugins: ["EmbedFiles"]),
        // The terminal player: raw terminal, keys, step views.
        .target(name: "ChainRulePlayer", dependencies: ["ChainRule", "ChainRuleRender", "ChainRuleLessons"]),
        // The exporter: SVG frames, HTML slideshow, index page, atomic file store.
        // Its slideshow script and styles are files in Embedded/, compiled in by EmbedFiles.
        .target(
            name: "ChainRuleExport",
            dependencies: ["ChainRule", "ChainRuleSupport", "ChainRuleRender", "ChainRuleLessons"],
            exclude: ["Embedded"],
            plugins: ["EmbedFiles"]
        ),
        // `chainrule serve`: the live graph view, lessons on demand, follow mode (docs/SERVE.md).
        // Not a product: only the CLI uses it (everything in it has `package` access).
        // Its HTTP/1.1 framing (ServeServer, ServeConnection) sits on FlyingSocks' async
        // sockets; the routes are plain Swift. Its scripts and styles are files in
        // Embedded/, compiled in by EmbedFiles.
        .target(
            name: "ChainRuleServe",
            dependencies: [
                "ChainRule", "ChainRuleSupport", "GraphScript", "ChainRuleRender", "ChainRuleLessons", "ChainRuleExport",
                .product(name: "FlyingSocks", package: "FlyingFox"),
            ],
            exclude: ["Embedded"],
            plugins: ["EmbedFiles"]
        ),
        // The command-line tool.
        .executableTarget(
            name: "chainrule",
            dependencies: [
                "ChainRule", "ChainRuleSupport", "GraphScript", "ChainRuleRender", "ChainRuleLessons", "ChainRulePlayer", "ChainRuleExport", "ChainRuleServe", "ShippedLessons",
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
        // Examples (Examples/README.md): small programs and tests a user of the
        // library would write. The README and the DocC articles show them verbatim;
        // ExamplesTests checks that, and runs them.
        .executableTarget(name: "first-graph", dependencies: ["ChainRule"], path: "Examples/first-graph"),
        .executableTarget(name: "run-script", dependencies: ["ChainRule", "GraphScript"], path: "Examples/run-script"),
        .executableTarget(name: "draw-graph", dependencies: ["ChainRule", "ChainRuleRender"], path: "Examples/draw-graph"),
        .executableTarget(name: "step-frames", dependencies: ["ChainRule", "ChainRuleRender"], path: "Examples/step-frames"),
        .executableTarget(name: "lesson", dependencies: ["ChainRuleLessons", "ChainRulePlayer", "ChainRuleExport"], path: "Examples/lesson"),
        .testTarget(name: "GradientCheckExample", dependencies: ["ChainRule"], path: "Examples/gradient-tests"),
        // Shared by the test targets: the process runner, tmux harness, paths, seed.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "ChainRuleTests", dependencies: ["ChainRule", "TestSupport"]),
        .testTarget(name: "GraphScriptTests", dependencies: ["GraphScript", "ChainRule", "TestSupport"]),
        .testTarget(name: "ChainRuleRenderTests", dependencies: ["ChainRuleRender", "ChainRule", "GraphScript", "TestSupport"]),
        .testTarget(
            name: "ChainRuleLessonsTests",
            dependencies: ["ChainRuleLessons", "ChainRulePlayer", "ChainRuleExport", "ChainRule", "GraphScript", "ChainRuleRender", "TestSupport"]
        ),
        // End-to-end: runs the built `chainrule` (and `chainrule-fuzz`) binaries.
        .testTarget(name: "ChainRuleCLITests", dependencies: ["chainrule", "chainrule-fuzz", "TestSupport"]),
        // The README and DocC examples: equal to Examples/, and they run.
        .testTarget(name: "ExamplesTests", dependencies: ["chainrule", "first-graph", "run-script", "draw-graph", "step-frames", "lesson"]),
    ]
)

// `make docs` builds the DocC documentation with swift-docc-plugin. It is a
// dependency only then (CHAINRULE_DOCS=1), so neither our own builds nor the
// packages that depend on ChainRule resolve or fetch it.
if Context.environment["CHAINRULE_DOCS"] != nil {
    package.dependencies.append(.package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"))
}
