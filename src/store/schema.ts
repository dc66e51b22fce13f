import type Database from 'better-sqlite3';

export const SCHEMA_VERSION = 4;

/**
 * One incident's entry of `list --json`, pretty-printed and indented as an element of the array,
 * so that listing thousands of incidents is a join of strings (BENCHMARKS.md). Evaluated by
 * the store on every projection update; the sqlite3 shell never needs it (json_pretty is newer).
 * The arguments stand in for the columns an UPDATE is changing: its SET sees the old row.
 */
export function listedEntry(updatedAt = 'updated_at', events = 'events'): string {
  return `'  ' || replace(json_pretty(json_object(
    'id', id, 'mode', mode, 'type', type, 'title', title, 'tier', tier, 'direction', direction,
    'state', state, 'openedAt', opened_at, 'updatedAt', ${updatedAt}, 'events', ${events}), '  '),
  char(10), char(10) || '  ')`;
}

// Each entry moves the schema from version i to i + 1; `PRAGMA user_version` records where a file is.
const MIGRATIONS: string[] = [
  `
  CREATE TABLE events (
    incident_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    type TEXT NOT NULL,
    actor TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (incident_id, seq)
  );
  CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE refused'); END;
  CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE refused'); END;
  -- a projection for listing, rebuildable from events at any time
  CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    mode TEXT NOT NULL,
    type TEXT NOT NULL,
    title TEXT NOT NULL,
    tier TEXT NOT NULL,
    direction TEXT NOT NULL,
    state TEXT NOT NULL,
    timezone TEXT NOT NULL,
    opened_ms INTEGER NOT NULL,
    opened_at TEXT NOT NULL, -- ISO 8601 in the incident's time zone, ready to show
    updated_at TEXT NOT NULL,
    events INTEGER NOT NULL
  );
  CREATE INDEX incidents_by_mode ON incidents (mode, opened_ms DESC, id DESC);
  CREATE INDEX incidents_by_opened ON incidents (opened_ms DESC, id DESC);
  `,
  `
  ALTER TABLE incidents ADD COLUMN listed TEXT NOT NULL DEFAULT '';
  UPDATE incidents SET listed = ${listedEntry()};
  -- INSERT OR REPLACE deletes the old row without firing DELETE triggers: refuse it as an insert
  CREATE TRIGGER events_no_replace BEFORE INSERT ON events
    WHEN EXISTS (SELECT 1 FROM events WHERE incident_id = NEW.incident_id AND seq = NEW.seq)
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: REPLACE refused'); END;
  `,
  // who the store knows wrote each event (SPEC §6); older events keep NULL and their recipe
  `
  ALTER TABLE events ADD COLUMN recorded_by TEXT;
  `,
  // the store's identity (issue 17): the key check value, written once by the first writer
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TRIGGER meta_no_update BEFORE UPDATE ON meta
    BEGIN SELECT RAISE(ABORT, 'the store''s identity is written once: UPDATE refused'); END;
  CREATE TRIGGER meta_no_delete BEFORE DELETE ON meta
    BEGIN SELECT RAISE(ABORT, 'the store''s identity is written once: DELETE refused'); END;
  `,
];

/** Migrates forward to `to` (the latest unless a test asks for an older file). */
export function migrate(db: Database.Database, from: number, to = MIGRATIONS.length): void {
  db.transaction(() => {
    // another process may have migrated between our read and this write lock
    const current = Math.max(from, db.pragma('user_version', { simple: true }) as number);
    for (let v = current; v < to; v++) {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }
  }).immediate();
}

/**
 * The guards the log depends on, by name, with the schema version that brought each: verify says
 * which are missing, and the next writer puts them back (issue 17, finding 3).
 */
export const GUARD_TRIGGERS: Record<string, { since: number; sql: string }> = {
  events_no_update: { since: 1, sql: "CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE refused'); END" },
  events_no_delete: { since: 1, sql: "CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE refused'); END" },
  events_no_replace: {
    since: 2,
    sql: "CREATE TRIGGER events_no_replace BEFORE INSERT ON events WHEN EXISTS (SELECT 1 FROM events WHERE incident_id = NEW.incident_id AND seq = NEW.seq) BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: REPLACE refused'); END",
  },
  meta_no_update: { since: 4, sql: "CREATE TRIGGER meta_no_update BEFORE UPDATE ON meta BEGIN SELECT RAISE(ABORT, 'the store''s identity is written once: UPDATE refused'); END" },
  meta_no_delete: { since: 4, sql: "CREATE TRIGGER meta_no_delete BEFORE DELETE ON meta BEGIN SELECT RAISE(ABORT, 'the store''s identity is written once: DELETE refused'); END" },
};
