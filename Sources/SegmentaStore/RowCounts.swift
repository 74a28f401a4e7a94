/// Row counts of the tables the dashboard's overview shows (profiles, orders, accounts), kept in
/// the SQLite store's `row_counts` table by triggers as rows come and go, so that the overview reads
/// three rows instead of counting millions. After a cold start (the page cache empty, as after a
/// reboot) counting 1M profiles and 2.3M orders read their indexes from disk: 1.7 s.
///
/// The v13 migration creates the table and these triggers; a bulk load that rebuilds the orders
/// index drops the orders triggers for its transaction and counts once at its end instead
/// (a trigger costs about 0.3 µs a row: 3 s over ten million orders).
/// Table names here are constants of the schema, never input.
enum RowCounts {
    /// The counted tables.
    static let tables = ["profiles", "orders", "accounts"]

    /// The SQL that creates `table`'s two triggers.
    static func createTriggers(_ table: String) -> String {
        """
        CREATE TRIGGER \(table)_counted_in AFTER INSERT ON \(table) BEGIN UPDATE row_counts SET n = n + 1 WHERE name = '\(table)'; END;
        CREATE TRIGGER \(table)_counted_out AFTER DELETE ON \(table) BEGIN UPDATE row_counts SET n = n - 1 WHERE name = '\(table)'; END;
        """
    }

    /// The SQL that drops `table`'s triggers.
    static func dropTriggers(_ table: String) -> String {
        "DROP TRIGGER IF EXISTS \(table)_counted_in; DROP TRIGGER IF EXISTS \(table)_counted_out;"
    }

    /// The SQL that sets `table`'s count to what it holds.
    static func recount(_ table: String) -> String {
        "UPDATE row_counts SET n = (SELECT count(*) FROM \(table)) WHERE name = '\(table)'"
    }
}
