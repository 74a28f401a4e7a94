public import SegmentaCore
import GRDB

/// The consent rule, in one place: a person whose `consent.marketing` trait is `false` (the boolean,
/// or the text "false") is left out of everything that hands people to another system — member
/// exports on the CLI, the API and the dashboard, webhook deliveries, and the ids a refresh answers
/// with. Analytics (sizes, comparisons, RFM) still count them. Each export path has an explicit
/// flag for internal use that includes everyone (`--include-no-consent`, `include_no_consent=true`).
extension SQLiteStore {
    /// SQL that is true when the profile aliased `p` denied marketing consent.
    static func deniedMarketing(_ alias: String) -> String {
        "(coalesce(json_type(\(alias).traits, '$.consent.marketing'), '') = 'false' OR coalesce(json_extract(\(alias).traits, '$.consent.marketing'), '') = 'false')"
    }

    /// The profiles among `ids` that denied marketing consent.
    public func consentDenied(among ids: [String]) throws(SegmentaError) -> Set<String> {
        try read { db in try Self.consentDenied(db, among: ids) }
    }

    static func consentDenied(_ db: Database, among ids: [String]) throws -> Set<String> {
        var denied = Set<String>()
        let check = try db.cachedStatement(sql: "SELECT 1 FROM profiles p WHERE p.id = ? AND " + deniedMarketing("p"))
        for id in ids where try Bool.fetchOne(check, arguments: [id]) == true { denied.insert(id) }
        return denied
    }
}
