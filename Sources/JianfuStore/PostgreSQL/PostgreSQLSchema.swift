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
    ]

    /// The version this jianfu writes: the last migration's.
    static var version: Int { migrations.last!.version }

    /// The key of the transaction-level advisory lock that serialises migrations of `schema`.
    static func migrationLockKey(schema: String) -> Int64 {
        PostgreSQLStore.lockKey("jianfu-migrations", schema, "")
    }
}
