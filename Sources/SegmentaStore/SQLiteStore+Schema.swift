import GRDB

/// The schema, as named migrations. Constraints live in the schema, not only in code.
extension SQLiteStore {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1: profiles, identities, events, orders, accounts, computed traits") { db in
            try db.execute(sql: """
            CREATE TABLE profiles (
              id TEXT PRIMARY KEY NOT NULL CHECK (length(id) > 0),
              traits TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(traits) AND json_type(traits) = 'object'),
              trait_times TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(trait_times)),
              first_seen INTEGER,
              last_seen INTEGER,
              created_at INTEGER NOT NULL
            );
            CREATE TABLE identities (
              external_id TEXT PRIMARY KEY NOT NULL,
              kind TEXT NOT NULL CHECK (kind IN ('user_id', 'anonymous_id')),
              profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE ON UPDATE CASCADE
            );
            CREATE INDEX identities_profile ON identities(profile_id);
            CREATE TABLE events (
              id INTEGER PRIMARY KEY,
              source TEXT NOT NULL,
              message_id TEXT NOT NULL,
              profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE ON UPDATE CASCADE,
              type TEXT NOT NULL CHECK (type IN ('identify', 'track', 'page', 'screen', 'group', 'alias')),
              name TEXT,
              timestamp INTEGER NOT NULL,
              original_timestamp INTEGER,
              sent_at INTEGER,
              received_at INTEGER NOT NULL,
              properties TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(properties)),
              context TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(context)),
              UNIQUE (source, message_id)
            );
            CREATE INDEX events_profile_time ON events(profile_id, timestamp);
            CREATE INDEX events_name_time ON events(name, timestamp);
            CREATE TABLE orders (
              order_id TEXT PRIMARY KEY NOT NULL,
              profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE ON UPDATE CASCADE,
              timestamp INTEGER NOT NULL,
              amount REAL NOT NULL,
              currency TEXT,
              source TEXT NOT NULL
            );
            CREATE INDEX orders_profile_time ON orders(profile_id, timestamp);
            CREATE TABLE accounts (
              id TEXT PRIMARY KEY NOT NULL,
              traits TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(traits)),
              created_at INTEGER NOT NULL,
              updated_at INTEGER NOT NULL
            );
            CREATE TABLE account_members (
              account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
              profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE ON UPDATE CASCADE,
              PRIMARY KEY (account_id, profile_id)
            ) WITHOUT ROWID;
            CREATE INDEX account_members_profile ON account_members(profile_id);
            CREATE TABLE computed_traits (
              profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE ON UPDATE CASCADE,
              name TEXT NOT NULL,
              value TEXT NOT NULL CHECK (json_valid(value)),
              computed_at INTEGER NOT NULL,
              PRIMARY KEY (profile_id, name)
            ) WITHOUT ROWID;
            CREATE INDEX computed_traits_name ON computed_traits(name);
            CREATE TABLE analysis_runs (
              id INTEGER PRIMARY KEY,
              kind TEXT NOT NULL,
              as_of INTEGER NOT NULL,
              parameters TEXT NOT NULL CHECK (json_valid(parameters)),
              summary TEXT NOT NULL CHECK (json_valid(summary)),
              created_at INTEGER NOT NULL
            );
            """)
        }
        return m
    }
}
