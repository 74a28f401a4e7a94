import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where webhooks may be delivered, checked on the addresses a URL's host resolves to (so a
/// hostname that points at `127.0.0.1` is refused like the literal). Anyone with an admin key
/// chooses webhook URLs; without this check, the server would POST for them into its own
/// network: its loopback services, the cloud metadata endpoint (169.254.169.254), or private hosts.
public struct WebhookNetworkPolicy: Sendable, Equatable {
    /// Allow RFC 1918 (10/8, 172.16/12, 192.168/16), carrier-grade NAT (100.64/10) and IPv6
    /// unique-local (fc00::/7) addresses: for a CRM inside the company network. Off by default.
    public var allowPrivate = false
    /// Allow loopback: for tests with a receiver on the same machine only. Never set by the CLI.
    public var allowLoopback = false

    /// A policy: public addresses always, private ones and loopback only when allowed.
    public init(allowPrivate: Bool = false, allowLoopback: Bool = false) {
        self.allowPrivate = allowPrivate
        self.allowLoopback = allowLoopback
    }

    /// Why an address may not be used, or nil when it may.
    public func refusal(_ address: WebhookTarget.Address) -> String? {
        switch address.scope {
        case .global: return nil
        case .privateNetwork: return allowPrivate ? nil : "\(address) is a private-network address; start the server with --webhooks-allow-private to deliver inside your network"
        case .loopback: return allowLoopback ? nil : "\(address) is a loopback address (this machine)"
        case .linkLocal: return "\(address) is link-local (169.254.0.0/16 or fe80::/10, where cloud metadata services live)"
        case .unspecified: return "\(address) is the unspecified address"
        case .multicast: return "\(address) is a multicast or broadcast address"
        case .reserved: return "\(address) is in a reserved range"
        }
    }
}

/// Resolving and classifying webhook hosts.
public enum WebhookTarget {
    /// What kind of network an address belongs to.
    public enum Scope: Sendable, Equatable { case global, privateNetwork, loopback, linkLocal, unspecified, multicast, reserved }

    /// An IPv4 (4 bytes) or IPv6 (16 bytes) address.
    public struct Address: Sendable, Equatable, CustomStringConvertible {
        /// The address' bytes, network order.
        public var bytes: [UInt8]

        /// An address of 4 or 16 bytes.
        public init?(bytes: [UInt8]) {
            guard bytes.count == 4 || bytes.count == 16 else { return nil }
            self.bytes = bytes
        }

        /// Parses a literal (`10.0.0.1`, `::1`, `[::1]`).
        public init?(literal text: String) {
            let t = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
            var v4 = in_addr(), v6 = in6_addr()
            if inet_pton(AF_INET, t, &v4) == 1 {
                self.bytes = withUnsafeBytes(of: &v4) { Array($0) }
            } else if inet_pton(AF_INET6, t, &v6) == 1 {
                self.bytes = withUnsafeBytes(of: &v6) { Array($0) }
            } else {
                return nil
            }
        }

        /// True for an IPv4 address.
        public var isIPv4: Bool { bytes.count == 4 }

