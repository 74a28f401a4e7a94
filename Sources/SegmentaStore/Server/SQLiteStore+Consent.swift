public import SegmentaCore
import GRDB

/// Who denied marketing consent, by ``ConsentRule`` (written once for every backend). Each export
/// path has an explicit flag for internal use that includes everyone (`--include-no-consent`,
/// `include_no_consent=true`).
extension SQLiteStore {
    /// The profiles among `ids` that denied marketing consent.
    public func consentDenied(among ids: [String]) throws(SegmentaError) -> Set<String> {
        try read { db in try Self.consentDenied(db, among: ids) }
    }

    static func consentDenied(_ db: Database, among ids: [String]) throws -> Set<String> {
        var denied = Set<String>()
        let check = try db.cachedStatement(sql: "SELECT 1 FROM profiles p WHERE p.id = ? AND " + ConsentRule.deniedMarketing("p", .sqlite))
        for id in ids where try Bool.fetchOne(check, arguments: [id]) == true { denied.insert(id) }
        return denied
    }
}
