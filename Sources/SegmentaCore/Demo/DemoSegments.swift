/// The segments the demo creates: one per kind of variable the guides name.
public enum DemoSegments {
    /// The demo company's segments, as definitions with their cards.
    public static let definitions: [JSONValue] = [
        ["name": "champions", "description": "Best customers by RFM",
         "card": ["objective": "Keep and grow our best buyers", "kpi": "Revenue per customer", "actions": "Early access; referral programme"],
         "condition": ["computed": "rfm_segment", "op": "in", "value": ["Champions", "Loyal Customers"]]],
        ["name": "at-risk-value", "description": "Valuable customers slipping away",
         "card": ["objective": "Win back high spenders", "kpi": "Orders in the next 90 days", "risks": "Lost revenue", "actions": "Personal win-back offer"],
         "condition": ["computed": "rfm_segment", "op": "in", "value": ["At Risk", "Cannot Lose Them"]]],
        ["name": "activated-early", "description": "Connected an integration within 7 days of signup",
         "card": ["objective": "Raise activation", "kpi": "90-day churn", "actions": "Integration wizard in onboarding"],
         "condition": ["event": "Integration Connected", "window": ["since_signup_days": 7], "op": "gte", "value": 1]],
        ["name": "pro-frequent-quiet", "description": "Paying customers who buy often but stopped logging in",
         "card": ["objective": "Cut churn among engaged buyers", "kpi": "90-day retention", "actions": "Success call"],
         "condition": ["all": [
            ["trait": "plan", "op": "in", "value": ["pro", "enterprise"]],
            ["orders": "count", "window": ["last_days": 90], "op": "gte", "value": 2],
            ["event": "Logged In", "window": ["last_days": 30], "op": "eq", "value": 0]]]],
        ["name": "fintech-large-accounts", "description": "Users at fintech accounts with 200+ employees",
         "card": ["objective": "Route to the enterprise team", "actions": "Dedicated account manager"],
         "condition": ["all": [["account_trait": "industry", "op": "eq", "value": "fintech"],
                               ["account_trait": "employees", "op": "gte", "value": 200]]]],
        ["name": "detractors", "description": "Gave an NPS of 6 or less",
         "card": ["objective": "Understand and fix dissatisfaction", "kpi": "NPS", "actions": "Follow-up interview"],
         "condition": ["trait": "nps", "op": "lte", "value": 6]],
        ["name": "bug-reporters", "description": "Opened 2+ bug tickets in the last 90 days",
         "card": ["objective": "Route to senior support", "actions": "Priority queue"],
         "condition": ["event": "Support Ticket Created", "where": [["property": "theme", "op": "eq", "value": "bug"]],
                       "window": ["last_days": 90], "op": "gte", "value": 2]],
    ]
}
