import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SegmentaCore
import SegmentaServer
import SegmentaStore

extension Segmenta {
    /// `segmenta serve`.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the server: SDK ingestion (Segment, RudderStack, PostHog), the read/admin API, scheduled recompute and webhooks.",
            discussion: """
            Point an SDK at http://HOST:PORT with a write key (Segment/RudderStack: host or dataPlaneUrl; PostHog: host).
            The API is under /api/v1 with `Authorization: Bearer TOKEN` (read or admin key); /openapi.json describes it.
            On first start with no keys, one write key and one admin key are created and printed once — or set
            SEGMENTA_WRITE_KEY and SEGMENTA_ADMIN_TOKEN to choose them.
            """
        )

        @Option(help: "Interface to listen on.") var host = "127.0.0.1"
        @Option(help: "Port (0 picks a free one and prints it).") var port = 8080
        @Option(help: ArgumentHelp("Time between scheduled recomputes, e.g. 15m, 1h, 30s; 0 turns them off.", valueName: "duration"))
        var refreshInterval = "15m"
        @Option(help: "Personas to find at each recompute (0: no clustering).") var clusters = 4
        @Flag(help: "Skip CLV (BG/NBD + Gamma-Gamma) at each recompute.") var noClv = false
        @Option(help: ArgumentHelp("Horizon of the churn model trained at each recompute (churn_risk), in days; 0: no churn model.", valueName: "days"))
        var churnHorizon = 90
        @Option(help: ArgumentHelp("The track event that means a customer left, for the churn model.", valueName: "name"))
        var churnEvent = "Subscription Cancelled"
        @OptionGroup var drift: DriftOptions
        @Option(help: ArgumentHelp("The secret a helpdesk signs support-card requests with (POST /support/card, e.g. a Help Scout dynamic app); at least 16 characters (default: $SEGMENTA_SUPPORT_CARD_SECRET; none: the card is off).", valueName: "secret"))
        var supportCardSecret: String?
        @Option(help: ArgumentHelp("Traits people are searched by, with any id (Profiles page, segment members, GET /api/v1/profiles?q=).", valueName: "t1,t2"))
        var searchTraits = "email,name"

        @Flag(help: "Let webhooks reach private-network addresses (10/8, 172.16/12, 192.168/16, fc00::/7), e.g. a CRM inside your network. Loopback and link-local stay refused.")
        var webhooksAllowPrivate = false
        @Option(help: ArgumentHelp("Longest a request's SQL may run before it is stopped (503), e.g. 30s, 2m; 0 for no limit.", valueName: "duration"))
        var queryTimeLimit = "30s"
        @Option(help: ArgumentHelp("Close keep-alive connections idle this long, e.g. 60s.", valueName: "duration"))
        var idleTimeout = "60s"
        @Option(help: ArgumentHelp("After SIGTERM or SIGINT, how long requests and analyses under way may finish before they are cancelled (rolled back), e.g. 10s; the process exits at most 5 s later.", valueName: "duration"))
        var shutdownGrace = "10s"
        @Option(help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error.", valueName: "level")) var logLevel = "info"
        @OptionGroup var store: StoreOptions

        /// The support card's secret in force: the flag, then `SEGMENTA_SUPPORT_CARD_SECRET`.
        var cardSecret: String? {
            supportCardSecret ?? ProcessInfo.processInfo.environment["SEGMENTA_SUPPORT_CARD_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        }

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
            guard Self.duration(refreshInterval) != nil else { throw ValidationError("--refresh-interval \"\(refreshInterval)\" is not a duration like 30s, 15m, 1h or 0") }
            guard Self.duration(queryTimeLimit) != nil else { throw ValidationError("--query-time-limit \"\(queryTimeLimit)\" is not a duration like 30s, 2m or 0") }
            guard Self.duration(shutdownGrace) != nil else { throw ValidationError("--shutdown-grace \"\(shutdownGrace)\" is not a duration like 10s, 1m or 0") }
            guard let idle = Self.duration(idleTimeout), idle >= .seconds(1) else { throw ValidationError("--idle-timeout \"\(idleTimeout)\" must be a duration of at least 1s, like 60s") }
            guard (0...3650).contains(churnHorizon) else { throw ValidationError("--churn-horizon must be between 0 (no churn model) and 3650 days, got \(churnHorizon)") }
            if let secret = cardSecret, secret.count < 16 {
                throw ValidationError("the support card's secret (--support-card-secret or SEGMENTA_SUPPORT_CARD_SECRET) needs at least 16 characters, got \(secret.count)")
            }
            guard !churnEvent.isEmpty else { throw ValidationError("--churn-event needs an event name, e.g. \"Subscription Cancelled\"") }
            guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error") }
        }

        func run() async throws {
            try await reportingErrors {
                var logger = Logger(label: "segmenta")
                logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
                let db = try await store.storage(existing: false, cache: .server)
                try await Self.ensureKeys(db)
                var config = ServerConfiguration()
                config.host = host
                config.port = port
                let interval = Self.duration(refreshInterval)!
                config.refreshInterval = interval == .zero ? nil : interval
                config.clusters = clusters > 0 ? clusters : nil
                config.computeCLV = !noClv
                config.churnHorizonDays = churnHorizon > 0 ? churnHorizon : nil
                config.churnEvent = churnEvent
                config.supportCardSecret = cardSecret
                config.alertLevel = drift.options.alpha
                config.alertSigma = drift.options.sizeSigma
                config.searchTraits = NameList.parse(searchTraits)
                config.webhookNetworks.allowPrivate = webhooksAllowPrivate
                let limit = Self.duration(queryTimeLimit) ?? .seconds(30)
                config.queryTimeLimit = limit == .zero ? nil : limit
                config.idleTimeout = Self.duration(idleTimeout) ?? .seconds(60)
                config.shutdownGrace = Self.duration(shutdownGrace) ?? .seconds(10)
                let parts = try ServerParts(storage: db, configuration: config, logger: logger)
                let app = buildApplication(parts) { port in
                    // Unbuffered, so scripts that start the server can read the port at once.
                    FileHandle.standardOutput.write(Data("segmenta serving \(store.location) on http://\(host):\(port) — API at /api/v1, OpenAPI at /openapi.json, metrics at /metrics\n".utf8))
                }
                do {
                    try await runServer(app, configuration: config, logger: logger) { Foundation.exit(1) }
                } catch {
                    if "\(error)".contains("Address already in use") {
                        throw CLIError("\(host):\(port) is already in use (another segmenta serve?); pick another port with --port, or --port 0 for a free one")
                    }
                    throw error
                }
            }
        }

        /// On first start: a write key and an admin key, from the environment or generated and printed once.
        static func ensureKeys(_ db: any Storage) async throws {
            let env = ProcessInfo.processInfo.environment
            if let write = env["SEGMENTA_WRITE_KEY"], !write.isEmpty { try await APIKeys.adopt(write, kind: .write, name: "SEGMENTA_WRITE_KEY", in: db) }
            if let admin = env["SEGMENTA_ADMIN_TOKEN"], !admin.isEmpty { try await APIKeys.adopt(admin, kind: .admin, name: "SEGMENTA_ADMIN_TOKEN", in: db) }
            let active = try await db.keys().filter { $0.revokedAt == nil }
            var created: [(String, String)] = []
            if !active.contains(where: { $0.kind == .write }) { created.append(("write", try await APIKeys.create(.write, name: "default write", in: db).token)) }
            if !active.contains(where: { $0.kind == .admin }) { created.append(("admin", try await APIKeys.create(.admin, name: "default admin", in: db).token)) }
            guard !created.isEmpty else { return }
            // Unbuffered: when stdout is a pipe or a log file, the keys must not wait in a buffer.
            var text = Terminal.bold("New keys — shown once, store them now (only their hashes are kept):") + "\n"
            for (kind, token) in created { text += "  \(kind) key: \(token)\n" }
            FileHandle.standardOutput.write(Data((text + "\n").utf8))
        }

        /// `30s`, `15m`, `1h`, `0`.
        static func duration(_ text: String) -> Duration? {
            if text == "0" { return .zero }
            guard let unit = text.last, let n = Int(text.dropLast()), (1...10_000_000).contains(n) else { return nil }
            switch unit {
            case "s": return .seconds(n)
            case "m": return .seconds(n * 60)
            case "h": return .seconds(n * 3600)
            default: return nil
            }
        }
    }
}
