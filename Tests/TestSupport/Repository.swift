import Foundation

/// Where the tests find the checkout and the built executables.
public enum Repository {
    /// The package root (this file is `Tests/TestSupport/Repository.swift`).
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shipped lessons.
    public static var lessons: URL { root.appendingPathComponent("Lessons") }

    /// The conformance cases (`Tests/Conformance`, see its README).
    public static var conformance: URL { root.appendingPathComponent("Tests/Conformance") }

    /// The built `chainrule`: `$CHAINRULE_BIN`, or the one in the build
    /// products folder of this test bundle (or a folder above it).
    public static let chainrule: String? = executable("chainrule", override: "CHAINRULE_BIN")

    /// The built `chainrule-fuzz`: `$CHAINRULE_FUZZ_BIN`, or the one beside the tests.
    public static let chainruleFuzz: String? = executable("chainrule-fuzz", override: "CHAINRULE_FUZZ_BIN")

    static func executable(_ name: String, override: String) -> String? {
        let fm = FileManager.default
        if let path = ProcessInfo.processInfo.environment[override], !path.isEmpty { return path }
        var starts: [URL] = []
        if let exe = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        if let first = CommandLine.arguments.first {
            starts.append(URL(fileURLWithPath: first).deletingLastPathComponent())
        }
        for start in starts {
            var directory = start
            for _ in 0..<5 {
                let candidate = directory.appendingPathComponent(name).path
                if fm.isExecutableFile(atPath: candidate) { return candidate }
                directory.deleteLastPathComponent()
            }
        }
        return nil
    }

    /// A program from the system folders (`/usr/bin`, `/usr/local/bin`, `/bin`,
    /// `/usr/sbin`), never from the test runner's `PATH`.
    public static func which(_ tool: String) -> String? {
        for dir in ["/usr/bin", "/usr/local/bin", "/bin", "/usr/sbin"]
        where FileManager.default.isExecutableFile(atPath: dir + "/" + tool) {
            return dir + "/" + tool
        }
        return nil
    }

    /// A new empty folder under the system's temporary folder.
    public static func temporaryDirectory(_ tag: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("chainrule-test-\(tag)-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `s` quoted for `/bin/sh`.
    public static func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
