import SegmentaCore

/// The OpenAPI 3.1 document served at `/openapi.json`, built from the route table below so that
/// the document and the router are reviewed side by side (a test checks every route is listed).
enum OpenAPIDocument {
    /// Who may call a route.
    enum Access { case none, write, read, admin }

    struct Route {
        var method: String
        var path: String
        var summary: String
        var access: Access
        var query: [(String, String)] = []
        var body: String? = nil
        var responses: [Int: String] = [200: "OK"]
    }

    static let routes: [Route] = {
        let ingestErrors: [Int: String] = [200: "Stored (messages that fail validation are dropped, counted in /metrics and logged)",
                                           400: "Malformed JSON, bad gzip or no batch", 401: "Missing or unknown write key",
                                           413: "Body over the limit", 503: "Commit queue full or storage unavailable; retry after Retry-After"]
        var r: [Route] = [
            Route(method: "post", path: "/v1/batch", summary: "Segment/RudderStack batch: {batch:[…], sentAt, writeKey?, context?}", access: .write, body: "SegmentBatch", responses: ingestErrors),
            Route(method: "post", path: "/v1/b", summary: "analytics-swift batch (same as /v1/batch)", access: .write, body: "SegmentBatch", responses: ingestErrors),
            Route(method: "post", path: "/batch/", summary: "PostHog batch: {api_key, batch:[…], sent_at}", access: .write, body: "PostHogBatch", responses: ingestErrors),
            Route(method: "post", path: "/capture/", summary: "PostHog single event", access: .write, body: "PostHogEvent", responses: ingestErrors),
            Route(method: "post", path: "/i/v0/e/", summary: "PostHog single event", access: .write, body: "PostHogEvent", responses: ingestErrors),
            Route(method: "get", path: "/health", summary: "Liveness and database state", access: .none, responses: [200: "OK", 503: "Database unavailable"]),
            Route(method: "get", path: "/metrics", summary: "Prometheus metrics: received, accepted, rejected by reason, latency, refreshes, webhooks", access: .none),
            Route(method: "get", path: "/openapi.json", summary: "This document", access: .none),
            Route(method: "get", path: "/api/v1/profiles/{id}", summary: "A profile by user id, anonymous id or profile id: traits, computed traits, segments, identities, accounts, first/last seen, event counts",
                  access: .read, responses: [200: "Profile", 404: "Nobody known by this id"]),
            Route(method: "get", path: "/api/v1/profiles/{id}/events", summary: "A profile's events, newest first", access: .read,
                  query: [("limit", "1–1000, default 100"), ("cursor", "next_cursor of the previous page")], responses: [200: "Events page", 400: "Bad limit or cursor", 404: "Unknown profile"]),
            Route(method: "get", path: "/api/v1/segments", summary: "All segments with size, last refresh and last error", access: .read),
            Route(method: "post", path: "/api/v1/segments", summary: "Create a dynamic segment from its definition (docs/SEGMENTS.md)", access: .admin, body: "SegmentDefinition",
                  responses: [201: "Created", 409: "Name taken", 422: "Invalid definition (message has the JSON pointer)"]),
            Route(method: "post", path: "/api/v1/segments/preview", summary: "Size of a condition now, without saving: {condition}", access: .admin, body: "Condition",
                  responses: [200: "{size, condition_text}", 422: "Invalid condition"]),
            Route(method: "get", path: "/api/v1/segments/{name}", summary: "One segment", access: .read, responses: [200: "Segment", 404: "Unknown segment"]),
            Route(method: "put", path: "/api/v1/segments/{name}", summary: "Replace the definition (a new version; old ones stay readable)", access: .admin, body: "SegmentDefinition",
                  responses: [200: "Updated", 404: "Unknown segment", 409: "Static segment", 422: "Invalid definition"]),
            Route(method: "delete", path: "/api/v1/segments/{name}", summary: "Delete a segment with its history", access: .admin, responses: [204: "Deleted", 404: "Unknown segment", 409: "Used by another segment"]),
            Route(method: "post", path: "/api/v1/segments/{name}/refresh", summary: "Recompute membership now (snapshot, entered/exited, webhooks)", access: .admin,
                  query: [("as_of", "evaluate as of this date (backtest)")], responses: [200: "Snapshot with entered/exited (first 1000 each)", 404: "Unknown segment"]),
            Route(method: "get", path: "/api/v1/segments/{name}/members", summary: "Current members (marketing-consent denials left out). Accept: text/csv (or ?format=csv) streams every member, no cap", access: .read,
                  query: [("limit", "1–10000, default 1000"), ("cursor", "next_cursor of the previous page"), ("traits", "comma-separated trait or computed-trait names to include"), ("format", "csv")],
                  responses: [200: "Members page or CSV", 400: "Bad limit", 404: "Unknown segment"]),
            Route(method: "get", path: "/api/v1/segments/{name}/history", summary: "Snapshots: size, entered, exited per refresh", access: .read, responses: [200: "History", 404: "Unknown segment"]),
            Route(method: "get", path: "/api/v1/segments/{name}/webhooks", summary: "The segment's webhooks and delivery log", access: .read),
            Route(method: "post", path: "/api/v1/segments/{name}/webhooks", summary: "Subscribe a URL: {url, secret}; each delivery is signed X-Segmenta-Signature: sha256=HMAC(body)", access: .admin,
                  body: "Webhook", responses: [201: "Created", 404: "Unknown segment", 422: "Bad url or secret"]),
            Route(method: "delete", path: "/api/v1/segments/{name}/webhooks/{id}", summary: "Remove a webhook", access: .admin, responses: [204: "Deleted", 404: "Unknown webhook"]),
            Route(method: "get", path: "/api/v1/analyses/{kind}", summary: "Latest results of rfm, lifecycle, cohorts, clv or clusters", access: .read, responses: [200: "Latest run", 404: "Not computed yet or unknown kind"]),
            Route(method: "post", path: "/api/v1/analyses/{kind}", summary: "Recompute one analysis now and write back its computed traits", access: .admin, responses: [200: "Done", 404: "Unknown kind"]),
            Route(method: "post", path: "/api/v1/privacy/delete", summary: "Delete every trace of people: {userIds:[…≤5000], suppress}", access: .admin, body: "PrivacyDelete",
                  responses: [200: "Request with what was removed", 422: "No or bad ids"]),
            Route(method: "get", path: "/api/v1/privacy/requests/{id}", summary: "A privacy request's status", access: .admin, responses: [200: "Request", 404: "Unknown request"]),
            Route(method: "get", path: "/api/v1/privacy/export", summary: "Everything held on one person", access: .admin, query: [("userId", "user id or anonymous id")],
                  responses: [200: "All data", 400: "No userId", 404: "Nobody known by this id"]),
            Route(method: "get", path: "/api/v1/compare", summary: "Compare segment a with b (default: everyone else), or each value of a trait (by) with the rest: per KPI both values, difference, effect size, CI, test, p, Holm-adjusted p, verdict",
                  access: .read, query: [("a", "segment"), ("b", "segment (optional)"), ("by", "trait (instead of a)"), ("kpis", "revenue,orders,aov,mrr,churn,active:N,adoption:EVENT:N,nps,csat"), ("as_of", "date")],
                  responses: [200: "Comparison", 400: "Bad parameters", 404: "Unknown segment", 409: "Segment never refreshed"]),
            Route(method: "post", path: "/api/v1/segments/{name}/validate", summary: "Validate a segment on the five criteria now (the run is kept)", access: .admin, responses: [200: "Report", 404: "Unknown segment"]),
            Route(method: "get", path: "/api/v1/segments/{name}/validations", summary: "Every validation run of a segment", access: .read, responses: [200: "Runs", 404: "Unknown segment"]),
            Route(method: "get", path: "/api/v1/hypotheses", summary: "Hypotheses with their latest result", access: .read),
            Route(method: "post", path: "/api/v1/hypotheses", summary: "Save a hypothesis: {name, did, within_days_of_signup, outcome, segment?}", access: .admin, body: "Hypothesis",
                  responses: [201: "Created", 409: "Name taken", 422: "Invalid"]),
            Route(method: "post", path: "/api/v1/hypotheses/{name}/test", summary: "Test a hypothesis now (observational; the run is kept)", access: .admin, query: [("as_of", "date")],
                  responses: [200: "Result", 404: "Unknown hypothesis"]),
            Route(method: "post", path: "/api/v1/experiments", summary: "Create an experiment in a segment", access: .admin, body: "Experiment", responses: [201: "Created", 409: "Name taken", 422: "Invalid"]),
            Route(method: "get", path: "/api/v1/experiments/{name}/results", summary: "Conversion per variant, lift with CI, p-value, SRM check, breakdown by segment", access: .read,
                  query: [("as_of", "date")], responses: [200: "Results", 404: "Unknown experiment"]),
            Route(method: "get", path: "/api/v1/experiments/{name}/assignment", summary: "The variant of a user (stable hash of experiment and profile); records the exposure. For apps: write or admin key",
                  access: .write, query: [("userId", "user id, anonymous id or profile id")], responses: [200: "{variant}", 404: "Unknown experiment", 409: "User not in the experiment's segment"]),
        ]
        for kind in Message.Kind.allCases {
            r.insert(Route(method: "post", path: "/v1/\(kind.rawValue)", summary: "One Segment \(kind.rawValue) message plus writeKey", access: .write, body: "SegmentMessage", responses: ingestErrors), at: 2)
        }
        return r
    }()

