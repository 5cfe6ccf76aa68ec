#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Hardening (issue 8): every fault ends in a one-line reason and a non-zero
/// exit status — never a trap — and never leaves a half-written file.
/// These run the real binary; they hold as root (CI) too.
@Suite(.serialized) struct FaultTests {
    static let apples = "apple = 100\nn = 2\nprice = apple * n\ntax = 1.1\ntotal = price * tax\n"

    // MARK: - Output folder not writable

    @Test func drawIntoAFolderThatIsAFile() throws {
        let dir = try Harden.temporaryDirectory("notdir")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("apples.graph")
        try Harden.write(Self.apples, to: script)
        let file = dir.appendingPathComponent("file.txt")
        try Harden.write("keep me\n", to: file)
        // A path under a regular file cannot be created, even by root.
        for format in ["svg", "pdf", "png", "dot"] {
            let target = file.appendingPathComponent("out.\(format)").path
            let r = try Harden.run(["draw", script.path, "-o", target])
            #expect(r.exited && r.status == 1, "\(format): \(r)")
            #expect(r.stderr == "error: cannot write '\(target)': '\(file.path)' is a file, not a directory\n")
        }
        #expect(try String(contentsOf: file, encoding: .utf8) == "keep me\n")
        let missing = try Harden.run(["draw", script.path, "-o", dir.appendingPathComponent("no/such/dir/out.svg").path])
        #expect(missing.exited && missing.status == 1 && missing.stderr.contains("no such directory"))
        let isDir = try Harden.run(["draw", script.path, "-o", dir.path])
        #expect(isDir.exited && isDir.status == 1)
        #expect(Harden.files(under: dir) == ["apples.graph", "file.txt"])
    }

    @Test func exportIntoAFolderThatIsAFile() throws {
        let dir = try Harden.temporaryDirectory("exportnotdir")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("file.txt")
        try Harden.write("keep me\n", to: file)
        let r = try Harden.run(["export", "apples", "--quiet", "-o", file.appendingPathComponent("out").path])
        #expect(r.exited && r.status == 1)
        #expect(r.stderr.hasPrefix("error: ") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stderr.contains("file.txt exists and is not a folder"), "\(r.stderr)")
        let onFile = try Harden.run(["export", "apples", "--quiet", "-o", file.path])
        #expect(onFile.exited && onFile.status == 1 && onFile.stderr.contains("file.txt exists and is not a folder"), "\(onFile.stderr)")
        #expect(Harden.files(under: dir) == ["file.txt"])
    }

