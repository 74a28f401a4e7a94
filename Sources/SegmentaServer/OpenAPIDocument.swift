import SegmentaCore
import SegmentaJobs

/// The OpenAPI 3.1 document served at `/openapi.json`, built from the route table below so that
/// the document and the router are reviewed side by side (a test checks every route is listed,
/// the auth matrix test derives its cases from it, and schemathesis fuzzes the live server from it).
///
/// It is precise on purpose: every query parameter with its type and bounds, every body with its
/// schema, every status a route can answer (401/403 on keyed routes, 400/413 on bodies) and the
/// JSON shape of each answer, so that a schema-driven fuzzer reaches the code and any drift fails CI.
enum OpenAPIDocument {
    /// Who may call a route.
    enum Access { case none, write, read, admin, support, signed }

    /// A query parameter: name, JSON schema, description.
    struct Query {
        var name: String
        var schema: JSONValue
        var description: String
    }

    struct Route {
        var method: String
        var path: String
        var summary: String
        var access: Access
        var query: [Query] = []
        /// Schema name of the JSON body.
        var body: String? = nil
        /// Status → (description, schema name of the JSON answer, or nil for none / not JSON).
        var responses: [Int: (String, String?)] = [200: ("OK", nil)]
    }

    // MARK: - Parameters

    static func string(maxLength: Int = 1000) -> JSONValue { .object(["type": "string", "maxLength": .number(Double(maxLength))]) }
    static func integer(_ range: ClosedRange<Int>) -> JSONValue {
        .object(["type": "integer", "minimum": .number(Double(range.lowerBound)), "maximum": .number(Double(range.upperBound))])
    }
    static let allowUnknown = Query(name: "allow_unknown", schema: .object(["type": "string", "enum": ["true", "false"]]),
                                    description: "true: accept computed traits no analysis has written yet (a misspelt one is otherwise a 422 listing the known ones)")
    static let asOf = Query(name: "as_of", schema: string(maxLength: 40), description: "Evaluate as of this date or ISO-8601 time (a backtest); 400 if it is not one")

    /// Path parameters by name.
    static let pathParameters: [String: JSONValue] = [
        "name": .object(["type": "string", "minLength": 1, "maxLength": 64]),
        "id": .object(["type": "string", "minLength": 1, "maxLength": 1000]),
        "kind": .object(["type": "string", "enum": .array(AnalysisKind.allCases.map { .string($0.rawValue) })]),
    ]

    // MARK: - Routes

