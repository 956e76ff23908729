/// The tables of `PostgreSQLStore` (SPEC §8), in their own schema (`jianfu` unless the URL
/// says `?schema=`), created and upgraded by jianfu: `schema_migrations` lists the migrations
/// applied, each applied once, in order, in a transaction of its own under an advisory lock
/// (two jianfu processes that open a new store at once do not both create it). A store whose
/// `schema_migrations` lists a migration this jianfu does not know was written by a newer
/// jianfu, and is refused.
///
/// One server holds many pipelines: the run log, the run lock's holder, the sources (with
/// their fingerprints, rejections and declared units), the metrics, the units, the scores, the
/// bulletins and the spot-check lists are all keyed by the pipeline's `name`. Run numbers and
/// unit numbers count per pipeline (1, 2, …), as in a pipeline's own SQLite store. Periods are
/// ordinals at the metric's granularity, as in SQLite (`2024-03` = 2024 × 12 + 2).
/// docs/state.md describes every table.
enum PostgreSQLSchema {
    /// The migrations, in order: (version, name, SQL). Append, never change one that shipped.
    static let migrations: [(version: Int, name: String, sql: String)] = [
        (1, "v1", """
            CREATE TABLE runs (
                pipeline text NOT NULL,
                id bigint NOT NULL,
                run_id text NOT NULL,
                started_at text NOT NULL,
                finished_at text,
                host text NOT NULL,
                pid integer NOT NULL,
                pipeline_sha256 text NOT NULL,
                jianfu_version text NOT NULL,
                as_of text,
                outcome text NOT NULL,
                exit_code integer,
                message text,
                sources_read integer,
                rows_read bigint,
                rows_rejected bigint,
                cells_rejected bigint,
                observations bigint,
                corrections bigint,
                latest_month integer,
                PRIMARY KEY (pipeline, id)
            );
            CREATE TABLE run_locks (
                pipeline text PRIMARY KEY,
                host text NOT NULL,
                pid integer NOT NULL,
                since text NOT NULL,
                backend_pid integer NOT NULL
            );
            CREATE TABLE metrics (
                id serial PRIMARY KEY,
                pipeline text NOT NULL,
                name text NOT NULL,
                granularity text NOT NULL,
                UNIQUE (pipeline, name)
            );
            CREATE TABLE units (
                pipeline text NOT NULL,
                id integer NOT NULL,
                code text NOT NULL,
                PRIMARY KEY (pipeline, id),
                UNIQUE (pipeline, code)
            );
            CREATE TABLE sources (
                id serial PRIMARY KEY,
                pipeline text NOT NULL,
                name text NOT NULL,
                kind text NOT NULL,
                location text NOT NULL,
                size bigint NOT NULL,
                mtime_ns bigint,
                sha256 text NOT NULL,
                etag text,
                last_modified text,
                read_key text NOT NULL,
                latest_month integer NOT NULL,
                read_run bigint NOT NULL,
                encoding text NOT NULL,
                rows_read bigint NOT NULL,
                rows_rejected bigint NOT NULL,
                cells_rejected bigint NOT NULL,
                blank_lines bigint NOT NULL,
                observations bigint NOT NULL,
                threads integer NOT NULL,
                periods text NOT NULL,
                UNIQUE (pipeline, name)
            );
            CREATE TABLE declared_units (
                source integer NOT NULL REFERENCES sources (id),
                position integer NOT NULL,
                unit_id text NOT NULL,
                name text NOT NULL,
                category text NOT NULL,
                parent_id text,
                responsible text NOT NULL,
                PRIMARY KEY (source, position)
            );
            CREATE TABLE source_units (
                source integer NOT NULL REFERENCES sources (id),
                unit integer NOT NULL,
                name text NOT NULL,
                PRIMARY KEY (source, unit)
            );
            CREATE TABLE observations (
                source integer NOT NULL,
                metric integer NOT NULL,
                period integer NOT NULL,
                unit integer NOT NULL,
                value double precision NOT NULL,
                line bigint NOT NULL,
                run bigint NOT NULL,
                PRIMARY KEY (source, metric, period, unit)
            );
            CREATE TABLE observation_history (
                source integer NOT NULL,
                metric integer NOT NULL,
                period integer NOT NULL,
                unit integer NOT NULL,
                value double precision NOT NULL,
                line bigint NOT NULL,
                run bigint NOT NULL,
                replaced_by_run bigint NOT NULL,
                new_value double precision NOT NULL
            );
            CREATE INDEX observation_history_key ON observation_history (source, metric, period, unit);
            CREATE INDEX observation_history_by_run ON observation_history (source, replaced_by_run);
            CREATE TABLE rejections (
                source integer NOT NULL REFERENCES sources (id),
                seq integer NOT NULL,
                line bigint NOT NULL,
                field text NOT NULL,
                reason text NOT NULL,
                message text NOT NULL,
                raw text NOT NULL,
                is_cell boolean NOT NULL,
                reason_id text NOT NULL,
                value text NOT NULL,
                detail text NOT NULL,
                cell text,
                PRIMARY KEY (source, seq)
            );
            CREATE TABLE unit_scores (
                pipeline text NOT NULL,
                unit_id text NOT NULL,
                category text NOT NULL,
                composite double precision,
                run bigint NOT NULL,
                PRIMARY KEY (pipeline, unit_id)
            );
            CREATE TABLE bulletins (
                pipeline text NOT NULL,
                month integer NOT NULL,
                run bigint NOT NULL,
                PRIMARY KEY (pipeline, month)
            );
            CREATE TABLE bulletin_alerts (
                pipeline text NOT NULL,
                month integer NOT NULL,
                unit_id text NOT NULL,
                metric text NOT NULL,
                rule text NOT NULL,
                run bigint NOT NULL,
                PRIMARY KEY (pipeline, month, unit_id, metric, rule)
            );
            CREATE TABLE samples (
                id bigserial PRIMARY KEY,
                pipeline text NOT NULL,
                month integer NOT NULL,
                seed numeric(20, 0) NOT NULL,
                requested integer NOT NULL,
                drawn_at text NOT NULL,
                run bigint,
                exclude_recent integer NOT NULL,
                include_rollups boolean NOT NULL,
                jianfu_version text NOT NULL
            );
            CREATE INDEX samples_by_month ON samples (pipeline, month);
            CREATE TABLE sample_units (
                sample bigint NOT NULL REFERENCES samples (id),
                position integer NOT NULL,
                unit_id text NOT NULL,
                weight double precision NOT NULL,
                reason text NOT NULL,
                PRIMARY KEY (sample, position)
            );
            CREATE VIEW observation_values AS
                SELECT s.pipeline, s.name AS source, u.code AS unit_id, m.name AS metric,
                       CASE m.granularity
                           WHEN 'month' THEN lpad((o.period / 12)::text, 4, '0') || '-' || lpad((o.period % 12 + 1)::text, 2, '0')
                           WHEN 'quarter' THEN lpad((o.period / 4)::text, 4, '0') || 'Q' || (o.period % 4 + 1)::text
                           ELSE lpad(o.period::text, 4, '0') END AS period,
                       o.value, o.line, o.run
                FROM observations o
                JOIN sources s ON s.id = o.source
                JOIN units u ON u.pipeline = s.pipeline AND u.id = o.unit
                JOIN metrics m ON m.id = o.metric;
            """),
        // v2: values kept in slabs, a row per (source, metric, period) with its units, values,
        // lines and runs packed as little-endian arrays ordered by unit (`ObservationSlab`, as
        // in SQLite), in place of a row per value: a night's cost follows the number of slabs.
        // Stored uncompressed (`STORAGE EXTERNAL`): packed numbers compress little, and pglz
        // would cost every write and read. The rows of `observations` are packed into slabs
        // here, in SQL; the history gains the line of the value that replaced each one (it was
        // read from `observations`). `observation_values` spells the slabs out with the
        // `slab_*` functions (for people with `psql`; jianfu does not read it).
        (2, "v2-observation-slabs", """
            CREATE TABLE observation_slabs (
                source integer NOT NULL,
                metric integer NOT NULL,
                period integer NOT NULL,
                units bytea NOT NULL,
                vals bytea NOT NULL,
                lines bytea NOT NULL,
                runs bytea NOT NULL,
                PRIMARY KEY (source, metric, period)
            );
            ALTER TABLE observation_slabs
                ALTER COLUMN units SET STORAGE EXTERNAL, ALTER COLUMN vals SET STORAGE EXTERNAL,
                ALTER COLUMN lines SET STORAGE EXTERNAL, ALTER COLUMN runs SET STORAGE EXTERNAL;
            CREATE FUNCTION pg_temp.le4(v bigint) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT AS $$
                SELECT substring(int8send(v) FROM 8 FOR 1) || substring(int8send(v) FROM 7 FOR 1)
                    || substring(int8send(v) FROM 6 FOR 1) || substring(int8send(v) FROM 5 FOR 1) $$;
            CREATE FUNCTION pg_temp.le8(v double precision) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT AS $$
                SELECT substring(float8send(v) FROM 8 FOR 1) || substring(float8send(v) FROM 7 FOR 1)
                    || substring(float8send(v) FROM 6 FOR 1) || substring(float8send(v) FROM 5 FOR 1)
                    || substring(float8send(v) FROM 4 FOR 1) || substring(float8send(v) FROM 3 FOR 1)
                    || substring(float8send(v) FROM 2 FOR 1) || substring(float8send(v) FROM 1 FOR 1) $$;
            INSERT INTO observation_slabs (source, metric, period, units, vals, lines, runs)
                SELECT source, metric, period,
                       string_agg(pg_temp.le4(unit), ''::bytea ORDER BY unit), string_agg(pg_temp.le8(value), ''::bytea ORDER BY unit),
                       string_agg(pg_temp.le4(line), ''::bytea ORDER BY unit), string_agg(pg_temp.le4(run), ''::bytea ORDER BY unit)
                FROM observations GROUP BY source, metric, period;
            DROP FUNCTION pg_temp.le4(bigint);
            DROP FUNCTION pg_temp.le8(double precision);
            ALTER TABLE observation_history ADD COLUMN new_line bigint;
            UPDATE observation_history h SET new_line = o.line FROM observations o
                WHERE o.source = h.source AND o.metric = h.metric AND o.period = h.period AND o.unit = h.unit;
            DROP VIEW observation_values;
            DROP TABLE observations;
            -- Element i (from 0) of a slab's array: an Int32, a UInt32, a Float64 (its sign,
            -- 52-bit fraction with the hidden bit, and exponent put together exactly: every
            -- step is a power of two or a 53-bit integer). One expression each, so that the
            -- planner inlines them.
            CREATE FUNCTION slab_int4(b bytea, i integer) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                SELECT get_byte(b, 4 * i) | (get_byte(b, 4 * i + 1) << 8) | (get_byte(b, 4 * i + 2) << 16) | (get_byte(b, 4 * i + 3) << 24) $$;
            CREATE FUNCTION slab_uint4(b bytea, i integer) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                SELECT get_byte(b, 4 * i)::bigint | (get_byte(b, 4 * i + 1)::bigint << 8)
                    | (get_byte(b, 4 * i + 2)::bigint << 16) | (get_byte(b, 4 * i + 3)::bigint << 24) $$;
            CREATE FUNCTION slab_float8(b bytea, i integer) RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                SELECT CASE WHEN (get_byte(b, 8 * i + 7) & 127) = 127 AND (get_byte(b, 8 * i + 6) >> 4) = 15
                            THEN CASE WHEN (get_byte(b, 8 * i + 6) & 15) | get_byte(b, 8 * i + 5) | get_byte(b, 8 * i + 4)
                                           | get_byte(b, 8 * i + 3) | get_byte(b, 8 * i + 2) | get_byte(b, 8 * i + 1) | get_byte(b, 8 * i) <> 0
                                      THEN 'NaN'::float8
                                      WHEN get_byte(b, 8 * i + 7) >= 128 THEN '-Infinity'::float8 ELSE 'Infinity'::float8 END
                       ELSE CASE WHEN get_byte(b, 8 * i + 7) >= 128 THEN -1.0::float8 ELSE 1.0::float8 END
                            * (((get_byte(b, 8 * i + 6) & 15)::bigint << 48) | (get_byte(b, 8 * i + 5)::bigint << 40)
                               | (get_byte(b, 8 * i + 4)::bigint << 32) | (get_byte(b, 8 * i + 3)::bigint << 24)
                               | (get_byte(b, 8 * i + 2)::bigint << 16) | (get_byte(b, 8 * i + 1)::bigint << 8) | get_byte(b, 8 * i)::bigint
                               | CASE WHEN (get_byte(b, 8 * i + 7) & 127) = 0 AND (get_byte(b, 8 * i + 6) >> 4) = 0
                                      THEN 0 ELSE 4503599627370496 END)::float8
                            * power(2::float8, greatest(((get_byte(b, 8 * i + 7) & 127) << 4) | (get_byte(b, 8 * i + 6) >> 4), 1) - 1075) END $$;
            -- Each slab's arrays are read from storage once (`|| ''`, not flattened: OFFSET 0),
            -- not once for every element.
            CREATE VIEW observation_values AS
                SELECT s.pipeline, s.name AS source, u.code AS unit_id, m.name AS metric,
                       CASE m.granularity
                           WHEN 'month' THEN lpad((o.period / 12)::text, 4, '0') || '-' || lpad((o.period % 12 + 1)::text, 2, '0')
                           WHEN 'quarter' THEN lpad((o.period / 4)::text, 4, '0') || 'Q' || (o.period % 4 + 1)::text
                           ELSE lpad(o.period::text, 4, '0') END AS period,
                       slab_float8(o.vals, i) AS value, slab_uint4(o.lines, i) AS line, slab_int4(o.runs, i)::bigint AS run
                FROM (SELECT source, metric, period, units || ''::bytea AS units, vals || ''::bytea AS vals,
                             lines || ''::bytea AS lines, runs || ''::bytea AS runs
                      FROM observation_slabs OFFSET 0) o
                CROSS JOIN LATERAL generate_series(0, length(o.units) / 4 - 1) AS i
                JOIN sources s ON s.id = o.source
                JOIN units u ON u.pipeline = s.pipeline AND u.id = slab_int4(o.units, i)
                JOIN metrics m ON m.id = o.metric;
            """),
        // v3: what a night that changed nothing writes is nothing but its run (issue 14), as in
        // SQLite's v8: the run whose composites `unit_scores` holds is kept once per pipeline in
        // `score_runs`, not in every row, so a night rewrites only the composites that changed
        // (and leaves no dead rows for the others); `bulletins` gains the digest of its alerts
        // (`AlertMerge.digest`; NULL for a bulletin written before: compared row by row).
        (3, "v3-score-runs-bulletin-digests", """
            ALTER TABLE bulletins ADD COLUMN alerts_sha256 text;
            CREATE TABLE score_runs (
                pipeline text PRIMARY KEY,
                run bigint NOT NULL
            );
            INSERT INTO score_runs SELECT pipeline, max(run) FROM unit_scores GROUP BY pipeline;
            ALTER TABLE unit_scores DROP COLUMN run;
            """),
        // v4: a bulletin's alerts packed in one value, `bulletins.alerts` (`PackedAlerts`: each
        // distinct alert in key order, each field as its UTF-8 length, 4 bytes little-endian,
        // and bytes), in place of a row per alert (issue 14), as in SQLite's v9: a night of a
        // new month writes one value instead of 145 000 rows, and the ledger reads one value
        // back. The rows are packed here, in SQL, in byte order (`COLLATE "C"`); every
        // bulletin's digest becomes the SHA-256 of its value (the bytes the digest was defined
        // on, so a digest already stored is unchanged). `bulletin_alerts` becomes a view that
        // spells the values out with `bulletin_alert_rows` (for people with `psql`; jianfu does
        // not read it); the run that first raised each alert is no longer kept.
        (4, "v4-packed-bulletin-alerts", """
            ALTER TABLE bulletins ADD COLUMN alerts bytea NOT NULL DEFAULT ''::bytea;
            ALTER TABLE bulletins ALTER COLUMN alerts SET STORAGE EXTERNAL;
            CREATE FUNCTION pg_temp.packed(t text) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT AS $$
                SELECT set_byte(set_byte(set_byte(set_byte('\\x00000000'::bytea,
                           0, octet_length(convert_to(t, 'UTF8')) & 255), 1, (octet_length(convert_to(t, 'UTF8')) >> 8) & 255),
                           2, (octet_length(convert_to(t, 'UTF8')) >> 16) & 255), 3, (octet_length(convert_to(t, 'UTF8')) >> 24) & 255)
                       || convert_to(t, 'UTF8') $$;
            UPDATE bulletins b SET alerts = p.alerts
                FROM (SELECT pipeline, month,
                             string_agg(pg_temp.packed(unit_id) || pg_temp.packed(metric) || pg_temp.packed(rule), ''::bytea
                                        ORDER BY unit_id COLLATE "C", metric COLLATE "C", rule COLLATE "C") AS alerts
                      FROM bulletin_alerts GROUP BY pipeline, month) p
                WHERE b.pipeline = p.pipeline AND b.month = p.month;
            UPDATE bulletins SET alerts_sha256 = encode(sha256(alerts), 'hex');
            DROP FUNCTION pg_temp.packed(text);
            DROP TABLE bulletin_alerts;
            -- The alerts of a packed value, in its order (key order). The value is read from
            -- storage once (`|| ''`), not once for every byte.
            CREATE FUNCTION bulletin_alert_rows(packed bytea) RETURNS TABLE (unit_id text, metric text, rule text)
                LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
                DECLARE
                    b bytea := packed || ''::bytea;
                    p integer := 0;
                    len integer;
                    v text[];
                BEGIN
                    WHILE p < length(b) LOOP
                        v := '{}';
                        FOR f IN 1..3 LOOP
                            len := get_byte(b, p) | (get_byte(b, p + 1) << 8) | (get_byte(b, p + 2) << 16) | (get_byte(b, p + 3) << 24);
                            v := v || convert_from(substring(b FROM p + 5 FOR len), 'UTF8');
                            p := p + 4 + len;
                        END LOOP;
                        unit_id := v[1];
                        metric := v[2];
                        rule := v[3];
                        RETURN NEXT;
                    END LOOP;
                END $$;
            CREATE VIEW bulletin_alerts AS
                SELECT b.pipeline, b.month, a.unit_id, a.metric, a.rule
                FROM bulletins b CROSS JOIN LATERAL bulletin_alert_rows(b.alerts) a;
            """),
    ]

    /// The version this jianfu writes: the last migration's.
    static var version: Int { migrations.last!.version }

    /// The key of the transaction-level advisory lock that serialises migrations of `schema`.
    static func migrationLockKey(schema: String) -> Int64 {
        PostgreSQLStore.lockKey("jianfu-migrations", schema, "")
    }
}
