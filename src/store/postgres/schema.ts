// The shared store's schema (SPEC §6), created by `sec-incident db init` as the schema owner.
// Plain SQL and PL/pgSQL, no extensions, EXECUTE PROCEDURE rather than the newer EXECUTE
// FUNCTION: PostgreSQL-compatible databases (openGauss, KingbaseES, PolarDB) should take it.
// Responders hold SELECT, INSERT on events and EXECUTE on the two functions below, nothing
// else: the listing and the id counters are written only by functions owned by the owner.

export const PG_SCHEMA_VERSION = 3;

/** The channel every append is announced on (migration 2), payload `incident_id:seq`. */
export const CHANGE_CHANNEL = 'sec_incident_events';

/** A schema name as an SQL identifier; names are checked to [a-z_][a-z0-9_]* before they get here. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Each entry moves the schema from version i to i + 1; the meta table records where it is. */
export function migrations(schema: string): string[] {
  const s = ident(schema);
  const definer = `SECURITY DEFINER SET search_path = pg_catalog, pg_temp`;
  return [
    `
    CREATE TABLE ${s}.events (
      incident_id text NOT NULL,
      seq integer NOT NULL CHECK (seq > 0),
      at text NOT NULL,
      recorded_at text NOT NULL,
      type text NOT NULL,
      actor text NOT NULL,
      recorded_by text,
      payload text NOT NULL,
      prev_hash text NOT NULL,
      hash text NOT NULL,
      PRIMARY KEY (incident_id, seq)
    );

    -- the listing: a projection of events, rebuildable by rebuild_listing()
    CREATE TABLE ${s}.incidents (
      id text PRIMARY KEY,
      mode text NOT NULL,
      type text NOT NULL,
      title text NOT NULL,
      tier text NOT NULL,
      direction text NOT NULL,
      state text NOT NULL,
      timezone text NOT NULL,
      opened timestamptz NOT NULL,
      opened_at text NOT NULL,
      updated_at text NOT NULL,
      events integer NOT NULL
    );
    CREATE INDEX incidents_by_opened ON ${s}.incidents (opened DESC, id DESC);
    CREATE TABLE ${s}.id_counters (stem text PRIMARY KEY, n integer NOT NULL);

    CREATE FUNCTION ${s}.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP USING ERRCODE = '42501';
    END $$;
    CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON ${s}.events
      FOR EACH ROW EXECUTE PROCEDURE ${s}.refuse_change();
    CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON ${s}.events
      FOR EACH STATEMENT EXECUTE PROCEDURE ${s}.refuse_change();

    -- recorded_by is verified: the session's user, unless the owner's import_events() writes it
    CREATE FUNCTION ${s}.check_recorder() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.recorded_by IS DISTINCT FROM session_user::text AND current_user::text IS DISTINCT FROM
         (SELECT tableowner::text FROM pg_catalog.pg_tables WHERE schemaname = TG_TABLE_SCHEMA AND tablename = TG_TABLE_NAME) THEN
        RAISE EXCEPTION 'recorded_by must be the session user %, not %', session_user, coalesce(NEW.recorded_by, 'NULL')
          USING ERRCODE = '42501';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER events_recorder BEFORE INSERT ON ${s}.events
      FOR EACH ROW EXECUTE PROCEDURE ${s}.check_recorder();

    -- the listing's one projection code, for the trigger and for rebuild_listing()
    CREATE FUNCTION ${s}.project_row(e ${s}.events) RETURNS void LANGUAGE plpgsql ${definer} AS $$
    DECLARE
      p json := e.payload::json;
    BEGIN
      IF e.type = 'incident.opened' THEN
        IF NOT EXISTS (SELECT 1 FROM ${s}.incidents WHERE id = e.incident_id) THEN
          INSERT INTO ${s}.incidents (id, mode, type, title, tier, direction, state, timezone, opened, opened_at, updated_at, events)
          VALUES (e.incident_id, coalesce(p->>'mode', 'real'), coalesce(p->>'type', ''), coalesce(p->>'title', ''),
                  'mild', 'A', 'open', coalesce(p->>'timezone', 'Asia/Shanghai'), e.at::timestamptz, e.at, e.at, 0);
        END IF;
      ELSIF e.type = 'incident.graded' THEN
        UPDATE ${s}.incidents SET tier = p->>'tier', direction = p->'result'->>'direction' WHERE id = e.incident_id;
      ELSIF e.type = 'incident.recovered' THEN
        UPDATE ${s}.incidents SET state = 'recovered' WHERE id = e.incident_id;
      ELSIF e.type = 'incident.closed' THEN
        UPDATE ${s}.incidents SET state = 'closed' WHERE id = e.incident_id;
      END IF;
      UPDATE ${s}.incidents SET updated_at = e.at, events = e.seq WHERE id = e.incident_id;
    END $$;
    CREATE FUNCTION ${s}.project_event() RETURNS trigger LANGUAGE plpgsql ${definer} AS $$
    BEGIN
      PERFORM ${s}.project_row(NEW);
      RETURN NULL;
    END $$;
    CREATE TRIGGER events_project AFTER INSERT ON ${s}.events
      FOR EACH ROW EXECUTE PROCEDURE ${s}.project_event();

    -- the owner's repair: the listing again from the events alone
    CREATE FUNCTION ${s}.rebuild_listing() RETURNS integer LANGUAGE plpgsql ${definer} AS $$
    DECLARE
      e ${s}.events;
      n integer := 0;
    BEGIN
      DELETE FROM ${s}.incidents;
      FOR e IN SELECT * FROM ${s}.events ORDER BY incident_id, seq LOOP
        PERFORM ${s}.project_row(e);
        n := n + 1;
      END LOOP;
      RETURN n;
    END $$;

    -- INC-/DRL-YYYYMMDD-NNN: a counter per day, never below an id copied in by db copy
    CREATE FUNCTION ${s}.next_incident_id(prefix text, day text) RETURNS text LANGUAGE plpgsql ${definer} AS $$
    DECLARE
      v_stem text;
      v_n integer;
      v_listed integer;
    BEGIN
      IF prefix NOT IN ('INC', 'DRL') OR day !~ '^[0-9]{8}$' THEN
        RAISE EXCEPTION 'no id for %-%', prefix, day USING ERRCODE = '22023';
      END IF;
      v_stem := prefix || '-' || day || '-';
      INSERT INTO ${s}.id_counters (stem, n) SELECT v_stem, 0
        WHERE NOT EXISTS (SELECT 1 FROM ${s}.id_counters WHERE stem = v_stem);
      SELECT n INTO v_n FROM ${s}.id_counters WHERE stem = v_stem FOR UPDATE;
      SELECT coalesce(max(CASE WHEN substr(id, length(v_stem) + 1) ~ '^[0-9]{1,9}$'
                               THEN substr(id, length(v_stem) + 1)::integer END), 0)
        INTO v_listed FROM ${s}.incidents WHERE id LIKE v_stem || '%';
      v_n := greatest(v_n, v_listed) + 1;
      UPDATE ${s}.id_counters SET n = v_n WHERE stem = v_stem;
      RETURN v_stem || CASE WHEN v_n < 1000 THEN lpad(v_n::text, 3, '0') ELSE v_n::text END;
    END $$;

    -- db copy: a whole incident as it was, closed by the copier's own db.imported event
    CREATE FUNCTION ${s}.import_events(rows text) RETURNS integer LANGUAGE plpgsql ${definer} AS $$
    DECLARE
      r json;
      v_id text;
      v_n integer := 0;
      v_last json;
    BEGIN
      FOR r IN SELECT value FROM json_array_elements(rows::json) LOOP
        v_n := v_n + 1;
        IF v_n = 1 THEN
          v_id := r->>'incident_id';
          IF EXISTS (SELECT 1 FROM ${s}.events WHERE incident_id = v_id)
             OR EXISTS (SELECT 1 FROM ${s}.incidents WHERE id = v_id) THEN
            RAISE EXCEPTION 'incident % is already in this store', v_id;
          END IF;
        END IF;
        IF r->>'incident_id' IS DISTINCT FROM v_id OR (r->>'seq')::integer <> v_n THEN
          RAISE EXCEPTION 'an import is one incident''s events in order from 1';
        END IF;
        INSERT INTO ${s}.events (incident_id, seq, at, recorded_at, type, actor, recorded_by, payload, prev_hash, hash)
        VALUES (v_id, v_n, r->>'at', r->>'recorded_at', r->>'type', r->>'actor', r->>'recorded_by',
                r->>'payload', r->>'prev_hash', r->>'hash');
        v_last := r;
      END LOOP;
      IF v_n < 2 OR v_last->>'type' <> 'db.imported' OR v_last->>'recorded_by' IS DISTINCT FROM session_user::text THEN
        RAISE EXCEPTION 'an import ends with a db.imported event recorded by %', session_user;
      END IF;
      RETURN v_n;
    END $$;

    REVOKE ALL ON FUNCTION ${s}.next_incident_id(text, text), ${s}.import_events(text), ${s}.rebuild_listing(),
      ${s}.project_row(${s}.events), ${s}.project_event(), ${s}.check_recorder(), ${s}.refuse_change() FROM PUBLIC;
    `,
    // 2: the change feed. Every append is announced on one channel, `incident_id:seq`, delivered
    // at commit; walks LISTEN and show what others record while their prompt is open. pg_notify
    // needs no grant, LISTEN none either: responders' rights stay as they were.
    `
    CREATE FUNCTION ${s}.notify_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('${CHANGE_CHANNEL}', NEW.incident_id || ':' || NEW.seq);
      RETURN NULL;
    END $$;
    CREATE TRIGGER events_notify AFTER INSERT ON ${s}.events
      FOR EACH ROW EXECUTE PROCEDURE ${s}.notify_event();
    REVOKE ALL ON FUNCTION ${s}.notify_event() FROM PUBLIC;
    `,
    // 3: the store's identity (issue 17): the key check value, recorded once by the first writer
    // (or by db init with the key set); responders may record it, nobody may change it
    `
    CREATE FUNCTION ${s}.record_key_check(v text) RETURNS text LANGUAGE plpgsql ${definer} AS $$
    DECLARE
      v_now text;
    BEGIN
      IF v !~ '^([0-9a-f]{64}|none)$' THEN
        RAISE EXCEPTION 'not a key check value' USING ERRCODE = '22023';
      END IF;
      LOCK TABLE ${s}.meta IN SHARE ROW EXCLUSIVE MODE;
      SELECT value INTO v_now FROM ${s}.meta WHERE key = 'key_check';
      IF v_now IS NULL THEN
        INSERT INTO ${s}.meta (key, value) VALUES ('key_check', v);
        v_now := v;
      END IF;
      RETURN v_now;
    END $$;
    REVOKE ALL ON FUNCTION ${s}.record_key_check(text) FROM PUBLIC;
    `,
  ];
}