    static let routes: [Route] = {
        let ingest: [Int: (String, String?)] = [200: ("Every message stored (or stored already under its messageId)", "IngestOK"),
                                                400: ("Malformed JSON, invalid UTF-8, bad gzip or no batch; or messages refused (code messages_refused: the others were stored, refused[] lists index, code and reason)", "Error"),
                                                401: ("Missing or unknown write key", "Error"),
                                                413: ("Body, inflated body, batch (10,000 messages), nesting (32) or a string (1 MiB) over its limit; or messages over 32 KiB refused (as for 400)", "Error"),
                                                503: ("Commit queue full or storage unavailable; retry after Retry-After", "Error")]
        var posthog = ingest
        posthog[200] = ("Stored", "PostHogOK")
        let notFound: (String, String?) = ("Unknown segment", "Error")
        var r: [Route] = [
            Route(method: "post", path: "/v1/batch", summary: "Segment/RudderStack batch: {batch:[…], sentAt, writeKey?, context?}", access: .write, body: "SegmentBatch", responses: ingest),
            Route(method: "post", path: "/v1/b", summary: "analytics-swift batch (same as /v1/batch)", access: .write, body: "SegmentBatch", responses: ingest),
            Route(method: "post", path: "/batch/", summary: "PostHog batch: {api_key, batch:[…], sent_at}", access: .write, body: "PostHogBatch", responses: posthog),
            Route(method: "post", path: "/capture/", summary: "PostHog single event", access: .write, body: "PostHogEvent", responses: posthog),
            Route(method: "post", path: "/i/v0/e/", summary: "PostHog single event", access: .write, body: "PostHogEvent", responses: posthog),
            Route(method: "post", path: "/e/", summary: "posthog-js: one event or an array, JSON, gzip without Content-Encoding (compression=gzip-js), or a form data=base64|lz64", access: .write, body: "PostHogEvent", responses: posthog),
            Route(method: "get", path: "/health", summary: "Liveness, database state and the ingestion writer", access: .none,
                  responses: [200: ("OK", "Health"), 503: ("Database unavailable (or not answering within 3 s), or a batch waiting over 30 s for its commit (degraded)", "Health")]),
            Route(method: "get", path: "/metrics", summary: "Prometheus metrics: received, accepted, rejected by reason, latency, refreshes, webhooks", access: .none,
                  responses: [200: ("Prometheus text format", nil)]),
            Route(method: "get", path: "/openapi.json", summary: "This document", access: .none, responses: [200: ("OpenAPI 3.1", "Object")]),
            Route(method: "get", path: "/api/v1/profiles", summary: "Find people by email, name (the server's --search-traits) or any id: exact or the start of it, case aside; exact matches first",
                  access: .read,
                  query: [Query(name: "q", schema: string(maxLength: 512), description: "the text to find (required)"), Query(name: "limit", schema: integer(1...100), description: "most matches, default 20")],
                  responses: [200: ("Matches", "ProfileMatches"), 400: ("No q, or a bad limit", "Error")]),
            Route(method: "get", path: "/api/v1/profiles/{id}", summary: "A profile by user id, anonymous id or profile id: traits, computed traits, segments, identities, accounts, first/last seen, event counts",
                  access: .read, responses: [200: ("Profile", "Profile"), 404: ("Nobody known by this id", "Error")]),
            Route(method: "get", path: "/api/v1/support/lookup", summary: "One person at ticket time, by email, phone or any id: ids, accounts, segments (since when, and live), scores, consent, last seen, recent tickets, last CSAT",
                  access: .support, query: [Query(name: "email", schema: string(), description: "the person's email (ASCII case and spaces aside); or"),
                                            Query(name: "phone", schema: string(), description: "their phone number (its digits; spaces, dashes, dots, parentheses and + aside); or"),
                                            Query(name: "user_id", schema: string(), description: "a user id, anonymous id or profile id")],
                  responses: [200: ("The person", "SupportLookup"), 400: ("None or several of email, phone and user_id, or not an email or a phone number", "Error"), 404: ("Nobody matches", "Error"),
                              409: ("Several people have this email or phone", "Error")]),
            Route(method: "get", path: "/api/v1/support/policy", summary: "The support policy in force (its latest version) with the latest resolution's people and accounts per rule",
                  access: .read, responses: [200: ("The policy", "SupportPolicyVersion"), 404: ("No policy saved yet", "Error")]),
            Route(method: "put", path: "/api/v1/support/policy", summary: "Save the support policy as a new version (ordered rules: segment → tier, priority, SLA hours, team, channels) and resolve it for everyone",
                  access: .admin, body: "SupportPolicy",
                  responses: [200: ("Saved and resolved", "SupportPolicyVersion"), 400: ("Not JSON", "Error"), 422: ("Invalid policy: the rule and field, or an unknown segment", "Error")]),
            Route(method: "get", path: "/api/v1/support/analytics", summary: "Support figures of a segment against everyone else: tickets per member per month, channels, CSAT and CES with 95% intervals, response and resolution times against the SLA, cost to serve against revenue, themes and those over-represented (Fisher, Holm)",
                  access: .read, query: [Query(name: "segment", schema: string(), description: "the segment (required)"),
                                         Query(name: "days", schema: integer(1...730), description: "the window, default 90"),
                                         Query(name: "cost", schema: string(), description: "cost per contact by channel: phone:45,chat:8"),
                                         Query(name: "default_cost", schema: string(), description: "cost of a contact on other channels, default 5")],
                  responses: [200: ("The figures", "SupportAnalytics"), 400: ("No segment, or a bad days or cost", "Error"), 404: ("Unknown segment", "Error")]),
            Route(method: "get", path: "/api/v1/support/policy/versions", summary: "Every saved version of the support policy, newest first", access: .read,
                  responses: [200: ("Versions", "SupportPolicyVersions")]),
            Route(method: "post", path: "/support/card", summary: "The person behind a ticket as an HTML card for a helpdesk sidebar (Help Scout dynamic apps): {\"html\": …}",
                  access: .signed, body: "SupportCardRequest",
                  responses: [200: ("The card", "SupportCard"), 401: ("Missing, wrong or old signature", "Error"), 404: ("The card is off (no --support-card-secret)", "Error")]),
            Route(method: "get", path: "/api/v1/profiles/{id}/events", summary: "A profile's events, newest first", access: .read,
                  query: [Query(name: "limit", schema: integer(1...1000), description: "page size, default 100"), Query(name: "cursor", schema: string(), description: "next_cursor of the previous page")],
                  responses: [200: ("Events page", "EventsPage"), 400: ("Bad limit or cursor", "Error"), 404: ("Unknown profile", "Error")]),
            Route(method: "get", path: "/api/v1/segments", summary: "All segments with size, last refresh and last error", access: .read, responses: [200: ("Segments", "SegmentList")]),
            Route(method: "post", path: "/api/v1/segments", summary: "Create a dynamic segment from its definition (docs/SEGMENTS.md)", access: .admin,
                  query: [allowUnknown], body: "SegmentDefinition",
                  responses: [201: ("Created", "Segment"), 404: ("A referenced segment does not exist", "Error"), 409: ("Name taken", "Error"), 422: ("Invalid definition (message has the JSON pointer)", "Error")]),
            Route(method: "post", path: "/api/v1/segments/preview", summary: "Size of a condition now, without saving: {condition}", access: .admin, body: "Preview",
                  responses: [200: ("Size and the condition in words", "PreviewResult"), 404: ("A referenced segment does not exist", "Error"), 422: ("Invalid condition", "Error")]),
            Route(method: "get", path: "/api/v1/segments/{name}", summary: "One segment", access: .read, responses: [200: ("Segment", "Segment"), 404: notFound]),
            Route(method: "put", path: "/api/v1/segments/{name}", summary: "Replace the definition (a new version; old ones stay readable)", access: .admin,
                  query: [allowUnknown], body: "SegmentDefinition",
                  responses: [200: ("Updated", "Segment"), 404: notFound, 409: ("Static segment", "Error"), 422: ("Invalid definition", "Error")]),
            Route(method: "delete", path: "/api/v1/segments/{name}", summary: "Delete a segment with its history", access: .admin,
                  responses: [204: ("Deleted", nil), 404: notFound, 409: ("Used by another segment or an experiment", "Error")]),
            Route(method: "post", path: "/api/v1/segments/{name}/refresh", summary: "Recompute membership now (snapshot, entered/exited, webhooks)", access: .admin, query: [asOf],
                  responses: [200: ("Snapshot with entered/exited (first 1000 each)", "Refresh"), 400: ("Bad as_of", "Error"), 404: notFound, 409: ("Static segment or a reference cycle", "Error")]),
            Route(method: "get", path: "/api/v1/segments/{name}/members", summary: "Current members (marketing-consent denials left out). Accept: text/csv (or ?format=csv) streams every member, no cap", access: .read,
                  query: [Query(name: "limit", schema: integer(1...10_000), description: "page size, default 1000"), Query(name: "cursor", schema: string(), description: "next_cursor of the previous page"),
                          Query(name: "traits", schema: string(maxLength: 2000), description: "comma-separated trait or computed-trait names to include (at most 100; repeats are kept once)"),
                          Query(name: "format", schema: .object(["type": "string", "enum": ["json", "csv"]]), description: "csv streams every member"),
                          Query(name: "include_no_consent", schema: .object(["type": "string", "enum": ["true", "false"]]),
                                description: "true: include people who denied marketing consent (internal use; admin key)")],
                  responses: [200: ("Members page (JSON) or every member (text/csv)", "MembersPage"), 400: ("Bad limit or too many traits", "Error"), 404: notFound]),
            Route(method: "get", path: "/api/v1/segments/{name}/explain/{id}", summary: "Why a profile (its id, a user or anonymous id) is in the segment or not, as of as_of (default now): the condition tree with held and value on every node; blocking lists the conditions that would have to change", access: .read, query: [asOf],
                  responses: [200: ("Explanation", "Explanation"), 400: ("Bad as_of", "Error"), 404: ("Unknown segment or profile", "Error")]),
            Route(method: "get", path: "/api/v1/segments/{name}/history", summary: "Snapshots: size, entered, exited, merged and erased per refresh (size = previous + entered − exited − merged − erased)", access: .read,
                  responses: [200: ("History", "History"), 404: notFound]),
            Route(method: "get", path: "/api/v1/alerts", summary: "Drift alerts raised at refreshes (a segment's size outside its control limits, or its mix shifted), newest first", access: .read,
                  query: [Query(name: "segment", schema: string(maxLength: 64), description: "only this segment's alerts"),
                          Query(name: "limit", schema: integer(1...1000), description: "most alerts, default 100")],
                  responses: [200: ("Alerts", "Alerts"), 400: ("Bad limit", "Error"), 404: ("Unknown segment", "Error")]),
            Route(method: "get", path: "/api/v1/segments/{name}/webhooks", summary: "The segment's webhooks and delivery log (URLs whole for admin keys, scheme and host only for read keys)", access: .read,
                  responses: [200: ("Webhooks", "Webhooks")]),
            Route(method: "post", path: "/api/v1/segments/{name}/webhooks", summary: "Subscribe a URL: {url, secret}; deliveries are signed (docs/API.md)", access: .admin,
                  body: "Webhook", responses: [201: ("Created", "WebhookCreated"), 404: notFound, 422: ("Bad url (including loopback, link-local or private addresses) or secret", "Error")]),
            Route(method: "delete", path: "/api/v1/segments/{name}/webhooks/{id}", summary: "Remove a webhook", access: .admin,
                  responses: [204: ("Deleted", nil), 400: ("id is not a number", "Error"), 404: ("Unknown webhook", "Error")]),
            Route(method: "get", path: "/api/v1/analyses/{kind}", summary: "Latest results of rfm, lifecycle, cohorts, clv, clusters or churn", access: .read,
                  responses: [200: ("Latest run", "Analysis"), 404: ("Not computed yet or unknown kind", "Error")]),
            Route(method: "post", path: "/api/v1/analyses/{kind}", summary: "Recompute one analysis now and write back its computed traits", access: .admin,
                  responses: [200: ("Done", "AnalysisRun"), 404: ("Unknown kind", "Error"), 422: ("Not enough data for this analysis", "Error")]),
            Route(method: "post", path: "/api/v1/privacy/delete", summary: "Delete every trace of people: {userIds:[…≤5000], suppress}", access: .admin, body: "PrivacyDelete",
                  responses: [200: ("Request with what was removed", "PrivacyRequest"), 422: ("No or bad ids", "Error")]),
            Route(method: "get", path: "/api/v1/privacy/requests/{id}", summary: "A privacy request's status", access: .admin,
                  responses: [200: ("Request", "PrivacyRequest"), 404: ("Unknown request", "Error")]),
            Route(method: "get", path: "/api/v1/privacy/export", summary: "Everything held on one person", access: .admin,
                  query: [Query(name: "userId", schema: string(), description: "user id or anonymous id (required)")],
                  responses: [200: ("All data", "Object"), 400: ("No userId", "Error"), 404: ("Nobody known by this id", "Error")]),
            Route(method: "get", path: "/api/v1/compare", summary: "Compare segment a with b (default: everyone else), or each value of a trait (by, at most 50 values) with the rest: per KPI both values, difference, effect size, CI, test, p, Holm-adjusted p, verdict",
                  access: .read, query: [Query(name: "a", schema: string(), description: "segment"), Query(name: "b", schema: string(), description: "segment (optional)"),
                                         Query(name: "by", schema: string(), description: "trait (instead of a)"),
                                         Query(name: "kpis", schema: string(), description: "revenue,orders,aov,mrr,churn,active:DAYS,adoption:EVENT:DAYS,nps,csat (DAYS 1–36500, at most 20 KPIs)"), asOf],
                  responses: [200: ("Comparison", "Object"), 400: ("Bad parameters", "Error"), 404: ("Unknown segment", "Error"), 409: ("Segment never refreshed", "Error")]),
            Route(method: "post", path: "/api/v1/segments/{name}/validate", summary: "Validate a segment on the five criteria now (the run is kept)", access: .admin,
                  responses: [200: ("Report", "Object"), 404: notFound, 409: ("Segment never refreshed", "Error")]),
            Route(method: "get", path: "/api/v1/segments/{name}/validations", summary: "Every validation run of a segment", access: .read,
                  responses: [200: ("Runs", "Validations"), 404: notFound]),
            Route(method: "get", path: "/api/v1/hypotheses", summary: "Hypotheses with their latest result", access: .read, responses: [200: ("Hypotheses", "Hypotheses")]),
            Route(method: "post", path: "/api/v1/hypotheses", summary: "Save a hypothesis: {name, did, within_days_of_signup, outcome, segment?}", access: .admin, body: "Hypothesis",
                  responses: [201: ("Created", "Object"), 404: ("Unknown segment", "Error"), 409: ("Name taken", "Error"), 422: ("Invalid", "Error")]),
            Route(method: "post", path: "/api/v1/hypotheses/{name}/test", summary: "Test a hypothesis now (observational; the run is kept)", access: .admin, query: [asOf],
                  responses: [200: ("Result", "Object"), 400: ("Bad as_of", "Error"), 404: ("Unknown hypothesis", "Error"), 409: ("Nothing to compare yet", "Error")]),
            Route(method: "post", path: "/api/v1/experiments", summary: "Create an experiment in a segment", access: .admin, body: "Experiment",
                  responses: [201: ("Created", "Object"), 404: ("Unknown segment", "Error"), 409: ("Name taken", "Error"), 422: ("Invalid", "Error")]),
            Route(method: "get", path: "/api/v1/experiments/{name}/results", summary: "Conversion per variant, lift with CI, p-value, SRM check, breakdown by segment", access: .read,
                  query: [asOf], responses: [200: ("Results", "ExperimentResults"), 400: ("Bad as_of", "Error"), 404: ("Unknown experiment", "Error")]),
            Route(method: "get", path: "/api/v1/experiments/{name}/assignment", summary: "The variant of a user (stable hash of experiment and profile); records the exposure. For apps: write or admin key",
                  access: .write, query: [Query(name: "userId", schema: string(), description: "user id, anonymous id or profile id (required)")],
                  responses: [200: ("The variant", "Assignment"), 400: ("No userId", "Error"), 404: ("Unknown experiment", "Error"), 409: ("User not in the experiment's segment", "Error")]),
        ]
        for kind in Message.Kind.allCases {
            r.insert(Route(method: "post", path: "/v1/\(kind.rawValue)", summary: "One Segment \(kind.rawValue) message plus writeKey", access: .write, body: "SegmentMessage", responses: ingest), at: 2)
            r.insert(Route(method: "post", path: "/v1/\(kind.rawValue.prefix(1))", summary: "analytics.js's short path for \(kind.rawValue) (as /v1/\(kind.rawValue))", access: .write,
                           body: "SegmentMessage", responses: ingest), at: 2)
        }
        for path in PostHogFlags.paths {
            for method in ["get", "post"] {
                r.append(Route(method: method, path: path, summary: "posthog-js feature flags and remote configuration: answered with no flags, which turns the SDK's flags, session recording and surveys off",
                               access: .none, responses: [200: ("No flags", "Object")]))
            }
        }
        return r
    }()

