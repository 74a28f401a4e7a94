import Testing
import SegmentaCore

/// Conditions in words, for the demo's segments and the other forms, written out by hand.
@Suite struct ConditionSentenceTests {
    func sentence(_ json: String) throws -> String { ConditionSentence.text(try ConditionParser.condition(try JSONTextParser.parse(json))) }

    @Test func theDemoSegmentsReadAsSentences() throws {
        #expect(try sentence(#"{"computed": "rfm_segment", "op": "in", "value": ["Champions", "Loyal Customers"]}"#)
                == "RFM segment is Champions or Loyal Customers")
        #expect(try sentence(#"{"all": [{"trait": "plan", "op": "in", "value": ["pro", "enterprise"]}, {"orders": "count", "window": {"last_days": 90}, "op": "gte", "value": 2}, {"event": "Logged In", "window": {"last_days": 30}, "op": "eq", "value": 0}]}"#)
                == "plan is pro or enterprise and placed at least 2 orders in the last 90 days and never sent “Logged In” in the last 30 days")
        #expect(try sentence(#"{"event": "Integration Connected", "window": {"since_signup_days": 7}, "op": "gte", "value": 1}"#)
                == "sent “Integration Connected” at least 1 time in the first 7 days after signing up")
        #expect(try sentence(#"{"account": {"all": [{"trait": "industry", "op": "eq", "value": "fintech"}, {"trait": "employees", "op": "gte", "value": 200}]}}"#)
                == "belongs to an account where (industry is fintech and employees is at least 200)")
        #expect(try sentence(#"{"account_trait": "industry", "op": "eq", "value": "fintech"}"#) == "the account's industry is fintech")
        #expect(try sentence(#"{"event": "Support Ticket Created", "where": [{"property": "theme", "op": "eq", "value": "bug"}], "window": {"last_days": 90}, "op": "gte", "value": 2}"#)
                == "sent “Support Ticket Created” at least 2 times with theme bug in the last 90 days")
    }

    @Test func otherForms() throws {
        #expect(try sentence(#"{"any": [{"computed": "churn_risk", "op": "gt", "value": 0.4}, {"not": {"segment": "vip"}}]}"#)
                == "risk of churning soon is more than 0.4 or not (is in the segment vip)")
        #expect(try sentence(#"{"trait": "email", "op": "exists", "value": false}"#) == "email is not set")
        #expect(try sentence(#"{"trait": "country", "op": "not_in", "value": ["FR", "DE", "IT"]}"#) == "country is neither FR, DE nor IT")
        #expect(try sentence(#"{"orders": "sum", "window": {"last_days": 365}, "op": "gte", "value": 1500}"#) == "spent in total at least 1,500 in the last 365 days")
        #expect(ConditionSentence.label(computed: "p_alive") == "chance of still being a customer (P(alive))" && ConditionSentence.label(computed: "score") == "score")
    }
}