/** What `db init` prints: the grants a responder role needs, and nothing more. */
export function responderGrants(schema: string, role: string): string[] {
  const s = ident(schema);
  const r = ident(role);
  return [
    `GRANT USAGE ON SCHEMA ${s} TO ${r};`,
    `GRANT SELECT ON ${s}.events, ${s}.incidents, ${s}.meta TO ${r};`,
    `GRANT INSERT ON ${s}.events TO ${r};`,
    `GRANT EXECUTE ON FUNCTION ${s}.next_incident_id(text, text), ${s}.import_events(text), ${s}.record_key_check(text) TO ${r};`,
  ];
}

/** The guard triggers of the events table, as the first migration creates them: `db init --repair` puts back a missing one. */
export function guardTriggers(schema: string): Record<string, string> {
  const s = ident(schema);
  return {
    events_no_change: `CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON ${s}.events FOR EACH ROW EXECUTE PROCEDURE ${s}.refuse_change()`,
    events_no_truncate: `CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON ${s}.events FOR EACH STATEMENT EXECUTE PROCEDURE ${s}.refuse_change()`,
    events_recorder: `CREATE TRIGGER events_recorder BEFORE INSERT ON ${s}.events FOR EACH ROW EXECUTE PROCEDURE ${s}.check_recorder()`,
    events_project: `CREATE TRIGGER events_project AFTER INSERT ON ${s}.events FOR EACH ROW EXECUTE PROCEDURE ${s}.project_event()`,
  };
}