    static let json: String = {
        var paths: [String: JSONValue] = [:]
        for route in routes {
            var op: [String: JSONValue] = ["summary": .string(route.summary)]
            var parameters: [JSONValue] = []
            for segment in route.path.split(separator: "/") where segment.hasPrefix("{") {
                parameters.append(.object(["name": .string(String(segment.dropFirst().dropLast())), "in": .string("path"), "required": .bool(true), "schema": .object(["type": .string("string")])]))
            }
            for (name, description) in route.query {
                parameters.append(.object(["name": .string(name), "in": .string("query"), "description": .string(description), "schema": .object(["type": .string("string")])]))
            }
            if !parameters.isEmpty { op["parameters"] = .array(parameters) }
            if let body = route.body {
                op["requestBody"] = .object(["required": .bool(true), "content": .object(["application/json": .object(["schema": .object(["$ref": .string("#/components/schemas/\(body)")])])])])
            }
            op["responses"] = .object(Dictionary(uniqueKeysWithValues: route.responses.map { (String($0.key), JSONValue.object(["description": .string($0.value)])) }))
            switch route.access {
            case .none: op["security"] = .array([])
            case .write where route.path.hasPrefix("/api/"):
                op["security"] = .array([.object(["bearer": .array([])])]); op["description"] = .string("Write or admin key.")
            case .write: op["security"] = .array([.object(["writeKeyBasic": .array([])]), .object(["writeKeyInBody": .array([])])])
            case .read: op["security"] = .array([.object(["bearer": .array([])])]); op["description"] = .string("Read or admin key.")
            case .admin: op["security"] = .array([.object(["bearer": .array([])])]); op["description"] = .string("Admin key.")
            }
            var item = paths[route.path]?.objectValue ?? [:]
            item[route.method] = .object(op)
            paths[route.path] = .object(item)
        }
        func object(_ properties: [String: String], required: [String] = []) -> JSONValue {
            .object(["type": .string("object"), "required": .array(required.map(JSONValue.string)),
                     "properties": .object(properties.mapValues { .object(["description": .string($0)]) })])
        }
        let doc: JSONValue = .object([
            "openapi": .string("3.1.0"),
            "info": .object(["title": .string("Segmenta"), "version": .string("0.1.0"),
                             "description": .string("Ingestion compatible with the Segment, RudderStack and PostHog SDKs; the read/admin API of profiles, segments, analyses, webhooks and privacy. Errors are {\"code\",\"message\",\"detail\"}.")]),
            "paths": .object(paths),
            "components": .object([
                "securitySchemes": .object([
                    "bearer": .object(["type": .string("http"), "scheme": .string("bearer"), "description": .string("A read or admin key (`segmenta keys create`).")]),
                    "writeKeyBasic": .object(["type": .string("http"), "scheme": .string("basic"), "description": .string("The write key as the user name, empty password.")]),
                    "writeKeyInBody": .object(["type": .string("apiKey"), "in": .string("header"), "name": .string("X-Write-Key-In-Body"),
                                               "description": .string("Not a header: the key goes in the body as writeKey (Segment) or api_key (PostHog).")]),
                ]),
                "schemas": .object([
                    "SegmentMessage": object(["type": "identify, track, page, screen, group or alias", "userId": "string", "anonymousId": "string (userId or anonymousId required)",
                                              "messageId": "deduplication id", "timestamp": "ISO-8601", "event": "track: required", "properties": "object", "traits": "identify/group",
                                              "groupId": "group: required", "previousId": "alias: required", "context": "object"]),
                    "SegmentBatch": object(["batch": "array of SegmentMessage", "sentAt": "ISO-8601, for the time correction", "writeKey": "string", "context": "applied to each message"], required: ["batch"]),
                    "PostHogEvent": object(["api_key": "write key", "event": "name ($set, $pageview, $groupidentify, $create_alias, or any)", "distinct_id": "string", "properties": "object", "timestamp": "ISO-8601", "uuid": "deduplication id"]),
                    "PostHogBatch": object(["api_key": "write key", "batch": "array of PostHogEvent", "sent_at": "ISO-8601"], required: ["batch"]),
                    "SegmentDefinition": object(["name": "string", "description": "string", "condition": "Condition", "card": "objective, kpi, needs, risks, actions"], required: ["name", "condition"]),
                    "Condition": object(["condition": "all/any/not, trait, computed, event, segment nodes (docs/SEGMENTS.md)"]),
                    "Webhook": object(["url": "http(s) URL", "secret": "≥16 characters"], required: ["url", "secret"]),
                    "Hypothesis": object(["name": "string", "did": "event name", "within_days_of_signup": "days", "outcome": "churned, retained:DAYS or revenue:DAYS", "segment": "optional"],
                                         required: ["name", "did", "within_days_of_signup", "outcome"]),
                    "Experiment": object(["name": "string", "segment": "string", "goal": "event name", "variants": "names, control first", "split": "weights summing to 100", "window_days": "days"],
                                         required: ["name", "segment", "goal"]),
                    "PrivacyDelete": object(["userIds": "1–5000 ids", "suppress": "refuse their future messages"], required: ["userIds"]),
                ]),
            ]),
        ])
        return doc.jsonText
    }()
}
