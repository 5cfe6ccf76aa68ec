import ChainRuleExport
import ChainRuleRender
import Foundation

/// Everything `chainrule serve` answers, independent of the HTTP package.
///
///     /                              the live view (one graph, nothing else), else the list
///     /graph/N/                      the live view of graph file N
///     /graph/N/events                its event stream (figure updates; the presenter's step)
///     /graph/N/frame/VERSION/STEP    one step's figure (SVG), STEP 0 = the finished pass
///     /lesson/ID/                    the lesson's slideshow (exported on first view)
///     /lesson/ID/events              the presenter's steps (--present)
///     /lesson/ID/FILE                a file the export wrote beside it (backward.svg, …)
///     /present/TOKEN/…               the same pages for the presenter, whose
///                                    steps the followers see (POST …/step?n=K)
///
/// Anything else is 404; a climbing path is 400 (`ServeSecurity`).
package final class ServeRoutes: Sendable {
    /// The watched graph files, numbered from 1 in the order given.
    package let graphs: [GraphWatcher]
    package let lessons: ServeLessons
    package let hub: EventHub
    /// The presenter's token (`--present`), else `nil`.
    package let token: String?
    let theme: FigureTheme

    package init(graphs: [GraphWatcher], lessons: ServeLessons, hub: EventHub, token: String?, theme: FigureTheme = .light) {
        self.graphs = graphs
        self.lessons = lessons
        self.hub = hub
        self.token = token
        self.theme = theme
    }

    /// Whether `/` is the one graph's live view rather than a list.
    package var singleGraph: Bool { graphs.count == 1 && lessons.lessons.isEmpty }

    /// The answer to `request`.
    package func respond(_ request: ServeRequest) async -> ServeResponse {
        if let refusal = ServeSecurity.refusal(request) { return refusal }
        var segments = request.rawPath.split(separator: "/", omittingEmptySubsequences: true)
            .map { String($0).removingPercentEncoding ?? String($0) }
        var presenter = false
        if segments.first == "present" {
            guard let token else { return .message(404, "not found: this server was started without --present") }
            guard segments.count >= 2, ServeSecurity.sameToken(segments[1], token) else {
                return .message(403, "forbidden: wrong presenter token (use the presenter URL printed at start-up)")
            }
            presenter = true
            segments.removeFirst(2)
        }
        let prefix = presenter ? "/present/\(token!)" : ""
        let post = request.method == "POST"
        if post && segments.last != "step" {
            return .message(405, "only a presenter's step is posted (…/step?n=K)", extra: [("Allow", "GET, HEAD")])
        }
        switch segments.first {
        case nil:
            if singleGraph { return await graphPage(1, prefix: prefix, presenter: presenter, home: nil) }
            return await homePage(prefix: prefix, presenter: presenter)
        case "graph":
            guard segments.count >= 2, let n = Int(segments[1]), graphs.indices.contains(n - 1) else { break }
            let rest = Array(segments.dropFirst(2))
            if rest.isEmpty { return await graphPage(n, prefix: prefix, presenter: presenter, home: singleGraph ? nil : prefix + "/") }
            if rest == ["events"], !post { return await events("graph/\(n)") }
            if rest == ["step"] {
                let count = await graphs[n - 1].graph?.model.steps.count ?? 0
                return await step(channel: "graph/\(n)", post: post, presenter: presenter, request: request, range: 0...count)
            }
            if rest.count == 3, rest[0] == "frame", let v = Int(rest[1]), let k = Int(rest[2]) {
                do {
                    guard let svg = try await graphs[n - 1].frame(version: v, step: k) else {
                        return .message(404, "no such frame (the file changed since: the page loads the new one)")
                    }
                    return .data(svg, type: "image/svg+xml; charset=utf-8")
                } catch {
                    return .message(500, "cannot draw the figure: \(error)")
                }
            }
        case "lesson":
            guard segments.count >= 2, lessons.lessons.contains(where: { $0.id == segments[1] }) else { break }
            let id = segments[1]
            let rest = Array(segments.dropFirst(2))
            if rest.isEmpty { return await lessonPage(id, prefix: prefix, presenter: presenter) }
            if rest == ["events"], !post {
                guard token != nil else { return .message(404, "not found: follow mode needs --present") }
                return await events("lesson/\(id)")
            }
            if rest == ["step"] {
                guard case .success(let exported)? = await lessons.exported(id) else { return .message(404, "no such lesson") }
                return await step(channel: "lesson/\(id)", post: post, presenter: presenter, request: request, range: 1...max(1, exported.slides))
            }
            if rest.count == 1, !post, case .success(let exported)? = await lessons.exported(id), let bytes = exported.files[rest[0]] {
                let type = rest[0].hasSuffix(".svg") ? "image/svg+xml" : rest[0].hasSuffix(".pdf") ? "application/pdf" : "image/png"
                return ServeResponse(status: 200, headers: [("Content-Type", type)] + ServeSecurity.headers(csp: ServeSecurity.dataPolicy), body: .bytes(bytes))
            }
        default:
            break
        }
        return .message(404, "not found: this server shows only the files it was started with (see / for the list)")
    }

    func events(_ channel: String) async -> ServeResponse {
        guard let stream = await hub.subscribe(channel) else {
            return .message(503, "this server is full: \(hub.limit) live pages are open, the most it allows (chainrule serve --max-followers N raises it); close a tab or ask the presenter",
                            extra: [("Retry-After", "10")])
        }
        return ServeResponse(status: 200, headers: [("Content-Type", "text/event-stream; charset=utf-8"), ("X-Accel-Buffering", "no")]
                                + ServeSecurity.headers(csp: ServeSecurity.dataPolicy), body: .events(stream))
    }

    /// A presenter's step (`POST …/step?n=K`): sent to every follower.
    func step(channel: String, post: Bool, presenter: Bool, request: ServeRequest, range: ClosedRange<Int>) async -> ServeResponse {
        guard post else { return .message(405, "post the step (POST …/step?n=K)", extra: [("Allow", "POST")]) }
        guard presenter else {
            return .message(403, "forbidden: only the presenter's page drives the step (followers follow; step on your own page instead)")
        }
        guard let text = request.query["n"], let n = Int(text), range.contains(n) else {
            return .message(400, "bad step: give n=K with K in \(range.lowerBound)…\(range.upperBound)")
        }
        await hub.publish(channel, kind: "step", data: "{\"step\":\(n)}")
        return ServeResponse(status: 204, headers: ServeSecurity.headers(csp: ServeSecurity.dataPolicy))
    }

    func graphPage(_ n: Int, prefix: String, presenter: Bool, home: String?) async -> ServeResponse {
        let watcher = graphs[n - 1]
        let role = LivePage.Role(events: "/graph/\(n)/events", frames: "/graph/\(n)/frame/",
                                 drive: presenter ? "\(prefix)/graph/\(n)/step" : nil,
                                 follows: token != nil && !presenter, home: home)
        let html = LivePage.html(title: watcher.displayName, role: role, theme: theme)
        return .html(html, csp: ServeSecurity.pagePolicy(scriptHashes: [ServePage.hash(LivePage.script)]))
    }

    func lessonPage(_ id: String, prefix: String, presenter: Bool) async -> ServeResponse {
        switch await lessons.exported(id) {
        case .success(let exported)?:
            let html = ServedSlideshow.html(exported.html,
                                            events: token != nil && !presenter ? "/lesson/\(id)/events" : nil,
                                            drive: presenter ? "\(prefix)/lesson/\(id)/step" : nil)
            return .html(html, csp: ServedSlideshow.policy(of: html))
        case .failure(let failure)?:
            return .html(HomePage.errorPage(failure.message, theme: theme), csp: ServeSecurity.pagePolicy(scriptHashes: []), status: 500)
        case nil:
            return .message(404, "no such lesson")
        }
    }

    func homePage(prefix: String, presenter: Bool) async -> ServeResponse {
        var items: [HomePage.Item] = []
        for (i, g) in graphs.enumerated() {
            items.append(HomePage.Item(kicker: "Live graph", title: g.displayName, href: "\(prefix)/graph/\(i + 1)/"))
        }
        for lesson in lessons.lessons {
            items.append(HomePage.Item(kicker: lesson.number.map { "Lesson \($0)" } ?? "Lesson", title: lesson.title, href: "\(prefix)/lesson/\(lesson.id)/"))
        }
        let html = HomePage.html(items: items, presenter: presenter, theme: theme)
        return .html(html, csp: ServeSecurity.pagePolicy(scriptHashes: []))
    }
}
