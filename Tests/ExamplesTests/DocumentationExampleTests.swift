import Foundation
import Testing

/// The code in the documentation is code that builds and runs: every Swift
/// block of the README is a whole file of `Examples/` (which the package
/// builds, and `ExampleProgramTests` runs), every Swift block of a DocC
/// article is a run of consecutive lines of one, and every `$ command`
/// transcript of the README prints what it shows.
@Suite struct DocumentationExampleTests {
    /// Every Swift file of `Examples/`, by package-relative path.
    static func exampleFiles() throws -> [String: String] {
        var files: [String: String] = [:]
        for path in packageFiles(under: "Examples", endingIn: ".swift") {
            files[path] = try packageFile(path)
        }
        return files
    }

    @Test func readmeSwiftBlocksAreWholeExampleFiles() throws {
        let examples = try Self.exampleFiles()
        let blocks = codeBlocks(in: try packageFile("README.md"), file: "README.md")
            .filter { $0.language == "swift" && !$0.body.hasPrefix("// swift-tools-version") }
        #expect(blocks.count >= 2)
        var shown: Set<String> = []
        for block in blocks {
            let match = examples.first { $0.value == block.body }
            #expect(match != nil, "\(block) is not a file of Examples/; copy it there (or the file here) so it is built and run")
            if let match { shown.insert(match.key) }
        }
        // Each example program is shown once in the README, or in a DocC article.
        #expect(shown.count == blocks.count, "two README blocks show the same example")
    }

    /// The `Package.swift` a user copies names this release and products that exist.
    @Test func readmeManifestNamesThisVersion() throws {
        let chainrule = try #require(builtProgram("chainrule"))
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // `chainrule --version` prints the version first (`0.2.0` or `chainrule 0.2.0`, perhaps more lines).
        let printed = try run(chainrule, ["--version"], in: folder).out
        let version = String(printed.split(separator: "\n").first?.split(separator: " ").last ?? "")
        #expect(version.split(separator: ".").count == 3 && version.allSatisfy { $0.isNumber || $0 == "." },
                "chainrule --version printed '\(version)', not MAJOR.MINOR.PATCH")
        let manifests = codeBlocks(in: try packageFile("README.md"), file: "README.md")
            .filter { $0.language == "swift" && $0.body.hasPrefix("// swift-tools-version") }
        #expect(manifests.count == 1)
        let ours = try packageFile("Package.swift")
        for manifest in manifests {
            #expect(manifest.body.contains("from: \"\(version)\")"), "\(manifest) should depend on from: \"\(version)\"")
            for product in manifest.body.matches(of: /\.product\(name: "([A-Za-z]+)", package: "ChainRule"\)/) {
                #expect(ours.contains(".library(name: \"\(product.1)\""), "\(manifest): no library product \(product.1)")
            }
        }
        // The newest release in CHANGELOG.md is this version.
        let changelog = try packageFile("CHANGELOG.md")
        let newest = changelog.split(separator: "\n").first { $0.hasPrefix("## [") && !$0.hasPrefix("## [Unreleased]") }
        #expect(newest?.hasPrefix("## [\(version)]") == true, "CHANGELOG.md's newest release is '\(newest ?? "")', chainrule --version says \(version)")
    }

    @Test func doccSwiftBlocksAreExcerptsOfExamples() throws {
        let examples = try Self.exampleFiles()
        let articles = packageFiles(under: "Sources", endingIn: ".md").filter { $0.contains(".docc/") }
        #expect(!articles.isEmpty)
        var checked = 0
        for article in articles {
            for block in codeBlocks(in: try packageFile(article), file: article) where block.language == "swift" {
                let found = examples.values.contains { Self.isExcerpt(block.body, of: $0) }
                #expect(found, "\(block) is not a run of whole lines of a file in Examples/")
                checked += 1
            }
        }
        #expect(checked > 0)
    }

    /// Whether `excerpt`'s lines are consecutive whole lines of `file`.
    static func isExcerpt(_ excerpt: String, of file: String) -> Bool {
        let lines = file.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var wanted = excerpt.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if wanted.last == "" { wanted.removeLast() }
        guard !wanted.isEmpty, wanted.count <= lines.count else { return false }
        return (0...(lines.count - wanted.count)).contains { Array(lines[$0..<$0 + wanted.count]) == wanted }
    }

    /// `$ cat FILE` shows `Examples/FILE`; `$ chainrule …` prints exactly the
    /// lines below it (stdout then stderr), run in a folder holding the example
    /// graphs, and fails exactly when it shows an `error:`.
    @Test func readmeTranscriptsPrintWhatTheyShow() throws {
        let chainrule = try #require(builtProgram("chainrule"), "build the chainrule executable first")
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for graph in packageFiles(under: "Examples", endingIn: ".graph") {
            let name = (graph as NSString).lastPathComponent
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent(graph),
                                             to: folder.appendingPathComponent(name))
        }
        let transcripts = codeBlocks(in: try packageFile("README.md"), file: "README.md")
            .filter { $0.language == "sh" && $0.body.hasPrefix("$ ") }
        #expect(transcripts.count >= 2)
        var commands = 0
        for block in transcripts {
            for (command, shown) in Self.commands(of: block.body) {
                commands += 1
                let words = command.split(separator: " ").map(String.init)
                switch words.first {
                case "cat":
                    let file = try packageFile("Examples/" + words[1])
                    #expect(file == shown, "\(block): `\(command)` shows something else than Examples/\(words[1])")
                case "chainrule":
                    let r = try run(chainrule, Array(words.dropFirst()), in: folder)
                    #expect(r.out + r.err == shown, "\(block): `\(command)` printed\n\(r.out + r.err)")
                    #expect((r.status != 0) == shown.contains("error:"), "\(block): `\(command)` exited \(r.status)")
                default:
                    Issue.record("\(block): the test cannot run `\(command)`; use cat or chainrule")
                }
            }
        }
        #expect(commands >= 5)
    }

    /// The `$ command` lines of a transcript, each with the text it prints.
    static func commands(of transcript: String) -> [(command: String, output: String)] {
        var result: [(command: String, output: String)] = []
        for line in transcript.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            if line.hasPrefix("$ ") {
                result.append((String(line.dropFirst(2)), ""))
            } else if !result.isEmpty {
                result[result.count - 1].output += line + "\n"
            }
        }
        return result
    }
}
