public import SegmentaCore
import Foundation
import PostgresNIO

/// The schema, as numbered migrations recorded in `segmenta_schema`. Several instances may start
/// at once: migrations run under an advisory lock, each in the same transaction as its record. A
/// database migrated by a newer Segmenta is refused, never written to.
extension PostgresBackend {
    /// The migrations, in order; never edit one that has shipped, add the next.
    static let migrations: [(version: Int, name: String, sql: String)] = [
        (1, "profiles, identities, events, orders, accounts, computed traits, analyses, segments, experiments, keys, privacy, webhooks", schemaV1),
        (2, "dashboard sessions", """
        CREATE TABLE dashboard_sessions (
          id_hash text PRIMARY KEY,
          key_id text COLLATE "C" NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
          kind text NOT NULL CHECK (kind IN ('write', 'read', 'admin')),
          csrf text NOT NULL,
          expires_at bigint NOT NULL
        );
        CREATE INDEX dashboard_sessions_expiry ON dashboard_sessions(expires_at)
        """),
        (3, "segment drift alerts", """
        CREATE TABLE segment_alerts (
          id bigserial PRIMARY KEY,
          segment text COLLATE "C" NOT NULL REFERENCES segments(name) ON DELETE CASCADE,
          snapshot_id bigint NOT NULL,
          kind text NOT NULL CHECK (kind IN ('size', 'mix')),
          trait text,
          message text NOT NULL,
          details jsonb NOT NULL,
          created_at bigint NOT NULL
        );
        CREATE INDEX segment_alerts_segment ON segment_alerts(segment, id)
        """),
        // Ids stay as they are; recorded here is whether the store holds 64-bit derived ids, so
        // that writers also look for them (see PostgresBackend+LegacyIDs).
        (4, "derived ids of 128 bits; stores with 64-bit ones keep recognising them", """
        CREATE TABLE store_facts (name text PRIMARY KEY, value integer NOT NULL);
        INSERT INTO store_facts (name, value) SELECT 'legacy_order_ids', 1
          WHERE EXISTS (SELECT 1 FROM orders WHERE order_id LIKE 'auto:%' AND length(order_id) = 21);
        -- events.message_id has the database's collation, so its index cannot answer a prefix:
        -- one scan, once (order ids are COLLATE "C": LIKE reads a range of their key).
        INSERT INTO store_facts (name, value) SELECT 'legacy_content_ids', 1
          WHERE EXISTS (SELECT 1 FROM events WHERE message_id LIKE 'content:%' AND length(message_id) = 24)
             OR EXISTS (SELECT 1 FROM orders WHERE order_id LIKE 'msg:content:%' AND length(order_id) = 28)
        """),
        (5, "the web origins a write key takes (browser SDKs)", "ALTER TABLE api_keys ADD COLUMN origins text"),
        // Until now a refresh left consent denials out of what it sent: the current ones were withheld.
        (6, "departures between refreshes (merges, erasures) and what webhooks were told (consent)", """
        ALTER TABLE segment_snapshots ADD COLUMN merged integer NOT NULL DEFAULT 0;
        ALTER TABLE segment_snapshots ADD COLUMN erased integer NOT NULL DEFAULT 0;
        ALTER TABLE segment_membership ADD COLUMN withheld boolean NOT NULL DEFAULT false;
        CREATE TABLE segment_departures (
          segment text COLLATE "C" NOT NULL REFERENCES segments(name) ON DELETE CASCADE,
          reason text NOT NULL CHECK (reason IN ('merged', 'erased')),
          n integer NOT NULL,
          PRIMARY KEY (segment, reason)
        );
        UPDATE segment_membership SET withheld = true
        WHERE exited_snapshot IS NULL AND profile_id IN (SELECT p.id FROM profiles p WHERE \(ConsentRule.deniedMarketing("p", .postgres)))
        """),
        (7, "support keys (one person at a time, for helpdesks)", """
        ALTER TABLE api_keys DROP CONSTRAINT api_keys_kind_check;
        ALTER TABLE api_keys ADD CONSTRAINT api_keys_kind_check CHECK (kind IN ('write', 'read', 'admin', 'support'));
        """),
        (8, "profiles found by email or phone through an index (the support lookup)", ContactIndex.create(.postgres)),
        (9, "track events by name answered from one covering index", """
        CREATE INDEX events_name_type_profile_time ON events(name, type, profile_id, timestamp);
        DROP INDEX events_name_profile_time
        """),
    ]

