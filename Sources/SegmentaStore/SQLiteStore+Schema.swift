import SegmentaCore
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
            CREATE INDEX events_name_profile_time ON events(name, profile_id, timestamp);
            CREATE TABLE orders (
              order_id TEXT PRIMARY KEY NOT NULL,
              profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE ON UPDATE CASCADE,
              timestamp INTEGER NOT NULL,
              amount REAL NOT NULL,
              currency TEXT,
              source TEXT NOT NULL
            ) WITHOUT ROWID;
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
        m.registerMigration("v2: segments, versions, snapshots, membership history") { db in
            try db.execute(sql: """
            CREATE TABLE segments (
              name TEXT PRIMARY KEY NOT NULL,
              kind TEXT NOT NULL CHECK (kind IN ('dynamic', 'static')),
              version INTEGER NOT NULL,
              created_at INTEGER NOT NULL,
              updated_at INTEGER NOT NULL,
              last_refresh_at INTEGER,
              last_error TEXT
            );
            CREATE TABLE segment_versions (
              segment TEXT NOT NULL REFERENCES segments(name) ON DELETE CASCADE,
              version INTEGER NOT NULL,
              definition TEXT NOT NULL CHECK (json_valid(definition)),
              created_at INTEGER NOT NULL,
              PRIMARY KEY (segment, version)
            ) WITHOUT ROWID;
            CREATE TABLE segment_snapshots (
              id INTEGER PRIMARY KEY,
              segment TEXT NOT NULL REFERENCES segments(name) ON DELETE CASCADE,
              version INTEGER NOT NULL,
              as_of INTEGER NOT NULL,
              size INTEGER NOT NULL,
              entered INTEGER NOT NULL,
              exited INTEGER NOT NULL,
              created_at INTEGER NOT NULL
            );
            CREATE INDEX segment_snapshots_segment ON segment_snapshots(segment, id);
            -- A member's stay in a segment: from the snapshot it entered to the one it left (NULL: still in).
            CREATE TABLE segment_membership (
              segment TEXT NOT NULL REFERENCES segments(name) ON DELETE CASCADE,
              profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE ON UPDATE CASCADE,
              entered_snapshot INTEGER NOT NULL REFERENCES segment_snapshots(id) ON DELETE CASCADE,
              exited_snapshot INTEGER REFERENCES segment_snapshots(id),
              PRIMARY KEY (segment, profile_id, entered_snapshot)
            ) WITHOUT ROWID;
            CREATE INDEX segment_membership_current ON segment_membership(segment, exited_snapshot);
            CREATE INDEX segment_membership_profile ON segment_membership(profile_id);
            -- Values of an analysis per profile at each run (RFM segments, for migrations).
            CREATE TABLE analysis_values (
              run_id INTEGER NOT NULL REFERENCES analysis_runs(id) ON DELETE CASCADE,
              profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE ON UPDATE CASCADE,
              value TEXT NOT NULL,
              PRIMARY KEY (run_id, profile_id)
            ) WITHOUT ROWID;
            """)
        }
        m.registerMigration("v3: hypotheses") { db in
            try db.execute(sql: """
            CREATE TABLE hypotheses (
              name TEXT PRIMARY KEY NOT NULL,
              definition TEXT NOT NULL CHECK (json_valid(definition)),
              created_at INTEGER NOT NULL
            );
            """)
        }
        m.registerMigration("v4: experiments and exposures") { db in
            try db.execute(sql: """
            CREATE TABLE experiments (
              name TEXT PRIMARY KEY NOT NULL,
              definition TEXT NOT NULL CHECK (json_valid(definition)),
              created_at INTEGER NOT NULL
            );
            CREATE TABLE experiment_exposures (
              experiment TEXT NOT NULL REFERENCES experiments(name) ON DELETE CASCADE,
              profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE ON UPDATE CASCADE,
              variant TEXT NOT NULL,
              first_exposed_at INTEGER NOT NULL,
              PRIMARY KEY (experiment, profile_id)
            ) WITHOUT ROWID;
            """)
        }
        m.registerMigration("v5: API keys, suppression, privacy requests, webhooks") { db in
            try db.execute(sql: """
            CREATE TABLE api_keys (
              id TEXT PRIMARY KEY NOT NULL,
              kind TEXT NOT NULL CHECK (kind IN ('write', 'read', 'admin')),
              name TEXT NOT NULL,
              hash TEXT NOT NULL UNIQUE,
              prefix TEXT NOT NULL,
              created_at INTEGER NOT NULL,
              revoked_at INTEGER
            );
            CREATE TABLE suppressed_ids (
              external_id TEXT PRIMARY KEY NOT NULL,
              request_id TEXT NOT NULL,
              created_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE privacy_requests (
              id TEXT PRIMARY KEY NOT NULL,
              kind TEXT NOT NULL CHECK (kind IN ('delete')),
              subject_ids TEXT NOT NULL CHECK (json_valid(subject_ids)),
              suppress INTEGER NOT NULL,
              status TEXT NOT NULL CHECK (status IN ('pending', 'completed', 'failed')),
              result TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(result)),
              created_at INTEGER NOT NULL,
              completed_at INTEGER
            );
            CREATE TABLE webhooks (
              id INTEGER PRIMARY KEY,
              segment TEXT NOT NULL REFERENCES segments(name) ON DELETE CASCADE,
              url TEXT NOT NULL,
              secret TEXT NOT NULL,
              created_at INTEGER NOT NULL
            );
            -- The outbox: one row per page of a refresh's changes, kept as the delivery log.
            CREATE TABLE webhook_deliveries (
              id INTEGER PRIMARY KEY,
              webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
              snapshot_id INTEGER NOT NULL,
              page INTEGER NOT NULL,
              body TEXT NOT NULL,
              status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
              attempts INTEGER NOT NULL DEFAULT 0,
              next_attempt_at INTEGER NOT NULL,
              response_status INTEGER,
              last_error TEXT,
              created_at INTEGER NOT NULL,
              delivered_at INTEGER
            );
            CREATE INDEX webhook_deliveries_pending ON webhook_deliveries(status, next_attempt_at);
            CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id, id);
            """)
        }
        m.registerMigration("v6: deleted and suppressed ids kept only as SHA-256") { db in
            try db.execute(sql: """
            CREATE TABLE deleted_ids (
              id_hash TEXT PRIMARY KEY NOT NULL,
              request_id TEXT NOT NULL,
              suppress INTEGER NOT NULL,
              deleted_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            """)
            for row in try Row.fetchAll(db, sql: "SELECT external_id, request_id, created_at FROM suppressed_ids") {
                try db.execute(sql: "INSERT INTO deleted_ids (id_hash, request_id, suppress, deleted_at) VALUES (?, ?, 1, ?) ON CONFLICT DO NOTHING",
                               arguments: [IDHash.of(id: row[0]), row[1] as String, row[2] as Int64])
            }
            try db.execute(sql: "DROP TABLE suppressed_ids")
            for row in try Row.fetchAll(db, sql: "SELECT id, subject_ids FROM privacy_requests") {
                let ids = (try? JSONTextParser.parse(row[1] as String).arrayValues.compactMap(\.stringValue)) ?? []
                try db.execute(sql: "UPDATE privacy_requests SET subject_ids = ? WHERE id = ?",
                               arguments: [JSONValue.array(ids.map { .string(IDHash.of(id: $0)) }).jsonText, row[0] as String])
            }
        }
        m.registerMigration("v7: account trait times (group traits merge newest-wins per trait, like identify)") { db in
            try db.execute(sql: "ALTER TABLE accounts ADD COLUMN trait_times TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(trait_times))")
        }
        m.registerMigration("v8: computed traits as one JSON object per profile and analysis; orders index covers amounts") { db in
            // No foreign key on computed_values: a cascade would need an index on profile_id, which
            // costs more on every write of a million rows than the explicit delete (by primary key,
            // one per group) that merges and privacy deletes do. Run values likewise: one object
            // per run instead of one row per profile, whose cascade scanned every run's rows on each
            // merge (0.8 s per merged profile with 9.5M rows).
            try db.execute(sql: """
            CREATE TABLE computed_values (
              grp TEXT NOT NULL,
              profile_id TEXT NOT NULL,
              traits TEXT NOT NULL CHECK (json_valid(traits) AND json_type(traits) = 'object'),
              computed_at INTEGER NOT NULL,
              PRIMARY KEY (grp, profile_id)
            ) WITHOUT ROWID;
            CREATE TABLE analysis_run_values (
              run_id INTEGER PRIMARY KEY REFERENCES analysis_runs(id) ON DELETE CASCADE,
              profile_values TEXT NOT NULL CHECK (json_valid(profile_values) AND json_type(profile_values) = 'object')
            );
            INSERT INTO analysis_run_values (run_id, profile_values)
              SELECT run_id, json_group_object(profile_id, value) FROM analysis_values GROUP BY run_id;
            DROP TABLE analysis_values;
            CREATE TABLE computed_trait_names (
              name TEXT PRIMARY KEY NOT NULL,
              grp TEXT NOT NULL
            ) WITHOUT ROWID;
            """)
            let grp = ComputedTraitLayout.groupCaseSQL
            try db.execute(sql: """
            INSERT INTO computed_values (grp, profile_id, traits, computed_at)
              SELECT \(grp), profile_id, json_group_object(name, json(value)), max(computed_at)
              FROM computed_traits GROUP BY 1, profile_id ORDER BY 1, profile_id;
            INSERT INTO computed_trait_names (name, grp) SELECT DISTINCT name, \(grp) FROM computed_traits;
            DROP TABLE computed_traits;
            -- Per-customer order totals read the index alone (no lookup into the table per order).
            CREATE INDEX orders_profile_time_amount ON orders(profile_id, timestamp, amount);
            DROP INDEX orders_profile_time;
            """)
        }
        m.registerMigration("v9: dashboard sessions kept in the store (a restart keeps people signed in)") { db in
            try db.execute(sql: """
            CREATE TABLE dashboard_sessions (
              id_hash TEXT PRIMARY KEY NOT NULL,
              key_id TEXT NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
              kind TEXT NOT NULL CHECK (kind IN ('write', 'read', 'admin')),
              csrf TEXT NOT NULL,
              expires_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX dashboard_sessions_expiry ON dashboard_sessions(expires_at);
            """)
        }
        m.registerMigration("v10: computed values and run values without a JSON check per row (Segmenta writes every object itself)") { db in
            // The check parsed each object twice (json_valid, json_type) on every insert: about a
            // third of the time RFM took to save a million profiles, and a parse of a run's whole
            // object (30 MB for a million profiles). Only ComputedTraitLayout and recordAnalysis
            // write these tables, from JSONValue; a copy from PostgreSQL brings jsonb text, valid
            // by construction.
            try db.execute(sql: """
            CREATE TABLE computed_values_v10 (
              grp TEXT NOT NULL,
              profile_id TEXT NOT NULL,
              traits TEXT NOT NULL,
              computed_at INTEGER NOT NULL,
              PRIMARY KEY (grp, profile_id)
            ) WITHOUT ROWID;
            INSERT INTO computed_values_v10 SELECT grp, profile_id, traits, computed_at FROM computed_values ORDER BY grp, profile_id;
            DROP TABLE computed_values;
            ALTER TABLE computed_values_v10 RENAME TO computed_values;
            CREATE TABLE analysis_run_values_v10 (
              run_id INTEGER PRIMARY KEY REFERENCES analysis_runs(id) ON DELETE CASCADE,
              profile_values TEXT NOT NULL
            );
            INSERT INTO analysis_run_values_v10 SELECT run_id, profile_values FROM analysis_run_values;
            DROP TABLE analysis_run_values;
            ALTER TABLE analysis_run_values_v10 RENAME TO analysis_run_values;
            """)
        }
        m.registerMigration("v11: segment drift alerts") { db in
            try db.execute(sql: """
            CREATE TABLE segment_alerts (
              id INTEGER PRIMARY KEY,
              segment TEXT NOT NULL REFERENCES segments(name) ON DELETE CASCADE,
              snapshot_id INTEGER NOT NULL,
              kind TEXT NOT NULL CHECK (kind IN ('size', 'mix')),
              trait TEXT,
              message TEXT NOT NULL,
              details TEXT NOT NULL,
              created_at INTEGER NOT NULL
            );
            CREATE INDEX segment_alerts_segment ON segment_alerts(segment, id);
            """)
        }
        m.registerMigration("v12: derived ids of 128 bits; stores with 64-bit ones keep recognising them") { db in
            // Ids stay as they are (they are unique and referenced by nothing else); what is
            // recorded here is whether the store holds pre-v12 derived ids, so that writers also
            // look for them and a message or order received again after the upgrade stays a duplicate.
            try db.execute(sql: """
            CREATE TABLE store_facts (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID;
            INSERT INTO store_facts (name, value) SELECT 'legacy_order_ids', 1
              WHERE EXISTS (SELECT 1 FROM orders WHERE order_id >= 'auto:' AND order_id < 'auto;' AND length(order_id) = 21);
            -- Content ids are looked for source by source, each a range of the (source, message_id)
            -- index: milliseconds whatever the number of events (a scan took 35 s at 20M events).
            INSERT INTO store_facts (name, value) SELECT 'legacy_content_ids', 1
              WHERE EXISTS (
                WITH RECURSIVE s(source) AS (
                  SELECT (SELECT min(source) FROM events)
                  UNION ALL
                  SELECT (SELECT min(source) FROM events WHERE source > s.source) FROM s WHERE s.source IS NOT NULL
                )
                SELECT 1 FROM s WHERE s.source IS NOT NULL AND EXISTS (
                  SELECT 1 FROM events WHERE source = s.source AND message_id >= 'content:' AND message_id < 'content;' AND length(message_id) = 24))
                 OR EXISTS (SELECT 1 FROM orders WHERE order_id >= 'msg:content:' AND order_id < 'msg:content;' AND length(order_id) = 28);
            """)
        }
        // Nothing here touches a foreign key: checked as it runs, not by a whole-store check after it
        // (GRDB's default, which read every row of a 20M-event store: 12 s warm, 21 s cold).
        m.registerMigration("v13: row counts kept by triggers (the overview reads them instead of counting)", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: "CREATE TABLE row_counts (name TEXT PRIMARY KEY NOT NULL, n INTEGER NOT NULL) WITHOUT ROWID")
            for table in RowCounts.tables {
                try db.execute(sql: "INSERT INTO row_counts (name, n) SELECT '\(table)', count(*) FROM \(table)")
                try db.execute(sql: RowCounts.createTriggers(table))
            }
        }
        m.registerMigration("v14: the web origins a write key takes (browser SDKs)", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: "ALTER TABLE api_keys ADD COLUMN origins TEXT")
        }
        m.registerMigration("v15: departures between refreshes (merges, erasures) and what webhooks were told (consent)", foreignKeyChecks: .immediate) { db in
            try db.execute(sql: """
            ALTER TABLE segment_snapshots ADD COLUMN merged INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE segment_snapshots ADD COLUMN erased INTEGER NOT NULL DEFAULT 0;
            -- 1: the member is withheld from the segment's webhooks (marketing consent denied when last told).
            ALTER TABLE segment_membership ADD COLUMN withheld INTEGER NOT NULL DEFAULT 0 CHECK (withheld IN (0, 1));
            -- Members who left without a refresh since the last snapshot, by reason, for the next one.
            CREATE TABLE segment_departures (
              segment TEXT NOT NULL REFERENCES segments(name) ON DELETE CASCADE,
              reason TEXT NOT NULL CHECK (reason IN ('merged', 'erased')),
              n INTEGER NOT NULL,
              PRIMARY KEY (segment, reason)
            ) WITHOUT ROWID;
            """)
            // Until now a refresh left denials out of what it sent: the current ones were withheld.
            try db.execute(sql: """
                UPDATE segment_membership SET withheld = 1
                WHERE exited_snapshot IS NULL AND profile_id IN (SELECT p.id FROM profiles p WHERE \(ConsentRule.deniedMarketing("p", .sqlite)))
                """)
        }
        m.registerMigration("v16: support keys (one person at a time, for helpdesks)") { db in
            // SQLite cannot change a CHECK: the table is rebuilt (foreign keys are off during a
            // migration, so dashboard sessions keep pointing at their key by id).
            try db.execute(sql: """
            CREATE TABLE api_keys_v16 (
              id TEXT PRIMARY KEY NOT NULL,
              kind TEXT NOT NULL CHECK (kind IN ('write', 'read', 'admin', 'support')),
              name TEXT NOT NULL,
              hash TEXT NOT NULL UNIQUE,
              prefix TEXT NOT NULL,
              created_at INTEGER NOT NULL,
              revoked_at INTEGER,
              origins TEXT
            );
            INSERT INTO api_keys_v16 (id, kind, name, hash, prefix, created_at, revoked_at, origins)
              SELECT id, kind, name, hash, prefix, created_at, revoked_at, origins FROM api_keys;
            DROP TABLE api_keys;
            ALTER TABLE api_keys_v16 RENAME TO api_keys;
            """)
        }
        m.registerMigration("v17: profiles found by email or phone through an index (the support lookup)") { db in
            try db.execute(sql: ContactIndex.create(.sqlite))
        }
        // Every read of one event name asks for track events only: with `type` in the index the
        // counts (churn, KPIs, conditions) are answered from the index, not row by row from the
        // table (5 s to 1.6 s per name on 20M events; built once, ~40 s on such a store).
        m.registerMigration("v18: track events by name answered from one covering index") { db in
            try db.execute(sql: """
                CREATE INDEX events_name_type_profile_time ON events(name, type, profile_id, timestamp);
                DROP INDEX events_name_profile_time;
                """)
        }
        return m
    }
}
