public import SegmentaCore
import Foundation

/// Where the events live in ClickHouse: `clickhouse://[USER[:PASSWORD]@]HOST:PORT[,HOST:PORT…]/DATABASE[?cluster=NAME]`.
///
/// The port is ClickHouse's HTTP interface (8123 by default). With `cluster=NAME`, events are
/// sharded over the cluster of that name (as the servers' `remote_servers` define it) and every
/// host of the cluster must be listed: without ZooKeeper, ClickHouse cannot run `ON CLUSTER`
/// statements, so Segmenta creates its tables on each listed host itself. Queries go to the first
/// host. The password may come from `CLICKHOUSE_PASSWORD` instead of the URL (keeps it out of `ps`).
public struct ClickHouseURL: Sendable, Equatable {
    /// One server's HTTP address.
    public struct Host: Sendable, Equatable, CustomStringConvertible {
        /// The host name or address.
        public var name: String
        /// Its HTTP port.
        public var port: Int
        /// `name:port`.
        public var description: String { "\(name):\(port)" }
    }

    /// Every server's HTTP address (all of a cluster's, so tables can be created on each).
    public var hosts: [Host]
    /// The database Segmenta's tables live in.
    public var database: String
    /// The cluster of the servers' `remote_servers` (nil: one server).
    public var cluster: String?
    /// The user (`default` when not given).
    public var user: String
    /// The password, from the URL or `CLICKHOUSE_PASSWORD`.
    public var password: String?

    /// `host:port/database`, for messages (never the password).
    public var location: String { hosts.map(\.description).joined(separator: ",") + "/" + database + (cluster.map { "?cluster=\($0)" } ?? "") }

    static let example = "write it as clickhouse://HOST:8123/DATABASE, or clickhouse://HOST1:8123,HOST2:8123/DATABASE?cluster=NAME for a sharded cluster"

    /// Parses a URL; a malformed one is refused with what to write instead.
    public init(_ text: String) throws(SegmentaError) {
        guard let schemeEnd = text.range(of: "://"), text[..<schemeEnd.lowerBound].lowercased() == "clickhouse" else {
            throw SegmentaError(.invalidInput, "\"\(Self.redacted(text))\" is not a ClickHouse URL; \(Self.example)")
        }
        var rest = Substring(text[schemeEnd.upperBound...])
        var query = ""
        if let q = rest.firstIndex(of: "?") { query = String(rest[rest.index(after: q)...]); rest = rest[..<q] }
        var user = "default"
        var password: String? = nil
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let parts = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            user = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            if parts.count > 1 { password = String(parts[1]).removingPercentEncoding ?? String(parts[1]) }
        }
        guard let slash = rest.firstIndex(of: "/") else {
            throw SegmentaError(.invalidInput, "the ClickHouse URL names no database; \(Self.example)")
        }
        let database = String(rest[rest.index(after: slash)...])
        guard Self.isIdentifier(database) else {
            throw SegmentaError(.invalidInput, "\"\(database)\" is not a database name Segmenta uses: letters, digits and _ only, not starting with a digit; \(Self.example)")
        }
        var hosts: [Host] = []
        for address in rest[..<slash].split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = address.split(separator: ":", omittingEmptySubsequences: false)
            guard !pieces.isEmpty, !pieces[0].isEmpty, pieces.count <= 2 else {
                throw SegmentaError(.invalidInput, "\"\(address)\" is not a HOST:PORT; \(Self.example)")
            }
            var port = 8123
            if pieces.count == 2 {
                guard let p = Int(pieces[1]), (1...65535).contains(p) else {
                    throw SegmentaError(.invalidInput, "\"\(pieces[1])\" in \"\(address)\" is not a TCP port; \(Self.example)")
                }
                port = p
            }
            hosts.append(Host(name: String(pieces[0]), port: port))
        }
        var cluster: String? = nil
        for item in query.split(separator: "&") {
            let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = kv.count > 1 ? String(kv[1]).removingPercentEncoding ?? String(kv[1]) : ""
            switch kv[0] {
            case "cluster":
                guard Self.isIdentifier(value) else { throw SegmentaError(.invalidInput, "cluster=\(value) is not a cluster name (letters, digits and _); \(Self.example)") }
                cluster = value
            default:
                throw SegmentaError(.invalidInput, "\"\(kv[0])\" is not an option of a ClickHouse URL (only cluster=NAME is); \(Self.example)")
            }
        }
        if cluster == nil && hosts.count > 1 {
            throw SegmentaError(.invalidInput, "several hosts are listed but no cluster: add ?cluster=NAME (the cluster in the servers' remote_servers), or list one host; \(Self.example)")
        }
        self.hosts = hosts
        self.database = database
        self.cluster = cluster
        self.user = user
        self.password = password ?? ProcessInfo.processInfo.environment["CLICKHOUSE_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Letters, digits and `_`, not starting with a digit: names that need no quoting in ClickHouse.
    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.utf8.first, !(48...57).contains(first), s.utf8.count <= 64 else { return false }
        return s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 }
    }

    /// The URL with its password replaced by `***`.
    public static func redacted(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let scheme = text.range(of: "://"), scheme.upperBound < at else { return text }
        let credentials = text[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