    /// Brings the database to the current schema (creating it on an empty database), or only up
    /// to `version` (tests that start from an older store).
    public func migrate(upTo version: Int? = nil) async throws(SegmentaError) {
        let latest = Self.migrations.last?.version ?? 0
        try await write { pg in
            // One instance migrates at a time; the others wait here, then find nothing to do.
            try await pg.execute("SELECT pg_advisory_xact_lock(7215001)")
            try await pg.execute("CREATE TABLE IF NOT EXISTS segmenta_schema (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)")
            let applied = Set(try await pg.column("SELECT version FROM segmenta_schema", as: Int.self))
            if let newest = applied.max(), newest > latest {
                throw SegmentaError(.conflict, "the store at \(location) has schema version \(newest), newer than this segmenta knows (\(latest)); upgrade segmenta to use it")
            }
            for m in Self.migrations where !applied.contains(m.version) && m.version <= version ?? latest {
                for statement in Self.statements(m.sql) { try await pg.execute(PostgresQuery(unsafeSQL: statement)) }
                try await pg.execute("INSERT INTO segmenta_schema (version, name, applied_at) VALUES (\(m.version), \(m.name), \(clock.now.milliseconds))")
            }
        }
    }

    /// The statements of a migration script, one by one (the extended protocol takes one at a
    /// time): split at `;` outside `$$` bodies, `--` comment lines dropped.
    static func statements(_ script: String) -> [String] {
        var out: [String] = [], current = "", inBody = false
        for line in script.split(separator: "\n", omittingEmptySubsequences: false) {
            if !inBody && line.drop(while: { $0 == " " }).hasPrefix("--") { continue }
            for part in line.split(separator: "$$", omittingEmptySubsequences: false).enumerated() {
                if part.offset > 0 { current += "$$"; inBody.toggle() }
                if inBody { current += part.element; continue }
                var rest = part.element
                while let semicolon = rest.firstIndex(of: ";") {
                    current += rest[..<semicolon]
                    let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
                    if !statement.isEmpty { out.append(statement) }
                    current = ""
                    rest = rest[rest.index(after: semicolon)...]
                }
                current += rest
            }
            current += "\n"
        }
        let last = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !last.isEmpty { out.append(last) }
        return out
    }

    /// Versions applied, in order.
    public func appliedMigrations() async throws(SegmentaError) -> [Int] {
        try await read { pg in try await pg.column("SELECT version FROM segmenta_schema ORDER BY version", as: Int.self) }
    }

