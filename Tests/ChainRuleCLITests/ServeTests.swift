#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport
import Testing

/// `chainrule serve` over real HTTP: the built binary on a free port
/// (`--port 0`), raw requests on loopback (no client clean-up of paths).
@Suite("chainrule serve: HTTP")
struct ServeTests {
    static let apples = "apple = 100\nn = 2\nprice = apple * n\ntax = 1.1\ntotal = price * tax\n"

    /// A folder with `apples.graph`, and a server watching it.
    func start(_ extra: [String] = [], file: String = "apples.graph", text: String = apples) throws -> (ServerProcess, URL) {
        let binary = try #require(CLI.binary, "chainrule is not built")
        let folder = try Repository.temporaryDirectory("serve-graph")
        try Data(text.utf8).write(to: folder.appendingPathComponent(file))
        let server = try ServerProcess(binary, ["serve", file, "--port", "0"] + extra, directory: folder)
        return (server, folder)
    }

    /// Opens the event stream at `path` and reads until `until` holds on the text so far.
    func events(_ server: ServerProcess, _ path: String, timeout: Double = 20, until: @escaping (String) -> Bool) throws -> String {
        let fd = try HTTPSocket.dial(port: server.port)
        defer { close(fd) }
        try HTTPSocket.sendAll(fd, Array("GET \(path) HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n".utf8))
        let bytes = HTTPSocket.readUntil(fd, timeout: timeout) { until(String(decoding: $0, as: UTF8.self)) }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("one graph file: / is its live view, with the export's policy plus connect-src 'self'")
    func livePage() throws {
        let (server, folder) = try start()
        defer { server.interrupt(); try? FileManager.default.removeItem(at: folder) }
        #expect(server.port > 0)
        #expect(server.banner.contains { $0.contains("live view of apples.graph") })
        let page = try server.request("GET", "/")
        #expect(page.status == 200)
        let csp = try #require(page.header("Content-Security-Policy"))
        #expect(csp.contains("default-src 'none'") && csp.contains("script-src 'sha256-") && csp.contains("connect-src 'self'"))
        #expect(!csp.contains("unsafe-eval") && !csp.contains("unsafe-inline'; script") && csp.contains("frame-ancestors 'none'"))
        #expect(page.body.contains("<meta http-equiv=\"Content-Security-Policy\""))
        #expect(page.body.contains("data-events=\"/graph/1/events\""))
        // The event stream carries the step model and node details; frames are SVG.
        let stream = try events(server, "/graph/1/events") { $0.contains("\"nodes\"") && $0.hasSuffix("\n\n") }
        #expect(stream.contains("text/event-stream"))
        #expect(stream.contains("event: graph"))
        #expect(stream.contains("\"version\":1"))
        #expect(stream.contains("∂total/∂apple = ∂total/∂price · ∂price/∂apple = 1.1 × 2 = 2.2"))
        let frame = try server.request("GET", "/graph/1/frame/1/3")
        #expect(frame.status == 200)
        #expect(frame.header("Content-Type")?.hasPrefix("image/svg+xml") == true)
        #expect(frame.body.hasPrefix("<svg") && frame.body.contains("id=\"f-node&#45;"), "nodes keep their ids (Graphviz writes - as &#45;)")
        #expect(try server.request("GET", "/graph/1/frame/7/3").status == 404, "a stale version's frame is gone")
        #expect(server.interrupt() == 0, "Ctrl-C ends the server cleanly")
    }

    @Test("saving the file pushes the new version; a syntax error sends the located diagnostic and keeps the last good graph")
    func editsArePushed() throws {
        let (server, folder) = try start()
        defer { server.interrupt(); try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("apples.graph")
        let fd = try HTTPSocket.dial(port: server.port)
        defer { close(fd) }
        try HTTPSocket.sendAll(fd, Array("GET /graph/1/events HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        var text = String(decoding: HTTPSocket.readUntil(fd, timeout: 20) { String(decoding: $0, as: UTF8.self).contains("\"version\":1") }, as: UTF8.self)
        #expect(text.contains("\"version\":1"))
        // An atomic save (a new file renamed over the old one), as editors do.
        let temp = folder.appendingPathComponent(".apples.graph.tmp")
        try Data((Self.apples + "double = total * 2\n").utf8).write(to: temp)
        _ = rename(temp.path, file.path)
        text = String(decoding: HTTPSocket.readUntil(fd, timeout: 20) { String(decoding: $0, as: UTF8.self).contains("\"version\":2") }, as: UTF8.self)
        #expect(text.contains("\"version\":2") && text.contains("double"))
        try Data((Self.apples + "oops = (total *\n").utf8).write(to: file)
        text = String(decoding: HTTPSocket.readUntil(fd, timeout: 20) { String(decoding: $0, as: UTF8.self).contains("error: ") }, as: UTF8.self)
        #expect(text.contains("apples.graph:6:16: error: "), "located: \(text.suffix(400))")
        #expect(text.contains("\"version\":2") && text.contains("double"), "the last good graph stays")
    }

    @Test("--host 0.0.0.0 serves the room and prints the address to share; a bad --host or --port is refused")
    func roomAddress() throws {
        let (server, folder) = try start(["--host", "0.0.0.0"])
        defer { server.interrupt(); try? FileManager.default.removeItem(at: folder) }
        #expect(server.banner.contains { $0.hasPrefix("share with the room: http://") && $0.hasSuffix(":\(server.port)/") }, "\(server.banner)")
        #expect(try server.request("GET", "/").status == 200)
        let binary = try #require(CLI.binary)
        let bad = try CLI.run(["serve", "apples.graph", "--host", "not-an-address", "--port", "0"], directory: folder)
        #expect(bad.status == 1 && bad.stderr.contains("'not-an-address' is not an IP address"), "\(bad)")
        let port = try CLI.run(["serve", "x.graph", "--port", "70000"], executable: binary)
        #expect(port.status != 0 && port.stderr.contains("--port must be 0…65535"), "\(port)")
        let missing = try CLI.run(["serve", "missing.graph", "--port", "0"], directory: folder)
        #expect(missing.status == 1 && missing.stderr.contains("cannot read 'missing.graph'"), "\(missing)")
    }

    @Test("path traversal (also percent-encoded), unknown paths and methods are refused; nothing outside is read")
    func traversalAndUnknownPaths() throws {
        let (server, folder) = try start()
        defer { server.interrupt(); try? FileManager.default.removeItem(at: folder) }
        for path in ["/../etc/passwd", "/graph/1/../../../etc/passwd", "/%2e%2e/etc/passwd", "/graph/%2E%2E/%2e%2e/etc/passwd",
                     "/..%2fetc%2fpasswd", "/graph/1/..%5c..%5cetc", "/lesson/..", "/graph/1/%00", "/./graph/1/"] {
            let r = try server.request("GET", path)
            #expect(r.status == 400, "\(path): \(r.status)")
            #expect(!r.body.contains("root:"), "\(path)")
        }
        for path in ["/nope", "/graph/2/", "/graph/0/", "/graph/x/", "/lesson/apples/", "/apples.graph", "/etc/passwd", "/graph/1/frame/1/99"] {
            let status = try server.request("GET", path).status
            #expect(status == 404, "\(path): \(status)")
        }
        #expect(try server.request("DELETE", "/").status == 405)
        #expect(try server.request("PUT", "/graph/1/").status == 405)
        // The 404 says why, as text, and carries the policy.
        let r = try server.request("GET", "/nope")
        #expect(r.body.contains("not found") && r.header("Content-Security-Policy") != nil)
    }

    @Test("absurd request sizes: long target 414, big headers 431, a body 413")
    func oversizedRequests() throws {
        let (server, folder) = try start()
        defer { server.interrupt(); try? FileManager.default.removeItem(at: folder) }
        #expect(try server.request("GET", "/" + String(repeating: "a", count: 5000)).status == 414)
        // 200 header lines of 100 bytes.
        let big = try server.request("GET", "/", headers: (0..<200).map { "X-Pad-\($0): " + String(repeating: "b", count: 100) })
        #expect(big.status == 431, "\(big.head)")
        // One huge header line, and a huge request line: refused once 16 KiB have
        // arrived (the server reads no further, so the cost stays linear and small).
        let hugeHeader = try server.raw(Array("GET / HTTP/1.1\r\nHost: x\r\nX-Long: ".utf8) + Array(repeating: 0x62, count: 256 * 1024))
        #expect(hugeHeader.status == 431, "\(hugeHeader.head)")
        #expect(hugeHeader.body.contains("16 KiB"))
        let hugeTarget = try server.raw(Array("GET /".utf8) + Array(repeating: 0x61, count: 256 * 1024))
        #expect(hugeTarget.status == 414, "\(hugeTarget.head)")
        #expect(try server.raw(Array("NONSENSE\r\n\r\n".utf8)).status == 400, "a request line that is not METHOD TARGET HTTP/1.x")
        #expect(try server.request("POST", "/graph/1/step?n=1", body: Array(repeating: 0x41, count: 8192)).status == 413)
        #expect(try server.request("GET", "/").status == 200, "still serving")
    }

    @Test("--present: presenter and follow URLs; followers cannot drive, a bad token is refused, the presenter's step reaches a follower")
    func followMode() throws {
        let (server, folder) = try start(["--present"])
        defer { server.interrupt(); try? FileManager.default.removeItem(at: folder) }
        let presenter = try #require(server.bannerValue("presenter"))
        let follow = try #require(server.bannerValue("follow"))
        #expect(follow == "http://127.0.0.1:\(server.port)/")
        let token = try #require(presenter.split(separator: "/").last.map(String.init))
        #expect(token.count == 32 && token.allSatisfy(\.isHexDigit), "128 random bits as hex")
        #expect(presenter == "http://127.0.0.1:\(server.port)/present/\(token)/")
        // Followers and strangers cannot drive.
        #expect(try server.request("POST", "/graph/1/step?n=2").status == 403)
        #expect(try server.request("POST", "/present/\(String(repeating: "0", count: 32))/graph/1/step?n=2").status == 403)
        #expect(try server.request("POST", "/present/\(token.dropLast())/graph/1/step?n=2").status == 403)
        #expect(try server.request("GET", "/present/nottoken/").status == 403)
        // The presenter's page says it drives; a follower's page says it follows.
        let presenterPage = try server.request("GET", "/present/\(token)/")
        #expect(presenterPage.status == 200 && presenterPage.body.contains("data-drive=\"/present/\(token)/graph/1/step\""))
        let followerPage = try server.request("GET", "/")
        #expect(followerPage.body.contains("data-follow=\"1\"") && !followerPage.body.contains(token))
        // A follower connected before the step gets it.
        let fd = try HTTPSocket.dial(port: server.port)
        defer { close(fd) }
        try HTTPSocket.sendAll(fd, Array("GET /graph/1/events HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        _ = HTTPSocket.readUntil(fd, timeout: 20) { String(decoding: $0, as: UTF8.self).contains("event: graph") }
        #expect(try server.request("POST", "/present/\(token)/graph/1/step?n=4").status == 204)
        let text = String(decoding: HTTPSocket.readUntil(fd, timeout: 20) { String(decoding: $0, as: UTF8.self).contains("event: step") }, as: UTF8.self)
        #expect(text.contains("event: step\ndata: {\"step\":4}"))
        #expect(try server.request("POST", "/present/\(token)/graph/1/step?n=x").status == 400)
        #expect(try server.request("POST", "/present/\(token)/graph/1/step?n=99").status == 400)
        // A follower who joins later gets the presenter's step at once.
        let late = try events(server, "/graph/1/events") { $0.contains("event: step") }
        #expect(late.contains("{\"step\":4}"))
    }

    @Test("a small room: 20 followers each get every one of 5 presenter steps, in order (Benchmarks/serve-load.py runs 200 and times it)")
    func smallRoom() throws {
        let (server, folder) = try start(["--present"])
        defer { server.interrupt(); try? FileManager.default.removeItem(at: folder) }
        let token = try #require(server.bannerValue("presenter")?.split(separator: "/").last.map(String.init))
        var followers: [Int32] = []
        defer { for fd in followers { close(fd) } }
        for _ in 0..<20 {
            let fd = try HTTPSocket.dial(port: server.port)
            followers.append(fd)
            try HTTPSocket.sendAll(fd, Array("GET /graph/1/events HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            _ = HTTPSocket.readUntil(fd, timeout: 20) { String(decoding: $0, as: UTF8.self).contains("event: graph") }
        }
        let steps = [3, 4, 5, 1, 8]
        for k in steps { #expect(try server.request("POST", "/present/\(token)/graph/1/step?n=\(k)").status == 204) }
        for fd in followers {
            let text = String(decoding: HTTPSocket.readUntil(fd, timeout: 20) {
                String(decoding: $0, as: UTF8.self).components(separatedBy: "event: step").count > steps.count
            }, as: UTF8.self)
            let got = text.components(separatedBy: "data: {\"step\":").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
            #expect(got == steps, "a follower got \(got)")
        }
    }

    @Test("live pages are bounded (--max-followers): beyond it 503 with a message saying why")
    func followerLimit() throws {
        let (server, folder) = try start(["--max-followers", "2"])
        defer { server.interrupt(); try? FileManager.default.removeItem(at: folder) }
        var open: [Int32] = []
        defer { for fd in open { close(fd) } }
        for _ in 0..<2 {
            let fd = try HTTPSocket.dial(port: server.port)
            open.append(fd)
            try HTTPSocket.sendAll(fd, Array("GET /graph/1/events HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            let text = String(decoding: HTTPSocket.readUntil(fd, timeout: 20) { String(decoding: $0, as: UTF8.self).contains("event: graph") }, as: UTF8.self)
            #expect(text.contains("200 OK"))
        }
        let refused = try server.request("GET", "/graph/1/events")
        #expect(refused.status == 503)
        #expect(refused.body.contains("full") && refused.body.contains("--max-followers"))
        // Pages still load; a slot frees when a page goes away.
        #expect(try server.request("GET", "/").status == 200)
        close(open.removeLast())
        var again = 0
        // The server notices the closed page at its next keep-alive write (every few seconds).
        for _ in 0..<300 {
            again = try server.request("GET", "/graph/1/events", timeout: 1).status
            if again == 200 { break }
            usleep(100_000)
        }
        #expect(again == 200, "a freed slot is reused")
    }

    @Test("lessons: the list, the export's slideshow on demand, a lesson linked from outside the folder is not served")
    func lessons() throws {
        let binary = try #require(CLI.binary, "chainrule is not built")
        let root = try Repository.temporaryDirectory("serve-lessons")
        defer { try? FileManager.default.removeItem(at: root) }
        let lessons = root.appendingPathComponent("lessons")
        let outside = root.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: lessons, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        let markdown = "# Apples <b>&</b> tax\n\nProse.\n\n```graph\n" + Self.apples + "```\n"
        try Data(markdown.utf8).write(to: lessons.appendingPathComponent("01-apples.md"))
        try Data(markdown.replacingOccurrences(of: "Apples", with: "Secret").utf8).write(to: outside.appendingPathComponent("02-secret.md"))
        try FileManager.default.createSymbolicLink(atPath: lessons.appendingPathComponent("02-secret.md").path,
                                                   withDestinationPath: outside.appendingPathComponent("02-secret.md").path)
        let server = try ServerProcess(binary, ["serve", "--lessons", lessons.path, "--port", "0"])
        defer { server.interrupt() }
        let home = try server.request("GET", "/")
        #expect(home.status == 200)
        #expect(home.body.contains("href=\"/lesson/apples/\""))
        #expect(home.body.contains("Apples &lt;b&gt;&amp;&lt;/b&gt; tax"), "lesson text is escaped")
        #expect(!home.body.contains("Secret") && !home.body.contains("secret"), "a link out of the folder is not served")
        #expect(try server.request("GET", "/lesson/secret/").status == 404)
        let show = try server.request("GET", "/lesson/apples/")
        #expect(show.status == 200)
        #expect(show.body.contains("<section class=\"slide "))
        #expect(show.body.contains("href=\"../../\""), "All lessons goes to the server's list")
        let csp = try #require(show.header("Content-Security-Policy"))
        #expect(csp.contains("script-src 'sha256-") && csp.contains("connect-src 'self'"))
        #expect(show.body.contains("connect-src 'self'"), "the page's own policy matches")
        #expect(try server.request("GET", "/lesson/apples/backward.svg").status == 200, "files beside the slideshow")
        #expect(try server.request("GET", "/lesson/apples/index.html").status == 404)
        #expect(try server.request("GET", "/lesson/apples/events").status == 404, "no follow mode without --present")
    }
}
