import CoachLogJSON
import CoachLogProtocol
import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// The dashboard: its routes, over one gateway to coachlogd, one live feed and
/// one metrics registry.
///
/// HTML pages: `/` (the team overview, `?coach=` for one coach's people),
/// `/salespeople/NAME`, `/overdue`; each takes `?asOf=` and, for the live
/// refresh, `?partial=1` (only the page's main content). The same data as JSON
/// under `/api/overview`, `/api/salespeople/NAME` and `/api/overdue`. Live
/// changes as server-sent events at `/events`; Prometheus text at `/metrics`.
public struct Dashboard: Sendable {
    /// The socket, the address and the credential it was made with.
    public let configuration: DashboardConfiguration
    /// Its one way to coachlogd for pages, the API and metrics.
    public let gateway: DaemonGateway
    /// The live feed behind `/events`; run it as a service beside the application (`run()` does).
    public let feed: LiveFeed
    /// What `/metrics` reports.
    public let metrics: DashboardMetrics
    let loader: PageLoader
    let viewers: ViewerCache
    let logger: Logger

    /// A dashboard for the daemon at `configuration.socketPath`; nothing connects until a page or the feed asks.
    public init(configuration: DashboardConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        gateway = DaemonGateway(socketPath: configuration.socketPath)
        feed = LiveFeed(gateway: gateway, logger: logger)
        metrics = DashboardMetrics()
        loader = PageLoader(gateway: gateway, directory: CoachDirectory())
        viewers = ViewerCache(gateway: gateway)
    }

