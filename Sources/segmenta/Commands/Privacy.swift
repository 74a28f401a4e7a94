import ArgumentParser
import Foundation
import SegmentaCore
import SegmentaServer
import SegmentaStore

extension Segmenta {
    /// `segmenta privacy`.
    struct Privacy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete everything held on people (optionally refusing their future data), or export it.",
            subcommands: [Delete.self, Export.self]
        )

        struct Delete: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove profiles, identities, events, orders, computed traits and memberships of these people.")
            @Argument(help: "User ids or anonymous ids.") var ids: [String]
            @Flag(help: "Also refuse their future messages at ingestion.") var suppress = false
            @OptionGroup var store: StoreOptions

            func validate() throws {
                guard !ids.isEmpty else { throw ValidationError("name at least one user id") }
            }

            func run() async throws {
                try await reportingErrors {
                    let id = "prv_" + UUID().uuidString.lowercased().filter { $0 != "-" }
                    let request = try await store.storage().deletePeople(ids, suppress: suppress, requestID: id)
                    print(request.json.jsonText)
                }
            }
        }

        struct Export: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print everything held on one person as JSON.")
            @Argument(help: "A user id or anonymous id.") var id: String
            @OptionGroup var store: StoreOptions

            func run() async throws {
                try await reportingErrors {
                    guard let data = try await store.storage().exportPerson(id) else { throw CLIError("nobody is known by \"\(id)\"") }
                    print(data.jsonText)
                }
            }
        }
    }
}