        /// The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or IPv4-compatible IPv6 address.
        var embeddedIPv4: Address? {
            guard bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }) else { return nil }
            if bytes[10] == 0xFF, bytes[11] == 0xFF { return Address(bytes: Array(bytes[12...])) }
            return nil
        }

        /// What range the address is in (public, private, loopback, link-local, …).
        public var scope: Scope {
            if let v4 = embeddedIPv4 { return v4.scope }
            let b = bytes
            if isIPv4 {
                switch (b[0], b[1]) {
                case (0, _): return .unspecified
                case (127, _): return .loopback
                case (10, _), (192, 168), (172, 16...31), (100, 64...127): return .privateNetwork
                case (169, 254): return .linkLocal
                case (224...239, _): return .multicast
                case (255, 255) where b[2] == 255 && b[3] == 255: return .multicast
                case (192, 0) where b[2] == 0: return .reserved
                // Documentation ranges (RFC 5737): TEST-NET-1, -2 and -3 never reach a real receiver.
                case (192, 0) where b[2] == 2, (198, 51) where b[2] == 100, (203, 0) where b[2] == 113: return .reserved
                case (240...255, _), (198, 18...19): return .reserved
                default: return .global
                }
            }
            if b.allSatisfy({ $0 == 0 }) { return .unspecified }
            if b[0..<15].allSatisfy({ $0 == 0 }), b[15] == 1 { return .loopback }
            if b[0] == 0xFE, b[1] & 0xC0 == 0x80 { return .linkLocal }
            if b[0] & 0xFE == 0xFC { return .privateNetwork }
            if b[0] == 0xFF { return .multicast }
            if b[0..<12].allSatisfy({ $0 == 0 }) { return .reserved }   // IPv4-compatible (deprecated)
            if b[0] == 0x20, b[1] == 0x01, b[2] == 0x0D, b[3] == 0xB8 { return .reserved }   // documentation
            if b[0] == 0x00, b[1] == 0x64, b[2] == 0xFF, b[3] == 0x9B { return Address(bytes: Array(b[12...]))?.scope ?? .reserved }   // NAT64
            return .global
        }

        /// The address as a URL host: `1.2.3.4` or `[2001:db8::1]`.
        public var urlHost: String { isIPv4 ? description : "[\(description)]" }

        /// The address as text.
        public var description: String {
            var out = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            var copy = bytes
            let family = isIPv4 ? AF_INET : AF_INET6
            guard inet_ntop(family, &copy, &out, socklen_t(out.count)) != nil else { return bytes.map(String.init).joined(separator: ".") }
            return String(decoding: out.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// A webhook URL split into what delivery needs.
    public struct Parsed: Sendable, Equatable {
        /// `http` or `https`.
        public var scheme: String
        /// The host as written in the URL.
        public var host: String
        /// The port (80 or 443 when not written).
        public var port: Int
        /// Path and query (at least `/`).
        public var target: String
    }

    /// Parses an `http(s)://host[:port]/path` URL, or says what is wrong with it.
    public static func parse(_ text: String) -> Result<Parsed, WebhookRefusal> {
        guard text.utf8.count <= 2048, let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            return .failure(WebhookRefusal("url must be an http(s) URL of at most 2048 characters"))
        }
        guard let host = url.host, !host.isEmpty else { return .failure(WebhookRefusal("url has no host")) }
        guard url.user == nil, url.password == nil else { return .failure(WebhookRefusal("url must not carry a user name or password; put the secret in \"secret\"")) }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        guard (1...65535).contains(port) else { return .failure(WebhookRefusal("url has an invalid port")) }
        var target = url.path.isEmpty ? "/" : url.path
        if let q = url.query { target += "?" + q }
        return .success(Parsed(scheme: scheme, host: host, port: port, target: target))
    }

    /// The address a host names without a DNS lookup: an IP literal; the numeric forms resolvers
    /// also take (`2130706433`, `0x7f000001`, `127.1`, `0177.0.0.1`, as inet_aton reads them); or
    /// `localhost` and its subdomains, with or without a final dot. Nil for any other name.
    public static func addressWithoutLookup(_ host: String) -> Address? {
        var h = host.lowercased()
        while h.count > 1 && h.hasSuffix(".") { h.removeLast() }
        if let literal = Address(literal: h) { return literal }
        if h == "localhost" || h.hasSuffix(".localhost") { return Address(literal: "127.0.0.1") }
        guard h.first?.isNumber == true, h.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == "x" }) else { return nil }
        var v4 = in_addr()
        guard inet_aton(h, &v4) != 0 else { return nil }
        return Address(bytes: withUnsafeBytes(of: &v4) { Array($0) })
    }

    /// The addresses a host resolves to (a literal resolves to itself). Blocking: call off the event loop.
    public static func resolve(_ host: String) -> [Address] {
        if let literal = Address(literal: host) { return [literal] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(list) }
        var out: [Address] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            if let sa = info.pointee.ai_addr {
                if info.pointee.ai_family == AF_INET {
                    let a = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { p in withUnsafeBytes(of: p.pointee.sin_addr) { Array($0) } }
                    if let address = Address(bytes: a), !out.contains(address) { out.append(address) }
                } else if info.pointee.ai_family == AF_INET6 {
                    let a = sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in withUnsafeBytes(of: p.pointee.sin6_addr) { Array($0) } }
                    if let address = Address(bytes: a), !out.contains(address) { out.append(address) }
                }
            }
            cursor = info.pointee.ai_next
        }
        return out
    }

    /// The address to connect to for a URL under a policy: every address the host resolves to must
    /// be allowed (a name with one public and one internal address is refused), and the first is used.
    public static func check(_ url: String, policy: WebhookNetworkPolicy) -> Result<(Parsed, Address), WebhookRefusal> {
        let parsed: Parsed
        switch parse(url) {
        case .success(let p): parsed = p
        case .failure(let e): return .failure(e)
        }
        let addresses = resolve(parsed.host)
        guard let first = addresses.first else { return .failure(WebhookRefusal("the host \(parsed.host) does not resolve")) }
        for a in addresses {
            if let why = policy.refusal(a) { return .failure(WebhookRefusal("refused to deliver to \(parsed.host): \(why)")) }
        }
        return .success((parsed, first))
    }

    /// A URL for a reader who may not see it whole (read keys): scheme and host only.
    public static func masked(_ url: String) -> String {
        guard case .success(let p) = parse(url) else { return "(hidden)" }
        return "\(p.scheme)://\(p.host)/…"
    }
}

/// Why a webhook URL is not used.
public struct WebhookRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why, in words.
    public var reason: String
    /// A refusal with its reason.
    public init(_ reason: String) { self.reason = reason }
    /// The reason.
    public var description: String { reason }
}