    /// The statuses every route of a kind can also answer: keys (401/403), bodies (400/413), internal (500).
    static func responses(of route: Route) -> [Int: (String, String?)] {
        var out = route.responses
        let api = route.path.hasPrefix("/api/")
        if route.access != .none {
            out[401] = out[401] ?? ("No key, or an unknown or revoked one", "Error")
            if api { out[403] = ("A key of the wrong kind for this route", "Error") }
        }
        if route.body != nil {
            out[400] = out[400] ?? ("The body is not JSON, not UTF-8, or not the documented object", "Error")
            out[413] = out[413] ?? ("The body is over its size, nesting or array limit", "Error")
        }
        if api { out[500] = ("Internal error (logged; the body says nothing of internals)", "Error") }
        return out
    }

    // MARK: - Schemas

    static func object(_ properties: [String: JSONValue], required: [String] = [], open: Bool = true) -> JSONValue {
        var o: [String: JSONValue] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { o["required"] = .array(required.sorted().map(JSONValue.string)) }
        if !open { o["additionalProperties"] = false }
        return .object(o)
    }
    static func ref(_ name: String) -> JSONValue { .object(["$ref": .string("#/components/schemas/\(name)")]) }
    static func array(_ items: JSONValue, max: Int? = nil, min: Int? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["type": "array", "items": items]
        if let max { o["maxItems"] = .number(Double(max)) }
        if let min { o["minItems"] = .number(Double(min)) }
        return .object(o)
    }
    static func type(_ names: String...) -> JSONValue { names.count == 1 ? .object(["type": .string(names[0])]) : .object(["type": .array(names.map(JSONValue.string))]) }
    static let text = type("string"), number = type("number"), integerValue = type("integer"), bool = type("boolean"), anyObject = type("object")
    static let nullableText = type("string", "null"), nullableNumber = type("number", "null")

