// Which store a --db value selects, and how a server that cannot be used is said (SPEC §5, §6).
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config.js';
import { CliError, InputError, WorkError } from '../../src/errors.js';
import { messages } from '../../src/i18n/messages.js';
import { openIncidentStore } from '../../src/store/open.js';
import { isPostgresUrl, maskUrl, parsePgTarget } from '../../src/store/postgres/target.js';
import { tempDir } from '../helpers.js';
import { refusingServer, silentServer } from '../support/fake-pg.js';

describe('selecting a backend', () => {
  it.each([
    ['postgres://u@h/db', true],
    ['postgresql://u@h:5433/db', true],
    ['POSTGRES://u@h/db', true],
    ['./audit.db', false],
    ['/var/lib/sec-incident/postgres.db', false],
    ['postgres.db', false],
  ])('%s is PostgreSQL: %s', (value, expected) => {
    expect(isPostgresUrl(value)).toBe(expected);
  });

  it('keeps a URL from the flag, the environment or the config file as it is; a path is resolved', async () => {
    const url = 'postgres://alice@db.example:5432/incidents';
    expect((await resolveSettings({ db: url }, {}, '/tmp')).db).toBe(url);
    expect((await resolveSettings({}, { SEC_INCIDENT_DB: url }, '/tmp')).db).toBe(url);
    expect((await resolveSettings({ db: 'a.db' }, {}, '/tmp')).db).toBe('/tmp/a.db');
  });
});

describe('a PostgreSQL URL', () => {
  it('never shows its password', () => {
    expect(maskUrl('postgres://alice:s3cret@h:5432/db')).toBe('postgres://alice:***@h:5432/db');
    expect(maskUrl('postgres://alice:s3cret@h:port/db')).not.toContain('s3cret');
    expect(maskUrl('postgres://alice@h/db')).toBe('postgres://alice@h/db');
  });

  it('takes the schema and connect_timeout from its parameters, then SEC_INCIDENT_DB_TIMEOUT, then 5 s', () => {
    const target = parsePgTarget('postgres://alice:pw@h/db?schema=team_a&connect_timeout=2&sslmode=disable', {});
    expect(target).toMatchObject({ schema: 'team_a', timeoutMs: 2000, shown: 'postgres://alice:***@h/db?schema=team_a&connect_timeout=2&sslmode=disable' });
    expect(target.url).toBe('postgres://alice:pw@h/db?sslmode=disable');
    expect(parsePgTarget('postgres://h/db', { SEC_INCIDENT_DB_TIMEOUT: '0.5' })).toMatchObject({ schema: 'sec_incident', timeoutMs: 500 });
    expect(parsePgTarget('postgres://h/db', {}).timeoutMs).toBe(5000);
  });

  it.each(['postgres://alice:pw@h:port/db', 'postgres://h/db?schema=Robert%27);--', 'postgres://h/db?connect_timeout=soon', 'postgres://%zz@h/db'])(
    '%s is bad input (exit 2), said without the password',
    (value) => {
      const error = (() => {
        try {
          parsePgTarget(value, {});
        } catch (e) {
          return e as CliError;
        }
      })();
      expect(error).toBeInstanceOf(InputError);
      expect(messages('en').error(error)).not.toContain('pw');
    },
  );
});

describe('a server that cannot be used', () => {
  it('a refused password is exit 1, without the password', async () => {
    const { port } = await refusingServer();
    const opening = openIncidentStore(`postgres://alice:hunter2@127.0.0.1:${port}/db`, { env: {} });
    await expect(opening).rejects.toBeInstanceOf(WorkError);
    expect(messages('en').error(await opening.catch((e: unknown) => e))).toMatch(/postgres:\/\/alice:\*\*\*@127\.0\.0\.1:\d+\/db: the server refused the login/);
  });

  it('a server that never answers is given up after the connect timeout, exit 1', async () => {
    const { port } = await silentServer();
    const opening = openIncidentStore(`postgres://alice:hunter2@127.0.0.1:${port}/db?connect_timeout=0.3`, { env: {} });
    await expect(opening).rejects.toBeInstanceOf(WorkError);
    // the silent server would keep the connection open forever: only the timeout ends it
    expect(messages('en').error(await opening.catch((e: unknown) => e))).toMatch(/cannot reach the database .*alice:\*\*\*@.*waited up to 0\.3 s/);
  });

  it('nothing listening is exit 1', async () => {
    await expect(openIncidentStore('postgres://postgres@127.0.0.1:1/db', { env: {} })).rejects.toBeInstanceOf(WorkError);
  });

  it('a path is an SQLite file', async () => {
    const store = await openIncidentStore(`${tempDir()}/a.db`, { env: {}, recordedBy: 'me' });
    expect(store.backend).toBe('sqlite');
    await store.close();
  });
});