    static let schemaV1 = """
    CREATE TABLE profiles (
      id text COLLATE "C" PRIMARY KEY CHECK (length(id) > 0),
      traits jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(traits) = 'object'),
      trait_times jsonb NOT NULL DEFAULT '{}',
      first_seen bigint,
      last_seen bigint,
      created_at bigint NOT NULL
    );
    CREATE TABLE identities (
      external_id text COLLATE "C" PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('user_id', 'anonymous_id')),
      profile_id text COLLATE "C" NOT NULL REFERENCES profiles(id) ON DELETE CASCADE ON UPDATE CASCADE
    );
    CREATE INDEX identities_profile ON identities(profile_id);
    CREATE TABLE events (
      id bigserial PRIMARY KEY,
      source text NOT NULL,
      message_id text NOT NULL,
      profile_id text COLLATE "C" NOT NULL REFERENCES profiles(id) ON DELETE CASCADE ON UPDATE CASCADE,
      type text NOT NULL CHECK (type IN ('identify', 'track', 'page', 'screen', 'group', 'alias')),
      name text,
      timestamp bigint NOT NULL,
      original_timestamp bigint,
      sent_at bigint,
      received_at bigint NOT NULL,
      properties jsonb NOT NULL DEFAULT '{}',
      context jsonb NOT NULL DEFAULT '{}',
      UNIQUE (source, message_id)
    );
    CREATE INDEX events_profile_time ON events(profile_id, timestamp);
    CREATE INDEX events_name_profile_time ON events(name, profile_id, timestamp);
    CREATE TABLE orders (
      order_id text COLLATE "C" PRIMARY KEY,
      profile_id text COLLATE "C" NOT NULL REFERENCES profiles(id) ON DELETE CASCADE ON UPDATE CASCADE,
      timestamp bigint NOT NULL,
      amount double precision NOT NULL,
      currency text,
      source text NOT NULL
    );
    CREATE INDEX orders_profile_time_amount ON orders(profile_id, timestamp, amount);
    CREATE TABLE accounts (
      id text COLLATE "C" PRIMARY KEY,
      traits jsonb NOT NULL DEFAULT '{}',
      trait_times jsonb NOT NULL DEFAULT '{}',
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL
    );
    CREATE TABLE account_members (
      account_id text COLLATE "C" NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
      profile_id text COLLATE "C" NOT NULL REFERENCES profiles(id) ON DELETE CASCADE ON UPDATE CASCADE,
      PRIMARY KEY (account_id, profile_id)
    );
    CREATE INDEX account_members_profile ON account_members(profile_id);
    -- Computed traits: one object per (analysis group, profile); no foreign key (see the SQLite v8 migration).
    CREATE TABLE computed_values (
      grp text COLLATE "C" NOT NULL,
      profile_id text COLLATE "C" NOT NULL,
      traits jsonb NOT NULL CHECK (jsonb_typeof(traits) = 'object'),
      computed_at bigint NOT NULL,
      PRIMARY KEY (grp, profile_id)
    );
    CREATE TABLE computed_trait_names (
      name text COLLATE "C" PRIMARY KEY,
      grp text NOT NULL
    );
    CREATE TABLE analysis_runs (
      id bigserial PRIMARY KEY,
      kind text NOT NULL,
      as_of bigint NOT NULL,
      parameters jsonb NOT NULL,
      summary text NOT NULL,
      created_at bigint NOT NULL
    );
    CREATE INDEX analysis_runs_kind ON analysis_runs(kind, as_of);
    -- A run's per-profile values, one JSON object (text, keys in order) per run.
    CREATE TABLE analysis_run_values (
      run_id bigint PRIMARY KEY REFERENCES analysis_runs(id) ON DELETE CASCADE,
      profile_values text NOT NULL
    );
    CREATE TABLE segments (
      name text COLLATE "C" PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('dynamic', 'static')),
      version integer NOT NULL,
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL,
      last_refresh_at bigint,
      last_error text
    );
    CREATE TABLE segment_versions (
      segment text COLLATE "C" NOT NULL REFERENCES segments(name) ON DELETE CASCADE,
      version integer NOT NULL,
      definition text NOT NULL,
      created_at bigint NOT NULL,
      PRIMARY KEY (segment, version)
    );
    CREATE TABLE segment_snapshots (
      id bigserial PRIMARY KEY,
      segment text COLLATE "C" NOT NULL REFERENCES segments(name) ON DELETE CASCADE,
      version integer NOT NULL,
      as_of bigint NOT NULL,
      size integer NOT NULL,
      entered integer NOT NULL,
      exited integer NOT NULL,
      created_at bigint NOT NULL
    );
    CREATE INDEX segment_snapshots_segment ON segment_snapshots(segment, id);
    CREATE TABLE segment_membership (
      segment text COLLATE "C" NOT NULL REFERENCES segments(name) ON DELETE CASCADE,
      profile_id text COLLATE "C" NOT NULL REFERENCES profiles(id) ON DELETE CASCADE ON UPDATE CASCADE,
      entered_snapshot bigint NOT NULL REFERENCES segment_snapshots(id) ON DELETE CASCADE,
      exited_snapshot bigint REFERENCES segment_snapshots(id),
      PRIMARY KEY (segment, profile_id, entered_snapshot)
    );
    CREATE INDEX segment_membership_current ON segment_membership(segment, exited_snapshot);
    CREATE INDEX segment_membership_profile ON segment_membership(profile_id);
    CREATE TABLE hypotheses (
      name text COLLATE "C" PRIMARY KEY,
      definition text NOT NULL,
      created_at bigint NOT NULL
    );
    CREATE TABLE experiments (
      name text COLLATE "C" PRIMARY KEY,
      definition text NOT NULL,
      created_at bigint NOT NULL
    );
    CREATE TABLE experiment_exposures (
      experiment text COLLATE "C" NOT NULL REFERENCES experiments(name) ON DELETE CASCADE,
      profile_id text COLLATE "C" NOT NULL REFERENCES profiles(id) ON DELETE CASCADE ON UPDATE CASCADE,
      variant text NOT NULL,
      first_exposed_at bigint NOT NULL,
      PRIMARY KEY (experiment, profile_id)
    );
    CREATE TABLE api_keys (
      id text COLLATE "C" PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('write', 'read', 'admin')),
      name text NOT NULL,
      hash text NOT NULL UNIQUE,
      prefix text NOT NULL,
      created_at bigint NOT NULL,
      revoked_at bigint
    );
    CREATE TABLE privacy_requests (
      id text PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('delete')),
      subject_ids text NOT NULL,
      suppress boolean NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'completed', 'failed')),
      result text NOT NULL DEFAULT '{}',
      created_at bigint NOT NULL,
      completed_at bigint
    );
    CREATE TABLE deleted_ids (
      id_hash text PRIMARY KEY,
      request_id text NOT NULL,
      suppress boolean NOT NULL,
      deleted_at bigint NOT NULL
    );
    CREATE TABLE webhooks (
      id bigserial PRIMARY KEY,
      segment text COLLATE "C" NOT NULL REFERENCES segments(name) ON DELETE CASCADE,
      url text NOT NULL,
      secret text NOT NULL,
      created_at bigint NOT NULL
    );
    CREATE TABLE webhook_deliveries (
      id bigserial PRIMARY KEY,
      webhook_id bigint NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
      snapshot_id bigint NOT NULL,
      page integer NOT NULL,
      body text NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at bigint NOT NULL,
      response_status integer,
      last_error text,
      created_at bigint NOT NULL,
      delivered_at bigint
    );
    CREATE INDEX webhook_deliveries_pending ON webhook_deliveries(status, next_attempt_at);
    CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id, id);
    -- seg_ts(text): milliseconds of a date or ISO-8601 time, NULL for anything else: the same
    -- forms as Timestamp.parse in Swift (the condition property test checks they agree).
    CREATE FUNCTION seg_ts(t text) RETURNS bigint LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
    DECLARE
      m text[];
      y int; mo int; d int; h int := 0; mi int := 0; s int := 0; frac int := 0;
      oh int := 0; om int := 0; sgn int := 0;
      dim int; yy int; era int; yoe int; doy int; doe int; mp int;
      ms bigint;
    BEGIN
      m := regexp_match(t, '^[ \t]*([0-9]{4})(?:-([0-9]{2})-([0-9]{2})|([0-9]{2})([0-9]{2}))(?:[Tt ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]{1,9}))?)?(?:([Zz])|([+-])([0-9]{2})(?::?([0-9]{2}))?)?)?[ \t\r]*$');
      IF m IS NULL THEN RETURN NULL; END IF;
      y := m[1]::int;
      mo := COALESCE(m[2], m[4])::int;
      d := COALESCE(m[3], m[5])::int;
      IF mo < 1 OR mo > 12 THEN RETURN NULL; END IF;
      dim := CASE WHEN mo = 2 THEN CASE WHEN (y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0 THEN 29 ELSE 28 END
                  WHEN mo IN (4, 6, 9, 11) THEN 30 ELSE 31 END;
      IF d < 1 OR d > dim THEN RETURN NULL; END IF;
      IF m[6] IS NOT NULL THEN
        h := m[6]::int; mi := m[7]::int;
        IF m[8] IS NOT NULL THEN s := m[8]::int; END IF;
        IF m[9] IS NOT NULL THEN frac := rpad(m[9], 9, '0')::bigint / 1000000; END IF;
        IF h >= 24 OR mi >= 60 OR s > 60 THEN RETURN NULL; END IF;
        IF s = 60 THEN s := 59; END IF;
        IF m[11] IS NOT NULL THEN
          oh := m[12]::int; om := COALESCE(m[13], '0')::int;
          IF oh > 23 OR om > 59 THEN RETURN NULL; END IF;
          sgn := CASE WHEN m[11] = '+' THEN -1 ELSE 1 END;
        END IF;
      END IF;
      -- days from civil (H. Hinnant), proleptic Gregorian, exact for any year
      yy := CASE WHEN mo <= 2 THEN y - 1 ELSE y END;
      era := CASE WHEN yy >= 0 THEN yy ELSE yy - 399 END / 400;
      yoe := yy - era * 400;
      mp := CASE WHEN mo > 2 THEN mo - 3 ELSE mo + 9 END;
      doy := (153 * mp + 2) / 5 + d - 1;
      doe := yoe * 365 + yoe / 4 - yoe / 100 + doy;
      ms := (era::bigint * 146097 + doe - 719468) * 86400000;
      RETURN ms + h * 3600000 + mi * 60000 + s * 1000 + frac + sgn * (oh * 3600000 + om * 60000)::bigint;
    END $$;
    """
}