    static let schemas: [String: JSONValue] = {
        let message = object(["type": .object(["type": "string", "enum": ["identify", "track", "page", "screen", "group", "alias"]]),
                              "userId": type("string", "number", "null"), "anonymousId": type("string", "number", "null"), "messageId": nullableText,
                              "timestamp": nullableText, "sentAt": nullableText, "event": nullableText, "name": nullableText, "properties": anyObject, "traits": anyObject,
                              "groupId": type("string", "number", "null"), "previousId": type("string", "number", "null"), "context": anyObject,
                              "integrations": anyObject, "writeKey": text])
        let posthogEvent = object(["api_key": text, "event": text, "distinct_id": type("string", "number"), "properties": anyObject, "timestamp": text, "uuid": text, "$set": anyObject],
                                  required: ["event"])
        let segment = object(["name": text, "kind": .object(["type": "string", "enum": ["dynamic", "static"]]), "version": integerValue, "definition": anyObject,
                              "created_at": text, "updated_at": text, "last_refresh_at": nullableText, "last_error": nullableText, "size": type("integer", "null"),
                              "condition_text": text, "condition_sentence": text, "next_refresh_at": nullableText],
                             required: ["name", "kind", "version", "definition", "created_at", "updated_at", "last_refresh_at", "last_error", "size", "next_refresh_at"])
        let snapshot = object(["snapshot": integerValue, "version": integerValue, "as_of": text, "size": integerValue, "entered": integerValue, "exited": integerValue,
                               "merged": integerValue, "erased": integerValue],
                              required: ["snapshot", "version", "as_of", "size", "entered", "exited", "merged", "erased"])
        let delivery = object(["id": integerValue, "webhook_id": integerValue, "url": text, "snapshot": integerValue, "page": integerValue,
                               "status": .object(["type": "string", "enum": ["pending", "delivered", "failed"]]), "attempts": integerValue,
                               "response_status": type("integer", "null"), "last_error": nullableText, "created_at": text, "delivered_at": nullableText],
                              required: ["id", "webhook_id", "url", "status", "attempts"])
        let variant = object(["variant": text, "exposed": integerValue, "converted": integerValue, "rate": nullableNumber, "lift": nullableNumber,
                              "ci": array(nullableNumber), "p_value": nullableNumber], required: ["variant", "exposed", "converted"])
        return [
            "Error": object(["code": text, "message": text, "detail": text], required: ["code", "message", "detail"]),
            "Object": anyObject,
            "IngestOK": object(["success": .object(["const": true])], required: ["success"]),
            "PostHogOK": object(["status": .object(["const": 1])], required: ["status"]),
            "Health": object(["status": .object(["type": "string", "enum": ["ok", "degraded", "unavailable"]]), "database": text, "journal_mode": text, "ingest_queue": integerValue,
                               "ingest_waiting_seconds": number, "ingest": text],
                             required: ["status"]),
            "SegmentMessage": message,
            "SegmentBatch": object(["batch": array(ref("SegmentMessage"), max: 10_000), "sentAt": nullableText, "writeKey": text, "context": anyObject, "integrations": anyObject],
                                   required: ["batch"]),
            "PostHogEvent": posthogEvent,
            "PostHogBatch": object(["api_key": text, "batch": array(ref("PostHogEvent"), max: 10_000), "sent_at": nullableText, "historical_migration": bool], required: ["batch"]),
            "Condition": object(["all": array(ref("Condition")), "any": array(ref("Condition")), "not": ref("Condition"), "trait": text, "computed": text,
                                 "account_trait": text, "account": ref("Condition"), "event": text, "orders": anyObject, "segment": text, "op": text, "value": .object([:])],
                                required: []),
            "SegmentDefinition": object(["name": .object(["type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"]), "description": type("string", "null"),
                                         "card": type("object", "null"), "condition": ref("Condition")], required: ["name", "condition"]),
            "Preview": object(["condition": ref("Condition")], required: ["condition"]),
            "PreviewResult": object(["size": integerValue, "condition_text": text, "condition_sentence": text], required: ["size", "condition_text", "condition_sentence"]),
            "Segment": segment,
            "SegmentList": object(["segments": array(ref("Segment"))], required: ["segments"]),
            "Refresh": object(["segment": text, "snapshot": ref("Snapshot"), "seconds": number, "entered": array(text), "exited": array(text), "backtest": bool,
                               "alerts": array(ref("Alert"))],
                              required: ["segment", "snapshot", "seconds", "entered", "exited", "backtest", "alerts"]),
            "Alert": object(["id": integerValue, "segment": text, "snapshot": integerValue, "kind": .object(["type": "string", "enum": ["size", "mix"]]),
                             "trait": nullableText, "message": text, "details": anyObject, "created_at": text],
                            required: ["id", "segment", "snapshot", "kind", "trait", "message", "details", "created_at"]),
            "Alerts": object(["alerts": array(ref("Alert"))], required: ["alerts"]),
            "Snapshot": snapshot,
            "History": object(["segment": text, "snapshots": array(ref("Snapshot"))], required: ["segment", "snapshots"]),
            "Explanation": object(["segment": text, "profile": text, "as_of": text, "held": bool, "tree": ref("ExplanationNode"),
                                   "blocking": array(object(["text": text, "kind": text, "value": .object([:]), "path": array(integer(0...10_000))], required: ["text", "kind", "value", "path"]))],
                                  required: ["segment", "profile", "as_of", "held", "tree", "blocking"]),
            "ExplanationNode": object(["kind": text, "text": text, "held": bool, "value": .object([:]), "path": array(integer(0...10_000)),
                                       "children": array(ref("ExplanationNode"))], required: ["kind", "text", "held", "value", "path"]),
            "MembersPage": object(["segment": text, "members": array(.object(["oneOf": [text, object(["id": text, "traits": anyObject], required: ["id", "traits"])]])),
                                   "next_cursor": nullableText], required: ["segment", "members", "next_cursor"]),
            "SupportPolicyRule": object(["segment": text, "tier": text,
                                         "priority": .object(["type": "string", "enum": .array(SupportPolicy.Priority.allCases.map { .string($0.rawValue) })]),
                                         "first_response_hours": nullableNumber, "resolution_hours": nullableNumber, "team": nullableText,
                                         "channels": array(.object(["type": "string", "enum": .array(SupportPolicy.Channel.allCases.map { .string($0.rawValue) })]))],
                                        required: ["segment", "tier"]),
            "SupportPolicy": object(["rules": array(ref("SupportPolicyRule")), "default": .object(["type": .array(["object", "null"])]), "inherit_from_accounts": bool, "note": text], required: ["rules"]),
            "SupportPolicyVersion": object(["version": integerValue, "saved_at": text, "note": text, "rules": array(ref("SupportPolicyRule")), "default": .object(["type": .array(["object", "null"])]),
                                            "inherit_from_accounts": bool, "resolution": .object(["type": .array(["object", "null"])])],
                                           required: ["version", "saved_at", "note", "rules", "inherit_from_accounts"]),
            "SupportAnalytics": object(["segment": text, "as_of": text, "days": integerValue, "members": anyObject, "everyone_else": anyObject, "channels": array(anyObject),
                                        "csat": .object(["type": .array(["object", "null"])]), "satisfied": .object(["type": .array(["object", "null"])]),
                                        "ces": .object(["type": .array(["object", "null"])]), "first_response": anyObject, "resolution": anyObject, "cost": anyObject,
                                        "themes": array(anyObject), "over_represented": array(text)],
                                       required: ["segment", "as_of", "days", "members", "everyone_else", "channels", "first_response", "resolution", "cost", "themes", "over_represented"]),
            "SupportPolicyVersions": object(["versions": array(ref("SupportPolicyVersion"))], required: ["versions"]),
            "SupportCardRequest": object(["customer": anyObject, "email": text, "user_id": text]),
            "SupportCard": object(["html": text], required: ["html"]),
            "SupportLookup": object(["profile": text, "ids": array(anyObject), "accounts": array(anyObject), "traits": anyObject,
                                     "segments": array(object(["segment": text, "since": text], required: ["segment", "since"])),
                                     "scores": anyObject, "marketing_consent": object(["denied": bool], required: ["denied"]),
                                     "first_seen": nullableText, "last_seen": nullableText, "orders": anyObject, "recent_tickets": array(anyObject),
                                     "last_csat": .object(["type": .array(["object", "null"])]), "policy": .object(["type": .array(["object", "null"])]),
                                     "onboarding": .object(["type": .array(["object", "null"])])],
                                    required: ["profile", "ids", "accounts", "traits", "segments", "scores", "marketing_consent", "recent_tickets", "last_csat"]),
            "Profile": object(["id": text, "traits": anyObject, "computed_traits": anyObject, "segments": array(text),
                               "memberships": array(object(["segment": text, "since": text], required: ["segment", "since"])),
                               "live": object(["as_of": text, "segments": array(text), "entering": array(text), "leaving": array(text)],
                                              required: ["as_of", "segments", "entering", "leaving"])],
                              required: ["id", "traits", "computed_traits", "segments", "memberships"]),
            "ProfileMatches": object(["query": text, "searched": array(text),
                                      "profiles": array(object(["id": text, "traits": anyObject, "matched": text, "exact": bool], required: ["id", "traits", "matched", "exact"]))],
                                     required: ["query", "searched", "profiles"]),
            "EventsPage": object(["profile": text, "events": array(anyObject), "next_cursor": nullableText], required: ["profile", "events", "next_cursor"]),
            "Webhook": object(["url": .object(["type": "string", "maxLength": 2048]), "secret": .object(["type": "string", "minLength": 16, "maxLength": 1000])], required: ["url", "secret"]),
            "WebhookCreated": object(["id": integerValue, "segment": text, "url": text, "created_at": text], required: ["id", "segment", "url", "created_at"]),
            "Webhooks": object(["webhooks": array(object(["id": integerValue, "url": text, "created_at": text], required: ["id", "url", "created_at"])),
                                "deliveries": array(delivery)], required: ["webhooks", "deliveries"]),
            "Analysis": object(["kind": text, "as_of": text, "computed_at": text, "parameters": anyObject, "summary": anyObject], required: ["kind", "as_of", "summary"]),
            "AnalysisRun": object(["kind": text, "seconds": number, "summary": type("object", "null")], required: ["kind", "seconds"]),
            "PrivacyDelete": object(["userIds": array(.object(["type": ["string", "number"], "minLength": 1]), max: 5000, min: 1), "suppress": type("boolean", "null")],
                                    required: ["userIds"]),
            "PrivacyRequest": object(["id": text, "type": text, "subjects": integerValue, "subject_sha256": array(text), "suppress": bool,
                                      "status": text, "removed": anyObject, "created_at": text, "completed_at": nullableText],
                                     required: ["id", "type", "subjects", "subject_sha256", "suppress", "status", "removed", "created_at"]),
            "Validations": object(["segment": text, "runs": array(object(["as_of": text, "report": anyObject], required: ["as_of", "report"]))], required: ["segment", "runs"]),
            "Hypothesis": object(["name": .object(["type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"]), "did": text,
                                  "within_days_of_signup": integer(Bounds.days), "outcome": .object(["type": "string", "pattern": "^(churned|retained:[0-9]{1,5}|revenue:[0-9]{1,5})$"]),
                                  "segment": type("string", "null")], required: ["name", "did", "within_days_of_signup", "outcome"]),
            "Hypotheses": object(["hypotheses": array(anyObject)], required: ["hypotheses"]),
            "Experiment": object(["name": .object(["type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"]), "segment": text, "goal": text,
                                  "variants": array(text, max: 26, min: 2), "split": array(integer(1...100), max: 26, min: 2), "window_days": integer(Bounds.days)],
                                 required: ["name", "segment", "goal"]),
            "ExperimentResults": object(["experiment": anyObject, "variants": array(variant), "srm_p_value": nullableNumber, "sample_ratio_mismatch": bool, "by_segment": anyObject],
                                        required: ["experiment", "variants", "sample_ratio_mismatch", "by_segment"]),
            "Assignment": object(["experiment": text, "userId": text, "profile": text, "variant": text], required: ["experiment", "userId", "profile", "variant"]),
        ]
    }()

