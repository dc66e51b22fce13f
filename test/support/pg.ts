// The PostgreSQL the tests use: SEC_INCIDENT_TEST_PG, else the local server with trust auth
// (.ci/run makes sure one answers). Each test file works in schemas of its own, dropped after it.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';

export const TEST_PG = process.env.SEC_INCIDENT_TEST_PG || 'postgres://postgres@127.0.0.1:5432/test';

/** The test server's URL with a schema (and any other of our parameters) set. */
export function pgUrl(params: Record<string, string>, base = TEST_PG): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/** Runs SQL as the owner (the test server's user). */
export async function ownerQuery(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: TEST_PG });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/**
 * Fresh schema names for one test file, dropped with everything in them after the file; roles
 * made with `role()` are dropped too.
 */
export function pgSchemas(file: string): { schema: () => string; role: () => Promise<string> } {
  const stem = `t_${file.replace(/\W/g, '_')}_${randomBytes(3).toString('hex')}`;
  const schemas: string[] = [];
  const roles: string[] = [];
  afterAll(async () => {
    for (const s of schemas) await ownerQuery(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    for (const r of roles) await ownerQuery(`DROP OWNED BY "${r}"; DROP ROLE IF EXISTS "${r}"`);
  });
  return {
    schema: () => {
      const name = `${stem}_${schemas.length + 1}`;
      schemas.push(name);
      return name;
    },
    role: async () => {
      const name = `${stem}_r${roles.length + 1}`;
      await ownerQuery(`CREATE ROLE "${name}" LOGIN`);
      roles.push(name);
      return name;
    },
  };
}
