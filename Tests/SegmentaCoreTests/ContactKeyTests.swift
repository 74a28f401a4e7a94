import Testing
@testable import SegmentaCore

/// How a helpdesk's email or phone number is compared with a profile's trait: worked out by hand.
@Suite("Contact keys: emails and phone numbers as the lookup compares them")
struct ContactKeyTests {
    @Test func emailsTrimmedWithASCIILettersInLowerCase() throws {
        #expect(try ContactKey.email(typed: "  Ada@Example.COM\t") == .email("ada@example.com"))
        // Only A–Z are folded, as SQL's lower() in SQLite and in PostgreSQL with the C collation.
        #expect(try ContactKey.email(typed: "ÉLISE@Exemple.FR") == .email("Élise@exemple.fr"))
        #expect(ContactKey.email("ada@example.com").matches(" ADA@example.com "))
        #expect(!ContactKey.email("élise@exemple.fr").matches("Élise@exemple.fr"))
        for bad in ["", "   ", "ada", "@example.com", "ada@"] {
            #expect(throws: SegmentaError.self, "\(bad)") { try ContactKey.email(typed: bad) }
        }
    }

    @Test func phoneNumbersByTheirDigits() throws {
        #expect(try ContactKey.phone(typed: "+33 6 12-34-56-78") == .phone("33612345678"))
        #expect(try ContactKey.phone(typed: "(513) 555.7611") == .phone("5135557611"))
        #expect(ContactKey.phone("5135557611").matches("+1 (513) 555-7611") == false)   // the country code is a digit too
        #expect(ContactKey.phone("15135557611").matches("+1 (513) 555-7611"))
        do throws(SegmentaError) {
            _ = try ContactKey.phone(typed: "call me")
            Issue.record("letters were taken as a phone number")
        } catch {
            #expect(error.message.contains("\"call me\" is not a phone number"))
        }
        for bad in ["12", "+", String(repeating: "1", count: 21), "06 12 34 56 78 ext 4", "٠٦١٢٣٤"] {
            #expect(throws: SegmentaError.self, "\(bad)") { try ContactKey.phone(typed: bad) }
        }
        #expect(try ContactKey.phone(typed: "112") == .phone("112"))
    }
}