    static let json: String = {
        var paths: [String: JSONValue] = [:]
        for route in routes {
            var op: [String: JSONValue] = ["summary": .string(route.summary), "operationId": .string(route.method + route.path.replacing("/", with: "_").replacing("{", with: "").replacing("}", with: ""))]
            var parameters: [JSONValue] = []
            for segment in route.path.split(separator: "/") where segment.hasPrefix("{") {
                let name = String(segment.dropFirst().dropLast())
                parameters.append(.object(["name": .string(name), "in": "path", "required": true, "schema": pathParameters[name] ?? text]))
            }
            for q in route.query {
                parameters.append(.object(["name": .string(q.name), "in": "query", "description": .string(q.description), "schema": q.schema]))
            }
            if !parameters.isEmpty { op["parameters"] = .array(parameters) }
            if let body = route.body {
                op["requestBody"] = .object(["required": true, "content": .object(["application/json": .object(["schema": ref(body)])])])
            }
            var answers: [String: JSONValue] = [:]
            for (status, (description, schema)) in responses(of: route) {
                var r: [String: JSONValue] = ["description": .string(description)]
                if let schema {
                    var content: [String: JSONValue] = ["application/json": .object(["schema": ref(schema)])]
                    if route.path.hasSuffix("/members"), status == 200 { content["text/csv"] = .object(["schema": text]) }
                    r["content"] = .object(content)
                } else if route.path == "/metrics" {
                    r["content"] = .object(["text/plain": .object(["schema": text])])
                }
                answers[String(status)] = .object(r)
            }
            op["responses"] = .object(answers)
            switch route.access {
            case .none: op["security"] = .array([])
            case .write where route.path.hasPrefix("/api/"):
                op["security"] = .array([.object(["bearer": .array([])])]); op["description"] = "Write or admin key."
            case .write: op["security"] = .array([.object(["writeKeyBasic": .array([])]), .object(["writeKeyInBody": .array([])])])
            case .read: op["security"] = .array([.object(["bearer": .array([])])]); op["description"] = "Read or admin key."
            case .admin: op["security"] = .array([.object(["bearer": .array([])])]); op["description"] = "Admin key."
            case .support: op["security"] = .array([.object(["bearer": .array([])])]); op["description"] = "Support, read or admin key (a support key can use nothing else)."
            case .signed: op["security"] = .array([]); op["description"] = "No key: signed with the secret shared with the helpdesk (X-HelpScout-Signature, or X-Segmenta-Timestamp and X-Segmenta-Signature)."
            }
            var item = paths[route.path]?.objectValue ?? [:]
            item[route.method] = .object(op)
            paths[route.path] = .object(item)
        }
        let doc: JSONValue = .object([
            "openapi": "3.1.0",
            "info": .object(["title": "Segmenta", "version": "0.2.0",
                             "description": "Ingestion compatible with the Segment, RudderStack and PostHog SDKs; the read/admin API of profiles, segments, analyses, webhooks and privacy. Errors are {\"code\",\"message\",\"detail\"}. Limits and the threat model: docs/SECURITY.md."]),
            "paths": .object(paths),
            "components": .object([
                "securitySchemes": .object([
                    "bearer": .object(["type": "http", "scheme": "bearer", "description": "A read or admin key (`segmenta keys create`)."]),
                    "writeKeyBasic": .object(["type": "http", "scheme": "basic", "description": "The write key as the user name, empty password."]),
                    "writeKeyInBody": .object(["type": "apiKey", "in": "header", "name": "X-Write-Key-In-Body",
                                               "description": "Not a header: the key goes in the body as writeKey (Segment) or api_key (PostHog)."]),
                ]),
                "schemas": .object(schemas),
            ]),
        ])
        return doc.jsonText
    }()
}