    /// Permission bits only stop a non-root user; as root this part is skipped
    /// (the file-under-a-file cases above cover root).
    @Test(.enabled(if: geteuid() != 0, "root ignores permission bits"))
    func readOnlyFolder() throws {
        let dir = try Harden.temporaryDirectory("readonly")
        defer { chmod(dir.path, 0o755); try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("apples.graph")
        try Harden.write(Self.apples, to: script)
        let locked = dir.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
        chmod(locked.path, 0o555)
        let r = try Harden.run(["draw", script.path, "-o", locked.appendingPathComponent("out.svg").path])
        #expect(r.exited && r.status == 1 && r.stderr.contains("Permission denied"), "\(r.stderr)")
        let e = try Harden.run(["export", "apples", "--quiet", "-o", locked.appendingPathComponent("out").path])
        #expect(e.exited && e.status == 1)
        #expect(Harden.files(under: locked).isEmpty)
    }

    // MARK: - Disk full

    /// Standard output on a full device (`> /dev/full`): every command that
    /// prints says so and exits 1 (Foundation's FileHandle.write used to trap).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "no /dev/full"))
    func standardOutputOnAFullDevice() throws {
        let dir = try Harden.temporaryDirectory("devfull")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("apples.graph")
        try Harden.write(Self.apples, to: script)
        for command in ["draw \(script.path)", "draw \(script.path) --format png", "eval \(script.path)",
                        "eval \(script.path) --json", "lesson apples --no-pause", "lessons"] {
            let r = try Harden.shell("exec \"$CHAINRULE\" \(command) > /dev/full")
            #expect(r.exited && r.status == 1, "\(command): \(r)")
            #expect(r.stderr.hasSuffix("error: cannot write to standard output: No space left on device\n"), "\(command): \(r.stderr)")
        }
        // Errors on a full standard error: still exit 1, no trap.
        for command in ["lesson no-such-lesson", "eval \(script.path)x", "export no-such-lesson -o /tmp/never"] {
            let r = try Harden.shell("exec \"$CHAINRULE\" \(command) 2> /dev/full")
            #expect(r.exited && r.status == 1, "\(command): \(r)")
        }
    }

    /// A file size limit (`ulimit -f`, SIGXFSZ ignored) makes write(2) fail
    /// part-way, like a full disk, without needing root: draw reports errno's
    /// reason and leaves nothing; export stops with a one-line error and
    /// leaves only complete files, all listed in its manifests.
    @Test func writeFailsPartWay() throws {
        let dir = try Harden.temporaryDirectory("fsize")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("apples.graph")
        try Harden.write(Self.apples, to: script)
        let out = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        // 16 blocks of 512 bytes: an apples PNG is bigger, its SVG is not.
        let limit = "ulimit -f 16; trap '' XFSZ; exec \"$CHAINRULE\""
        let png = try Harden.shell("\(limit) draw \(Harden.shellQuote(script.path)) -o \(Harden.shellQuote(out.path))/a.png")
        #expect(png.exited && png.status == 1, "\(png)")
        #expect(png.stderr == "error: cannot write '\(out.path)/a.png': File too large\n")
        #expect(Harden.files(under: out).isEmpty)
        let export = try Harden.shell("\(limit) export apples --quiet -o \(Harden.shellQuote(out.path))/lessons", directory: CLI.repository)
        #expect(export.exited && export.status == 1, "\(export)")
        #expect(export.stderr.contains("File too large") && export.stderr.split(separator: "\n").count == 1, "\(export.stderr)")
        #expect(Harden.exportProblems(in: out.appendingPathComponent("lessons")) == [])
        // Without the limit, the same export completes over what was left.
        let again = try Harden.run(["export", "apples", "--quiet", "-o", out.appendingPathComponent("lessons").path])
        #expect(again.exited && again.status == 0, "\(again.stderr)")
        #expect(Harden.exportProblems(in: out.appendingPathComponent("lessons")) == [])
    }

    /// A real full disk: a 192 KB tmpfs, when this process may mount one
    /// (root with CAP_SYS_ADMIN, as in CI containers); skipped otherwise.
    @Test(.enabled(if: Self.mayMountTmpfs, "mounting a tmpfs is not allowed here (the ulimit test covers a full disk)"))
    func diskFullOnATmpfs() throws {
        let mount = try #require(Harden.which("mount")), umount = try #require(Harden.which("umount"))
        let dir = try Harden.temporaryDirectory("tmpfs")
        defer { try? FileManager.default.removeItem(at: dir) }
        let disk = dir.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        let mounted = try Harden.run(["-t", "tmpfs", "-o", "size=192k", "tmpfs", disk.path], executable: mount)
        try #require(mounted.exited && mounted.status == 0, "\(mounted)")
        defer { _ = try? Harden.run([disk.path], executable: umount) }
        let script = dir.appendingPathComponent("apples.graph")
        try Harden.write(Self.apples, to: script)

        let export = try Harden.run(["export", "apples", "--quiet", "-o", disk.appendingPathComponent("lessons").path])
        #expect(export.exited && export.status == 1, "\(export)")
        #expect(export.stderr.contains("No space left on device") && export.stderr.split(separator: "\n").count == 1, "\(export.stderr)")
        // The manifests themselves may not fit: files must still be complete, none temporary.
        #expect(Harden.exportProblems(in: disk.appendingPathComponent("lessons"), requireListed: false) == [])

        // Fill what is left, then draw: a one-line reason, no partial file.
        _ = try Harden.shell("cat /dev/zero > \(Harden.shellQuote(disk.path))/filler 2>/dev/null; true")
        let before = Harden.files(under: disk)
        let draw = try Harden.run(["draw", script.path, "-o", disk.appendingPathComponent("a.png").path])
        #expect(draw.exited && draw.status == 1)
        #expect(draw.stderr == "error: cannot write '\(disk.path)/a.png': No space left on device\n")
        #expect(Harden.files(under: disk) == before)
    }

    // MARK: - Graphviz plugins missing

    /// GVBINDIR pointing at an empty folder: no plugin loads. doctor explains
    /// the fix and exits 1; draw names the format it could not make; nothing traps.
    @Test func graphvizPluginFolderEmpty() throws {
        let dir = try Harden.temporaryDirectory("gvbindir")
        defer { try? FileManager.default.removeItem(at: dir) }
        let plugins = dir.appendingPathComponent("plugins")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
        let script = dir.appendingPathComponent("apples.graph")
        try Harden.write(Self.apples, to: script)
        let env = ["GVBINDIR": plugins.path]

        let doctor = try Harden.run(["doctor"], environment: env)
        #expect(doctor.exited && doctor.status == 1, "\(doctor)")
        #expect(doctor.stdout.contains("svg    FAILED"))
        #expect(doctor.stdout.contains("GVBINDIR is set to '\(plugins.path)'"))
        #expect(doctor.stdout.contains("unset GVBINDIR"))
        #expect(doctor.stdout.contains("sudo dot -c"))

        // DOT is written by ChainRule itself, without Graphviz: it still works.
        let dot = try Harden.run(["draw", script.path, "--format", "dot"], environment: env)
        #expect(dot.exited && dot.status == 0 && dot.stdout.hasPrefix("digraph"), "\(dot.stderr)")
        for format in ["svg", "pdf", "png"] {
            let out = dir.appendingPathComponent("out.\(format)")
            let r = try Harden.run(["draw", script.path, "-o", out.path], environment: env)
            #expect(r.exited && r.status == 1, "\(format): \(r)")
            #expect(r.stderr.hasPrefix("error: cannot draw the figure as \(format.uppercased()): "), "\(r.stderr)")
            #expect(r.stderr.contains("chainrule doctor"))
            #expect(!r.stderr.hasSuffix("Use one of:\n"))
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
        let export = try Harden.run(["export", "apples", "--quiet", "-o", dir.appendingPathComponent("lessons").path], environment: env)
        #expect(export.exited && export.status == 1 && export.stderr.hasPrefix("error: "), "\(export)")
    }

    /// Only the core and layout plugins registered (no cairo/pango): SVG and
    /// DOT still work, PDF and PNG fail by name.
    @Test(.enabled(if: Self.systemPluginFolder() != nil, "Graphviz's plugin folder (config6a) not found"))
    func graphvizWithoutTheCairoPlugin() throws {
        let system = try #require(Self.systemPluginFolder())
        let dir = try Harden.temporaryDirectory("gvpartial")
        defer { try? FileManager.default.removeItem(at: dir) }
        let plugins = dir.appendingPathComponent("plugins")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
        // config6a lists the plugin libraries; keep the blocks of three of them.
        let config = try String(contentsOf: system.appendingPathComponent("config6a"), encoding: .utf8)
        let keep = ["libgvplugin_core", "libgvplugin_dot_layout", "libgvplugin_neato_layout"]
        var kept: [String] = [], inBlock = false
        for line in config.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, !first.isWhitespace, first != "#", first != "}" {
                inBlock = keep.contains { line.hasPrefix($0) }
                if inBlock, let library = line.split(separator: " ").first {
                    try FileManager.default.createSymbolicLink(at: plugins.appendingPathComponent(String(library)),
                                                               withDestinationURL: system.appendingPathComponent(String(library)))
                }
            }
            if inBlock { kept.append(String(line)) }
            if line == "}" { inBlock = false }
        }
        try #require(kept.count > 10, "config6a had no core/dot_layout blocks")
        try Harden.write(kept.joined(separator: "\n") + "\n", to: plugins.appendingPathComponent("config6a"))
        let script = dir.appendingPathComponent("apples.graph")
        try Harden.write(Self.apples, to: script)
        let env = ["GVBINDIR": plugins.path]

        let doctor = try Harden.run(["doctor"], environment: env)
        #expect(doctor.exited && doctor.status == 1)
        #expect(doctor.stdout.contains("svg    ok") && doctor.stdout.contains("png    FAILED"), "\(doctor.stdout)")
        #expect(doctor.stdout.contains("Some formats do not render (pdf, png)"), "\(doctor.stdout)")
        for format in ["svg", "dot"] {
            let r = try Harden.run(["draw", script.path, "-o", dir.appendingPathComponent("ok.\(format)").path], environment: env)
            #expect(r.exited && r.status == 0, "\(format): \(r.stderr)")
        }
        for format in ["pdf", "png"] {
            let out = dir.appendingPathComponent("no.\(format)")
            let r = try Harden.run(["draw", script.path, "-o", out.path], environment: env)
            #expect(r.exited && r.status == 1)
            #expect(r.stderr.hasPrefix("error: cannot draw the figure as \(format.uppercased()): "), "\(r.stderr)")
            #expect(r.stderr.contains("renderer for \(format) is unavailable"), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
    }

    /// Root with the right to mount a tmpfs (CAP_SYS_ADMIN, as in CI containers):
    /// tried once, on a scratch folder.
    static let mayMountTmpfs: Bool = {
        guard geteuid() == 0, let mount = Harden.which("mount"), let umount = Harden.which("umount"),
              let dir = try? Harden.temporaryDirectory("tmpfs-probe") else { return false }
        defer { try? FileManager.default.removeItem(at: dir) }
        guard let r = try? Harden.run(["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir.path], executable: mount),
              r.exited && r.status == 0 else { return false }
        _ = try? Harden.run([dir.path], executable: umount)
        return true
    }()

    /// Graphviz's plugin folder on this machine (the one holding config6a).
    static func systemPluginFolder() -> URL? {
        var candidates = ["/usr/lib/x86_64-linux-gnu/graphviz", "/usr/lib/aarch64-linux-gnu/graphviz",
                          "/usr/lib64/graphviz", "/usr/lib/graphviz", "/usr/local/lib/graphviz"]
        if let pc = try? Harden.run(["--variable=libdir", "libgvc"], executable: Harden.which("pkg-config") ?? "/usr/bin/pkg-config"),
           pc.exited, pc.status == 0 {
            candidates.insert(pc.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + "/graphviz", at: 0)
        }
        return candidates.map { URL(fileURLWithPath: $0) }
            .first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("config6a").path) }
    }

    // MARK: - A lesson's data file missing

    @Test func lessonDataFileMissing() throws {
        let dir = try Harden.temporaryDirectory("nodata")
        defer { try? FileManager.default.removeItem(at: dir) }
        let lesson = dir.appendingPathComponent("01-nodata.md")
        try Harden.write("""
            # Training without data

            ```graph
            X = zeros(4, 3)
            W = randn(3, 2, scale=0.1, seed=1)
            t = [0, 1, 1, 0]
            L = softmax_cross_entropy(X @ W, t)
            ```

            > data data/missing.csv: label=label

            """, to: lesson)
        let play = try Harden.run(["lesson", lesson.path, "--no-pause"], directory: dir)
        #expect(play.exited && play.status == 1)
        #expect(play.stderr.hasPrefix("\(lesson.path):10:8: error: data file 'data/missing.csv' not found"), "\(play.stderr)")
        let out = dir.appendingPathComponent("out")
        let export = try Harden.run(["export", lesson.path, "--quiet", "-o", out.path], directory: dir)
        #expect(export.exited && export.status == 1)
        #expect(export.stderr.hasPrefix("\(lesson.path):10:8: error: data file 'data/missing.csv' not found"), "\(export.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        // A data path that is a folder, not a file: located too.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("data/missing.csv"), withIntermediateDirectories: true)
        let folder = try Harden.run(["lesson", lesson.path, "--no-pause"], directory: dir)
        #expect(folder.exited && folder.status == 1 && folder.stderr.hasPrefix("\(lesson.path):10:"), "\(folder.stderr)")
    }

    // MARK: - Ctrl-C

    /// SIGINT in the middle of an export of every lesson: the export finishes
    /// the file it is writing, records what it wrote, and dies of SIGINT.
    /// Only complete files remain, all in the manifests, no temporary files;
    /// the next export runs over them.
    @Test func interruptedExportLeavesOnlyCompleteFiles() throws {
        let dir = try Harden.temporaryDirectory("sigint")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        let r = try Harden.run(["export", "--quiet", "-o", out.path]) { process in
            // As soon as the first figure exists, interrupt.
            Harden.waitUntil { Harden.files(under: out).contains { $0.hasSuffix(".svg") } || !process.isRunning }
            if process.isRunning { kill(process.processIdentifier, SIGINT) }
        }
        if r.exited {
            // The export won the race (a very fast machine): it must have succeeded.
            #expect(r.status == 0, "\(r)")
        } else {
            #expect(r.signal == SIGINT)
            #expect(r.stderr.contains("interrupted"))
        }
        #expect(Harden.exportProblems(in: out) == [])
        let again = try Harden.run(["export", "apples", "fan-out", "--quiet", "-o", out.path])
        #expect(again.exited && again.status == 0, "\(again.stderr)")
        #expect(Harden.exportProblems(in: out) == [])
    }

    /// Two SIGINTs: the second one stops at once, still without leaving a
    /// temporary or truncated file (the manifests may then be behind).
    @Test func secondInterruptStopsAtOnce() throws {
        let dir = try Harden.temporaryDirectory("sigint2")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        let r = try Harden.run(["export", "--quiet", "-o", out.path]) { process in
            Harden.waitUntil { Harden.files(under: out).count >= 3 || !process.isRunning }
            // Back to back: the second is delivered as soon as the first handler returns.
            kill(process.processIdentifier, SIGINT)
            kill(process.processIdentifier, SIGINT)
        }
        #expect(!r.exited || r.status == 0, "\(r)")
        #expect(Harden.exportProblems(in: out, requireListed: false) == [])
    }

    /// SIGTERM and SIGHUP are handled like Ctrl-C; an export started with
    /// SIGINT ignored (nohup, a script's background job) keeps ignoring it.
    @Test func terminateAndIgnoredInterrupt() throws {
        let dir = try Harden.temporaryDirectory("sigterm")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("term")
        let r = try Harden.run(["export", "apples", "fan-out", "--quiet", "-o", out.path]) { process in
            Harden.waitUntil { !Harden.files(under: out).isEmpty || !process.isRunning }
            kill(process.processIdentifier, SIGTERM)
        }
        #expect(r.exited ? r.status == 0 : r.signal == SIGTERM, "\(r)")
        #expect(Harden.exportProblems(in: out) == [])

        let ignored = dir.appendingPathComponent("ignored")
        let i = try Harden.run(["-c", "trap '' INT; exec \"$CHAINRULE\" export apples --quiet -o \(Harden.shellQuote(ignored.path))"],
                               executable: "/bin/sh", environment: ["CHAINRULE": try Harden.binary]) { process in
            Harden.waitUntil { !Harden.files(under: ignored).isEmpty || !process.isRunning }
            kill(process.processIdentifier, SIGINT)
        }
        #expect(i.exited && i.status == 0, "SIGINT was ignored when the export started: \(i)")
        #expect(Harden.exportProblems(in: ignored) == [])
    }
}
