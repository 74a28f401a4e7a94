public import ArgumentParser
import SegmentaCore
import SegmentaServer
import SegmentaStore

extension Segmenta {
    /// `segmenta keys`.
    struct Keys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage API keys: write keys ingest (SDKs), read keys read the API, admin keys also change things.",
            subcommands: [Create.self, List.self, Revoke.self]
        )

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create a key and print its token (shown only this once).")
            @Option(help: "write (ingestion), read, admin, or support (looks up one person at a time: GET /api/v1/support/lookup).") var kind: APIKey.Kind
            @Option(help: "A name to recognise it by.") var name = ""
            @Option(name: .customLong("origin"), help: "Write keys: a web origin whose pages may send with it (https://shop.example); repeat for several. Without it, any origin.")
            var origins: [String] = []
            @OptionGroup var store: StoreOptions

            func run() async throws {
                try await reportingErrors {
                    let (key, token) = try await APIKeys.create(kind, name: name.isEmpty ? "\(kind.rawValue) key" : name, origins: origins.isEmpty ? nil : origins,
                                                                in: try await store.storage(existing: false))
                    print(token)
                    Terminal.note("\(key.kind.rawValue) key \(key.id) created\(key.origins.map { " for pages of " + $0.joined(separator: ", ") } ?? ""); the token above is shown only once")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List keys (never their tokens).")
            @OptionGroup var store: StoreOptions

            func run() async throws {
                try await reportingErrors {
                    var t = TextTable(["id", "kind", "name", "token starts", "created", "revoked", "origins"])
                    for k in try await store.storage().keys() {
                        t.add([k.id, k.kind.rawValue, k.name, k.prefix + "…", k.createdAt.iso8601, k.revokedAt?.iso8601 ?? "",
                               k.origins?.joined(separator: " ") ?? (k.kind == .write ? "any" : "")])
                    }
                    print(t.render())
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revoke a key; its token stops working at once.")
            @Argument(help: "The key's id (see `keys list`).") var id: String
            @OptionGroup var store: StoreOptions

            func run() async throws {
                try await reportingErrors {
                    try await store.storage().revokeKey(id: id)
                    print("revoked \(id)")
                }
            }
        }
    }
}

extension APIKey.Kind: ExpressibleByArgument {}
