public import ArgumentParser
import SegmentaCore
import SegmentaJobs
import SegmentaStore

extension Segmenta {
    /// `segmenta support`.
    struct Support: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Support teams: the support policy (segment → tier, priority, SLA, team, channels) and the lookup at ticket time.",
            subcommands: [Policy.self, Lookup.self, Analytics.self]
        )

        /// `segmenta support lookup`.
        struct Lookup: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "One person as a support agent sees them: segments, scores, consent, the support policy's rule and why, recent tickets.")
            @Option(help: "The person's email (case aside).") var email: String?
            @Option(help: "The person's phone number (its digits: spaces, dashes, dots, parentheses and + aside).") var phone: String?
            @Option(name: .customLong("user-id"), help: "A user id, anonymous id or profile id.") var userID: String?
            @Option(help: "Output: table (readable) or json (the API's answer).") var format: OutputFormat = .table
            @OptionGroup var store: StoreOptions

            func run() async throws {
                try await reportingErrors {
                    guard [email, phone, userID].compactMap({ $0 }).count == 1 else {
                        throw CLIError("give --email ADDRESS, --phone NUMBER or --user-id ID (a user id, anonymous id or profile id), one of the three")
                    }
                    let found = try await SupportLookup.find(email: email, phone: phone, id: userID, in: try await store.storage(), now: .now)
                    if format == .json { print(found.json.jsonText); return }
                    let traits = found.detail.traits
                    print(Terminal.bold(traits["name"]?.stringValue ?? traits["email"]?.stringValue ?? found.detail.id) + "  (profile \(found.detail.id))")
                    if found.policy != nil {
                        print("support: " + (found.service ?? "no rule of the support policy reaches them"))
                        print("why:     " + found.why)
                    } else {
                        print("support: no support policy yet (`segmenta support policy set FILE`)")
                    }
                    if let o = found.onboarding { print("onboarding: " + o.words) }
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

        /// `segmenta support analytics`.
        struct Analytics: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Support figures of a segment against everyone else: tickets per member per month, channels, CSAT and CES, response and resolution times against the SLA, cost to serve, themes.",
                discussion: "Read from Ticket Created / Ticket Solved / Survey Answered events (docs/SUPPORT.md). Themes over-represented in the segment are tested with Fisher's exact test, Holm-adjusted across themes: the candidates for self-service content.")
            @Argument(help: "The segment.") var segment: String
            @Option(help: "The window: the last N days.") var days = 90
            @Option(help: "Cost of one contact by channel, e.g. phone=45,chat=8,email=4.") var cost: String?
            @Option(name: .customLong("default-cost"), help: "Cost of a contact on any other channel.") var defaultCost = 5.0
            @Option(help: "Output: table (readable) or json (the API's answer).") var format: OutputFormat = .table
            @OptionGroup var store: StoreOptions

            func run() async throws {
                try await reportingErrors {
                    guard (1...730).contains(days) else { throw CLIError("--days is from 1 to 730") }
                    guard defaultCost.isFinite, defaultCost >= 0 else { throw CLIError("--default-cost is an amount of 0 or more") }
                    var options = SupportAnalytics.Options()
                    options.days = days
                    options.defaultCost = defaultCost
                    if let cost { options.costPerContact = try SupportAnalyticsRun.costs(cost) }
                    let asOf = Timestamp.now
                    let a = try await SupportAnalyticsRun.run(try await store.storage(), segment: segment, asOf: asOf, options: options)
                    if format == .json { print(SupportAnalyticsRun.json(a, segment: segment, asOf: asOf, options: options).jsonText); return }
                    print(Terminal.bold("\(segment): support over the last \(days) days") + " (as of \(asOf.readable))")
                    print(SupportAnalyticsRun.lines(a).joined(separator: "\n"))
                }
            }
        }
    }
}
