import ArgumentParser
import SegmentaCore
import SegmentaJobs
import SegmentaStore

extension Segmenta.Support {
    /// `segmenta support policy`.
    struct Policy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The support policy: ordered rules, segment → tier, priority, SLA targets, team and channels; versioned (each save is a new version).",
            discussion: "The first rule whose segment a person is in serves them (list the highest tier first); a person in accounts gets the best rule of the people of their accounts when it comes earlier. Resolved for everyone at each save and after each scheduled recompute, into the computed traits support_tier, support_priority, support_team, support_channels, support_first_response_hours, support_resolution_hours, support_rule and support_account. See docs/SUPPORT.md.",
            subcommands: [Show.self, Set.self, History.self, Resolve.self]
        )

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show the policy in force (or an earlier version) with how many people each rule reaches.")
            @Option(help: "Output: table (readable) or json (the policy document).") var format: OutputFormat = .table
            @Option(help: "Show this earlier version (see `support policy history`).") var version: Int?
            @OptionGroup var store: StoreOptions

            func run() async throws {
                try await reportingErrors {
                    let db = try await store.storage()
                    let all = try await SupportPolicyRun.versions(db)
                    guard let latest = all.last else { throw CLIError("no support policy yet; save one with `segmenta support policy set FILE` (docs/SUPPORT.md has an example)") }
                    var shown = latest
                    if let version {
                        guard let v = all.first(where: { $0.number == version }) else {
                            throw CLIError("the support policy has no version \(version); its versions are 1 to \(all.count)")
                        }
                        shown = v
                    }
                    if format == .json { print(shown.policy.json.jsonText); return }
                    let resolution = shown.number == latest.number ? try await db.latestAnalysisRun(kind: AnalysisKind.support.rawValue)?.run : nil
                    print(Terminal.bold("support policy, version \(shown.number)") + " (saved \(shown.savedAt.readable))" + (shown.note.isEmpty ? "" : ": " + shown.note))
                    print(render(shown.policy, resolution: resolution))
                }
            }
        }

        struct Set: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Save a policy from a JSON file (or - for standard input) as the next version, and resolve it for everyone.")
            @Argument(help: "The policy: {\"rules\": [{\"segment\": \"vip\", \"tier\": \"priority\", \"priority\": \"high\", \"first_response_hours\": 1, \"resolution_hours\": 8, \"team\": \"key-accounts\", \"channels\": [\"phone\", \"email\"]}]}")
            var file: String
            @Option(help: "What changed, kept with the version (else the file's \"note\").") var note: String?
            @OptionGroup var store: StoreOptions

            func run() async throws {
                try await reportingErrors {
                    let db = try await store.storage()
                    let saved = try await SupportPolicyRun.save(try readDefinition(file), note: note, to: db, now: .now)
                    print(Terminal.bold("support policy, version \(saved.version.number)") + " saved and resolved")
                    print(render(saved.version.policy, resolution: try await db.latestAnalysisRun(kind: AnalysisKind.support.rawValue)?.run))
                }
            }
        }

        struct History: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Every saved version of the policy, newest first.")
            @OptionGroup var store: StoreOptions

            func run() async throws {
                try await reportingErrors {
                    var t = TextTable(["version", "saved", "rules", "note"])
                    for v in try await SupportPolicyRun.versions(try await store.storage()).reversed() {
                        t.add([String(v.number), v.savedAt.readable, String(v.policy.rules.count), v.note])
                    }
                    print(t.render())
                }
            }
        }

        struct Resolve: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Resolve the policy in force for everyone now, from the segments' latest members (the scheduled recompute does it after its refreshes).")
            @OptionGroup var store: StoreOptions

            func run() async throws {
                try await reportingErrors {
                    let db = try await store.storage()
                    let summary = try await SupportPolicyRun.resolve(db, asOf: .now)
                    guard let number = summary.version, let version = try await SupportPolicyRun.current(db) else {
                        throw CLIError("no support policy yet; save one with `segmenta support policy set FILE`")
                    }
                    print(Terminal.bold("support policy, version \(number)") + " resolved")
                    print(render(version.policy, resolution: try await db.latestAnalysisRun(kind: AnalysisKind.support.rawValue)?.run))
                }
            }
        }
    }
}

/// The rules as a table, with the people and accounts each reaches when a resolution is given.
private func render(_ policy: SupportPolicy, resolution: AnalysisRun?) -> String {
    let counts = resolution?.summary["rules"]?.arrayValues ?? []
    var t = TextTable(["rule", "segment", "tier", "priority", "first response", "resolution", "team", "channels", "people", "via accounts"])
    for (i, r) in policy.rules.enumerated() {
        let c: JSONValue? = i < counts.count ? counts[i] : nil
        t.add([String(i + 1), r.segment, r.tier, r.priority.rawValue, r.firstResponseHours.map { JSONValue.format($0) + " h" } ?? "", r.resolutionHours.map { JSONValue.format($0) + " h" } ?? "",
               r.team ?? "", r.channels.map(\.rawValue).joined(separator: ", "),
               c?["people"]?.numberValue.map { Fmt.thousands(Int($0)) } ?? "", c?["through_accounts"]?.numberValue.map { Fmt.thousands(Int($0)) } ?? ""])
    }
    if let d = policy.fallback {
        t.add(["default", "(no rule's)", d.tier, d.priority.rawValue, d.firstResponseHours.map { JSONValue.format($0) + " h" } ?? "", d.resolutionHours.map { JSONValue.format($0) + " h" } ?? "",
               d.team ?? "", d.channels.map(\.rawValue).joined(separator: ", "),
               resolution?.summary["unmatched"]?.numberValue.map { Fmt.thousands(Int($0)) } ?? "", ""])
    }
    var out = t.render()
    if let s = resolution?.summary, policy.fallback == nil {
        out += "\nno rule: \(Fmt.thousands(Int(s["unmatched"]?.numberValue ?? 0))) people (no default service)"
    }
    if let s = resolution?.summary {
        let missing = s["missing_segments"]?.arrayValues.compactMap(\.stringValue) ?? []
        if !missing.isEmpty { out += "\nsegments that no longer exist (their rules reach nobody): " + missing.joined(separator: ", ") }
        out += "\nresolved as of \(resolution?.asOf.readable ?? "")" + (policy.inheritFromAccounts ? "; people in accounts get the best rule of their accounts' people" : "")
    }
    return out
}
