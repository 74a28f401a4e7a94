public import SegmentaCore
import GRDB

extension SQLiteStore {
    /// Each profile's signup: the `signed_up_at` trait when it is a date, else first seen.
    public func signupTimes() throws(SegmentaError) -> [String: Timestamp] {
        try read { db in
            var out: [String: Timestamp] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, COALESCE(seg_ts(json_extract(traits, '$.\"signed_up_at\"')), first_seen) FROM profiles") {
                if let ms = row[1] as Int64? { out[row[0]] = Timestamp(milliseconds: ms) }
            }
            return out
        }
    }

    /// Each eligible profile's outcome value (0/1 for shares, an amount for revenue).
    public func outcomeValues(_ outcome: Hypothesis.Outcome, signups: [String: Timestamp], asOf: Timestamp) throws(SegmentaError) -> [String: Double] {
        switch outcome {
        case .churned:
            return try kpiValues(.churn, asOf: asOf)
        case .retained(let days):
            let last: [String: Int64] = try read { db in
                var out: [String: Int64] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT profile_id, max(timestamp) FROM events WHERE type = 'track' AND timestamp <= ? GROUP BY profile_id", arguments: [asOf.milliseconds]) {
                    out[row[0]] = row[1]
                }
                return out
            }
            var out: [String: Double] = [:]
            for (id, signup) in signups {
                let stillThere = last[id].map { $0 >= signup.adding(days: days).milliseconds } ?? false
                out[id] = stillThere ? 1 : 0
            }
            return out
        case .revenue(let days):
            let orders = try self.orders(before: nil)
            var out = signups.mapValues { _ in 0.0 }
            for o in orders {
                guard let s = signups[o.customerID], o.timestamp >= s, o.timestamp < s.adding(days: days), o.timestamp <= asOf else { continue }
                out[o.customerID, default: 0] += o.amount
            }
            return out
        }
    }
}

extension Hypothesis {
    /// Hypotheses from their stored JSON texts (a text that is not JSON is a storage error).
    static func stored(_ texts: [String]) throws(SegmentaError) -> [Hypothesis] {
        var out: [Hypothesis] = []
        for t in texts {
            let json: JSONValue
            do throws(JSONTextParser.SyntaxError) { json = try JSONTextParser.parse(t) } catch {
                throw SegmentaError(.storage, "a stored hypothesis is not valid JSON: \(error)")
            }
            out.append(try Hypothesis(json: json))
        }
        return out
    }
}
