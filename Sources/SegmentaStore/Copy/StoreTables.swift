/// Every table of a store, as `segmenta store copy` moves it: in an order that satisfies the
/// foreign keys, with its key (rows are read in key order, a page at a time) and the kind of
/// each column. SQLite and PostgreSQL stores have the same tables and columns; what differs is
/// how JSON and flags are typed (SQLite text and integers, PostgreSQL `jsonb` and `boolean`).
struct StoreTable: Sendable {
    enum Kind: Sendable { case text, integer, real, json, flag }

    let name: String
    let key: [String]
    let columns: [(name: String, kind: Kind)]

    var columnNames: [String] { columns.map(\.name) }

    static let all: [StoreTable] = [
        StoreTable(name: "profiles", key: ["id"], columns: [("id", .text), ("traits", .json), ("trait_times", .json), ("first_seen", .integer), ("last_seen", .integer), ("created_at", .integer)]),
        StoreTable(name: "identities", key: ["external_id"], columns: [("external_id", .text), ("kind", .text), ("profile_id", .text)]),
        StoreTable(name: "events", key: ["id"], columns: [("id", .integer), ("source", .text), ("message_id", .text), ("profile_id", .text), ("type", .text), ("name", .text),
                                                          ("timestamp", .integer), ("original_timestamp", .integer), ("sent_at", .integer), ("received_at", .integer),
                                                          ("properties", .json), ("context", .json)]),
        StoreTable(name: "orders", key: ["order_id"], columns: [("order_id", .text), ("profile_id", .text), ("timestamp", .integer), ("amount", .real), ("currency", .text), ("source", .text)]),
        StoreTable(name: "accounts", key: ["id"], columns: [("id", .text), ("traits", .json), ("trait_times", .json), ("created_at", .integer), ("updated_at", .integer)]),
        StoreTable(name: "account_members", key: ["account_id", "profile_id"], columns: [("account_id", .text), ("profile_id", .text)]),
        StoreTable(name: "computed_trait_names", key: ["name"], columns: [("name", .text), ("grp", .text)]),
        StoreTable(name: "computed_values", key: ["grp", "profile_id"], columns: [("grp", .text), ("profile_id", .text), ("traits", .json), ("computed_at", .integer)]),
        StoreTable(name: "analysis_runs", key: ["id"], columns: [("id", .integer), ("kind", .text), ("as_of", .integer), ("parameters", .json), ("summary", .text), ("created_at", .integer)]),
        StoreTable(name: "analysis_run_values", key: ["run_id"], columns: [("run_id", .integer), ("profile_values", .text)]),
        StoreTable(name: "segments", key: ["name"], columns: [("name", .text), ("kind", .text), ("version", .integer), ("created_at", .integer), ("updated_at", .integer),
                                                              ("last_refresh_at", .integer), ("last_error", .text)]),
        StoreTable(name: "segment_versions", key: ["segment", "version"], columns: [("segment", .text), ("version", .integer), ("definition", .text), ("created_at", .integer)]),
        StoreTable(name: "segment_snapshots", key: ["id"], columns: [("id", .integer), ("segment", .text), ("version", .integer), ("as_of", .integer), ("size", .integer),
                                                                     ("entered", .integer), ("exited", .integer), ("merged", .integer), ("erased", .integer),
                                                                     ("created_at", .integer)]),
        StoreTable(name: "segment_membership", key: ["segment", "profile_id", "entered_snapshot"], columns: [("segment", .text), ("profile_id", .text), ("entered_snapshot", .integer),
                                                                                                              ("exited_snapshot", .integer), ("withheld", .flag)]),
        StoreTable(name: "segment_departures", key: ["segment", "reason"], columns: [("segment", .text), ("reason", .text), ("n", .integer)]),
        StoreTable(name: "segment_alerts", key: ["id"], columns: [("id", .integer), ("segment", .text), ("snapshot_id", .integer), ("kind", .text), ("trait", .text),
                                                                  ("message", .text), ("details", .json), ("created_at", .integer)]),
        StoreTable(name: "hypotheses", key: ["name"], columns: [("name", .text), ("definition", .text), ("created_at", .integer)]),
        StoreTable(name: "experiments", key: ["name"], columns: [("name", .text), ("definition", .text), ("created_at", .integer)]),
        StoreTable(name: "experiment_exposures", key: ["experiment", "profile_id"], columns: [("experiment", .text), ("profile_id", .text), ("variant", .text), ("first_exposed_at", .integer)]),
        StoreTable(name: "api_keys", key: ["id"], columns: [("id", .text), ("kind", .text), ("name", .text), ("hash", .text), ("prefix", .text), ("created_at", .integer), ("revoked_at", .integer), ("origins", .text)]),
        StoreTable(name: "dashboard_sessions", key: ["id_hash"], columns: [("id_hash", .text), ("key_id", .text), ("kind", .text), ("csrf", .text), ("expires_at", .integer)]),
        StoreTable(name: "privacy_requests", key: ["id"], columns: [("id", .text), ("kind", .text), ("subject_ids", .text), ("suppress", .flag), ("status", .text), ("result", .text),
                                                                    ("created_at", .integer), ("completed_at", .integer)]),
        StoreTable(name: "deleted_ids", key: ["id_hash"], columns: [("id_hash", .text), ("request_id", .text), ("suppress", .flag), ("deleted_at", .integer)]),
        StoreTable(name: "webhooks", key: ["id"], columns: [("id", .integer), ("segment", .text), ("url", .text), ("secret", .text), ("created_at", .integer)]),
        StoreTable(name: "webhook_deliveries", key: ["id"], columns: [("id", .integer), ("webhook_id", .integer), ("snapshot_id", .integer), ("page", .integer), ("body", .text),
                                                                      ("status", .text), ("attempts", .integer), ("next_attempt_at", .integer), ("response_status", .integer),
                                                                      ("last_error", .text), ("created_at", .integer), ("delivered_at", .integer)]),
        StoreTable(name: "store_facts", key: ["name"], columns: [("name", .text), ("value", .integer)]),
    ]

    /// Tables whose `id` a PostgreSQL sequence numbers (set past the copied ids afterwards).
    static let serial = ["events", "analysis_runs", "segment_snapshots", "segment_alerts", "webhooks", "webhook_deliveries"]
}
