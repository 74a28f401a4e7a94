public import ArgumentParser
import SegmentaCore
import SegmentaJobs
import SegmentaStore

extension Segmenta {
    /// `segmenta support`.
    struct Support: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Support teams: the support policy (segment → tier, priority, SLA, team, channels) and the lookup at ticket time.",
            subcommands: [Policy.self, Lookup.self]
        )

        /// `segmenta support lookup`.
        struct Lookup: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "One person as a support agent sees them: segments, scores, consent, the support policy's rule and why, recent tickets.")
            @Option(help: "The person's email (case aside).") var email: String?
            @Option(name: .customLong("user-id"), help: "A user id, anonymous id or profile id.") var userID: String?
            @Option(help: "Output: table (readable) or json (the API's answer).") var format: OutputFormat = .table
            @OptionGroup var store: StoreOptions

            func run() async throws {
                try await reportingErrors {
                    guard (email == nil) != (userID == nil) else { throw CLIError("give --email ADDRESS or --user-id ID (a user id, anonymous id or profile id), one of the two") }
                    let found = try await SupportLookup.find(email: email, id: userID, in: try await store.storage(), now: .now)
                    if format == .json { print(found.json.jsonText); return }
                    let traits = found.detail.traits
                    print(Terminal.bold(traits["name"]?.stringValue ?? traits["email"]?.stringValue ?? found.detail.id) + "  (profile \(found.detail.id))")
                    if found.policy != nil {
                        print("support: " + (found.service ?? "no rule of the support policy reaches them"))
                        print("why:     " + found.why)
                    } else {
                        print("support: no support policy yet (`segmenta support policy set FILE`)")
                    }
                    let segments = found.detail.memberships.map { "\($0.segment) (since \($0.since.readableDate))" }
                    print("segments: " + (segments.isEmpty ? "none" : segments.joined(separator: ", ")))
                    if let live = found.live, !live.entering.isEmpty || !live.leaving.isEmpty {
                        print("now entering: " + (live.entering.isEmpty ? "–" : live.entering.joined(separator: ", "))
                              + "; leaving: " + (live.leaving.isEmpty ? "–" : live.leaving.joined(separator: ", ")))
                    }
                    let scores = SupportLookup.scores.filter { found.detail.computedTraits[$0] != nil }.map { "\($0) \(found.scoreText($0))" }
                    if !scores.isEmpty { print("scores: " + scores.joined(separator: ", ")) }
                    print("last seen " + (found.detail.lastSeen?.readableDate ?? "never") + " · " + (found.marketingDenied ? "no marketing (consent denied)" : "marketing allowed")
                          + (found.lastCSAT.map { " · last CSAT \(Fmt.fixed($0.score, 0)) on \($0.at.readableDate)" } ?? ""))
                    for t in found.tickets {
                        print("  ticket " + t.timestamp.readableDate + "  " + SupportLookup.title(t))
                    }
                }
            }
        }
    }
}