    /// The Hummingbird application serving the router. Run it in one `ServiceGroup` after the live feed,
    /// `[application, feed]`, as `run()` does: the group stops services in reverse order, so the feed stops
    /// first and ends every open event stream, and the server's graceful shutdown does not wait on them.
    /// `onListening` gets the port actually bound (the configured one, or the one the system chose for port 0).
    public func application(onListening: @escaping @Sendable (Int) -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "coachlog-dashboard"),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT, then stops the live feed and the server gracefully.
    public func run(onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: application(onListening: onListening)), .init(service: feed)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// Every route, behind the credential when one is configured.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        if let credentials = configuration.credentials {
            router.add(middleware: CredentialsMiddleware(credentials: credentials))
        }
        router.get("/") { request, _ in
            await self.html(request, route: "/") { options, viewer throws(PageError) in
                let page = try await self.loader.overview(options, viewer: viewer)
                if case .coach = viewer { self.feed.follow(people: page.team.salespeople.map(\.salesperson)) }
                let renderer = Renderer(viewer: viewer)
                var keep: [(String, String)] = []
                if case .coach(let coach) = page.scope, viewer.seesEveryone { keep.append(("coach", coach)) }
                let watch: String
                if case .coach = page.scope {
                    watch = JSONWriter.string(.array(page.team.salespeople.map { .string($0.salesperson) }))
                } else {
                    watch = "*"
                }
                return (renderer.overview(page), "Team overview", watch, keep)
            }
        }
        router.get("/salespeople/:name") { request, context in
            let name = Self.decodedParameter(context, "name")
            return await self.html(request, route: "/salespeople/:name") { options, viewer throws(PageError) in
                let page = try await self.loader.salesperson(name, options: options, viewer: viewer)
                let watch = JSONWriter.string(.array([.string(name)]))
                return (Renderer(viewer: viewer).salesperson(page), name, watch, [])
            }
        }
        router.get("/overdue") { request, _ in
            await self.html(request, route: "/overdue") { options, viewer throws(PageError) in
                let page = try await self.loader.overdue(options, viewer: viewer)
                var keep: [(String, String)] = []
                if let coach = options.coach { keep.append(("coach", coach)) }
                return (Renderer(viewer: viewer).overdue(page), "Overdue commitments", "*", keep)
            }
        }
        router.get("/api/overview") { request, _ in
            await self.json(request, route: "/api/overview") { options, viewer throws(PageError) in
                let page = try await self.loader.overview(options, viewer: viewer)
                return [
                    "scope": page.scope.jsonValue, "coaches": .array(page.coaches.map { .string($0) }),
                    "team": page.raw.team, "followThrough": page.raw.followThrough,
                ]
            }
        }
        router.get("/api/salespeople/:name") { request, context in
            let name = Self.decodedParameter(context, "name")
            return await self.json(request, route: "/api/salespeople/:name") { options, viewer throws(PageError) in
                let page = try await self.loader.salesperson(name, options: options, viewer: viewer)
                var members = page.raw
                members["salesperson"] = .string(name)
                return .object(members)
            }
        }
        router.get("/api/overdue") { request, _ in
            await self.json(request, route: "/api/overdue") { options, viewer throws(PageError) in
                try await self.loader.overdue(options, viewer: viewer).raw
            }
        }
        router.get("/events") { _, _ in self.events() }
        router.get("/metrics") { _, _ in await self.metricsResponse() }
        router.get("/assets/style.css") { _, _ in Self.asset(Assets.css, type: "text/css; charset=utf-8") }
        // Browsers ask for it on every page; there is none, and saying so quietly keeps their logs clean.
        router.get("/favicon.ico") { _, _ in Response(status: .noContent) }
        router.get("/assets/app.js") { _, _ in Self.asset(Assets.javascript, type: "text/javascript; charset=utf-8") }
        return router
    }

    // MARK: Pages

    private typealias PageBody = (main: String, title: String, watch: String, keep: [(String, String)])

    private func html(
        _ request: Request, route: String, _ build: @Sendable (PageOptions, Viewer) async throws(PageError) -> PageBody
    ) async -> Response {
        let started = ContinuousClock.now
        let response: Response
        var options = PageOptions()
        do throws(PageError) {
            options = try PageOptions(query: request.uri.query)
            let (body, viewer) = try await asViewer(options, build)
            // Whom the page follows travels with its content, so a live refresh updates it too
            // (a coach's team that gained someone).
            let main = "<div id=\"live-watch\" hidden data-watch=\"\(Format.html(body.watch))\"></div>\n" + body.main
            let text =
                options.partial
                ? main
                : Renderer(viewer: viewer).document(
                    title: body.title, path: request.uri.path, main: main, options: options, keep: body.keep)
            response = Self.response(.ok, text, type: "text/html; charset=utf-8")
        } catch {
            let viewer = viewers.cached
            let renderer = Renderer(viewer: viewer ?? .nobody)
            let main = renderer.problem(error)
            let text =
                options.partial
                ? main
                : renderer.document(
                    title: "Problem", path: request.uri.path, main: main, options: options,
                    shownTo: viewer == nil ? "not known yet (coachlogd has not answered)" : nil)
            response = Self.response(HTTPResponse.Status(code: error.status), text, type: "text/html; charset=utf-8")
        }
        metrics.record(route: route, status: response.status.code, duration: ContinuousClock.now - started)
        return response
    }

    private func json(
        _ request: Request, route: String, _ build: @Sendable (PageOptions, Viewer) async throws(PageError) -> JSONValue
    ) async -> Response {
        let started = ContinuousClock.now
        let response: Response
        do throws(PageError) {
            let options = try PageOptions(query: request.uri.query, partial: false)
            let (value, _) = try await asViewer(options, build)
            response = Self.response(.ok, JSONWriter.bytes(value), type: "application/json")
        } catch {
            let body: JSONValue = ["error": ["status": .integer(Int64(error.status)), "message": .string(error.message)]]
            response = Self.response(HTTPResponse.Status(code: error.status), JSONWriter.bytes(body), type: "application/json")
        }
        metrics.record(route: route, status: response.status.code, duration: ContinuousClock.now - started)
        return response
    }

    /// Builds with the role coachlogd gives this dashboard; a refusal makes the role be asked again
    /// next time, since the operator may have changed the access file.
    private func asViewer<Value>(
        _ options: PageOptions, _ build: @Sendable (PageOptions, Viewer) async throws(PageError) -> Value
    ) async throws(PageError) -> (Value, Viewer) {
        let viewer = try await viewers.current()
        do throws(PageError) {
            return (try await build(options, viewer), viewer)
        } catch {
            if error.status == 403 { viewers.forget() }
            throw error
        }
    }

    // MARK: Live

    private func events() -> Response {
        let (id, signals) = feed.listen()
        metrics.livePages.set(to: Double(feed.listenerCount))
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-cache"
        let feed = self.feed, metrics = self.metrics
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                defer {
                    feed.stopListening(id)
                    metrics.livePages.set(to: Double(feed.listenerCount))
                }
                try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
                for await signal in signals {
                    try await writer.write(ByteBuffer(string: signal.serverSentEvent))
                }
                try await writer.finish(nil)
            })
    }

    private func metricsResponse() async -> Response {
        // A coach's dashboard may not ask for stats: a refusal still shows that the daemon is up.
        var reachable = true
        var stats: StatsReply?
        do {
            stats = try StatsReply(wire: try await gateway.request(.stats))
        } catch GatewayError.refused {
            reachable = true
        } catch {
            reachable = false
        }
        metrics.record(stats: stats, reachable: reachable)
        metrics.liveConnected.set(to: feed.isConnected ? 1 : 0)
        metrics.livePages.set(to: Double(feed.listenerCount))
        return Self.response(.ok, metrics.text(), type: "text/plain; version=0.0.4; charset=utf-8")
    }

    // MARK: Helpers

    static func decodedParameter(_ context: BasicRequestContext, _ name: String) -> String {
        let raw = context.parameters.get(name) ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    static func asset(_ text: String, type: String) -> Response {
        var response = response(.ok, text, type: type)
        response.headers[.cacheControl] = "max-age=300"
        return response
    }

    static func response(_ status: HTTPResponse.Status, _ text: String, type: String) -> Response {
        response(status, Array(text.utf8), type: type)
    }

    static func response(_ status: HTTPResponse.Status, _ bytes: [UInt8], type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// The role coachlogd gives this dashboard, asked once (`hello`) and asked again after a refusal,
/// since the operator may change the access file while the dashboard runs.
final class ViewerCache: Sendable {
    private let gateway: DaemonGateway
    private let viewer = NIOLockedValueBox<Viewer?>(nil)

    init(gateway: DaemonGateway) { self.gateway = gateway }

    var cached: Viewer? { viewer.withLockedValue { $0 } }

    func current() async throws(PageError) -> Viewer {
        if let known = cached { return known }
        let hello: HelloReply
        do {
            hello = try HelloReply(wire: try await gateway.request(.hello(HelloParameters(client: "coachlog-dashboard"))))
        } catch let error as GatewayError {
            throw PageError(error)
        } catch {
            throw PageError(status: 502, "coachlogd's hello could not be read: \(error)")
        }
        let current = Viewer(role: hello.role)
        viewer.withLockedValue { $0 = current }
        return current
    }

    func forget() { viewer.withLockedValue { $0 = nil } }
}
