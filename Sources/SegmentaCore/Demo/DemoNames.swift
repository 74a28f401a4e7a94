/// Names for generated people and companies.
enum DemoNames {
    static let first = ["Camille", "Léa", "Hugo", "Louis", "Chloé", "Emma", "Lucas", "Jules", "Manon", "Inès", "Noah", "Olivia",
                        "Liam", "Sofia", "Mateo", "Anna", "Jonas", "Mia", "Elias", "Clara", "James", "Grace", "Ethan", "Nora"]
    static let last = ["Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Garcia", "Müller", "Schmidt",
                       "Smith", "Johnson", "Brown", "Wilson", "Rossi", "López", "Novak", "Peeters", "Fischer", "Roux"]
    static let companyA = ["Blue", "North", "Bright", "Clear", "Swift", "Green", "Alpine", "Silver", "Urban", "Nova", "Atlas", "Pixel"]
    static let companyB = ["Labs", "Dental", "Health", "Retail", "Works", "Media", "Capital", "Systems", "Studio", "Logistics", "Learning", "Foods"]

    static func name(_ rng: inout SplitMix64) -> String { "\(rng.pick(first)) \(rng.pick(last))" }
    static func company(_ rng: inout SplitMix64) -> String { "\(rng.pick(companyA)) \(rng.pick(companyB))" }
}
