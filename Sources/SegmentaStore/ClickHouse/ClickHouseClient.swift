public import SegmentaCore
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// ClickHouse's HTTP interface: a statement in a POST body, results as tab-separated text,
/// bulk rows as `JSONEachRow` data after an `INSERT … FORMAT JSONEachRow` in the URL.
///
/// Every request names the database and asks for synchronous distributed inserts
/// (`insert_distributed_sync=1`): an insert into a `Distributed` table returns once each shard
/// holds its rows, so an acknowledgement means the engine has the data. A ClickHouse error comes
/// back as a ``SegmentaError`` with the server's own message; an unreachable host says which.
package struct ClickHouseClient: Sendable {
    let url: ClickHouseURL
    /// Longest a statement may run on the server (seconds).
    var maxExecutionSeconds = 600

    package init(_ url: ClickHouseURL) { self.url = url }

    /// The host queries go to.
    var primary: ClickHouseURL.Host { url.hosts[0] }

    /// Runs a statement that returns nothing (DDL, `INSERT … SELECT`, mutations).
    package func execute(_ sql: String, on host: ClickHouseURL.Host? = nil, database: Bool = true) async throws(SegmentaError) {
        _ = try await send(body: ByteBuffer(string: sql), query: nil, host: host ?? primary, database: database)
    }

    /// Runs a query and returns its rows, each a list of fields (`FORMAT TabSeparated`, unescaped).
    package func rows(_ sql: String, on host: ClickHouseURL.Host? = nil, database: Bool = true) async throws(SegmentaError) -> [[String]] {
        let text = try await send(body: ByteBuffer(string: sql + "\nFORMAT TabSeparated"), query: nil, host: host ?? primary, database: database)
        return Self.parseTabSeparated(text)
    }

    /// The first column of every row.
    package func column(_ sql: String, on host: ClickHouseURL.Host? = nil, database: Bool = true) async throws(SegmentaError) -> [String] {
        try await rows(sql, on: host, database: database).map { $0.first ?? "" }
    }

    /// Sends rows as `JSONEachRow` data into `table` (one JSON object per line).
    package func insert(into table: String, jsonEachRow body: String, on host: ClickHouseURL.Host? = nil) async throws(SegmentaError) {
        guard !body.isEmpty else { return }
        _ = try await send(body: ByteBuffer(string: body), query: "INSERT INTO \(table) FORMAT JSONEachRow", host: host ?? primary, database: true)
    }

    /// True when `host` answers ClickHouse's `/ping` within `seconds` (a connection refused counts
    /// as no answer at once; the client would otherwise keep retrying the connection until its deadline).
    package func ping(_ host: ClickHouseURL.Host, seconds: Int64 = 2) async -> Bool {
        var components = URLComponents()
        components.scheme = "http"
        components.host = host.name
        components.port = host.port
        components.path = "/ping"
        guard let address = components.string else { return false }
        do {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: address), timeout: .seconds(seconds))
            _ = try await response.body.collect(upTo: 1024)
            return response.status == .ok
        } catch {
            return false
        }
    }

    func send(body: ByteBuffer, query: String?, host: ClickHouseURL.Host, database: Bool) async throws(SegmentaError) -> String {
        var components = URLComponents()
        components.scheme = "http"
        components.host = host.name
        components.port = host.port
        components.path = "/"
        var items = [URLQueryItem(name: "insert_distributed_sync", value: "1"),
                     URLQueryItem(name: "max_execution_time", value: String(maxExecutionSeconds))]
        if database { items.append(URLQueryItem(name: "database", value: url.database)) }
        if let query { items.append(URLQueryItem(name: "query", value: query)) }
        components.queryItems = items
        guard let address = components.string else { throw SegmentaError(.invalidInput, "cannot build a URL for ClickHouse at \(host)") }
        var request = HTTPClientRequest(url: address)
        request.method = .POST
        request.body = .bytes(body)
        let credentials = Data((url.user + ":" + (url.password ?? "")).utf8).base64EncodedString()
        request.headers.add(name: "Authorization", value: "Basic " + credentials)
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(Int64(maxExecutionSeconds) + 30))
            let buffer = try await response.body.collect(upTo: 1 << 30)
            let text = String(buffer: buffer)
            guard response.status == .ok else {
                throw SegmentaError(.storage, "ClickHouse at \(host) refused a statement: \(Self.firstLine(text))")
            }
            return text
        } catch let error as SegmentaError {
            throw error
        } catch {
            throw SegmentaError(.storage, "cannot reach ClickHouse at \(host) (\(error)); is the server running, and is \(host.port) its HTTP port (8123 by default)?", underlying: error)
        }
    }

    static func firstLine(_ text: String) -> String {
        let line = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? text
        return line.count > 600 ? String(line.prefix(600)) + "…" : line
    }

    /// Splits `TabSeparated` output into rows of unescaped fields.
    static func parseTabSeparated(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            rows.append(line.split(separator: "\t", omittingEmptySubsequences: false).map { unescape($0) })
        }
        return rows
    }

    /// Undoes `TabSeparated` escaping (`\t`, `\n`, `\\`, `\'`, `\0`, …).
    static func unescape(_ field: Substring) -> String {
        guard field.utf8.contains(92) else { return String(field) }
        var out = [UInt8]()
        var bytes = field.utf8.makeIterator()
        while let b = bytes.next() {
            guard b == 92, let e = bytes.next() else { out.append(b); continue }
            switch e {
            case 116: out.append(9)      // t
            case 110: out.append(10)     // n
            case 114: out.append(13)     // r
            case 98: out.append(8)       // b
            case 102: out.append(12)     // f
            case 48: out.append(0)       // 0
            case 97: out.append(7)       // a
            case 118: out.append(11)     // v
            default: out.append(e)       // \\ \' and anything else: the byte itself
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
