// Four-eyes sign-off on a shared PostgreSQL store (SPEC §6, §9): two login roles, each a member's
// `user:`. The server says who wrote each event, so --actor cannot borrow another's name.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, FIXTURES, hasStackTrace, json, tempDir } from '../helpers.js';
import { ownerQuery, pgSchemas, pgUrl, TEST_PG } from '../support/pg.js';

const pgs = pgSchemas('e2e_approvals');
const schema = pgs.schema();
const library = join(tempDir(), 'library');
let author = '';
let approver = '';

/** The store as one role sees it: its own login, the test schema. */
function as(role: string): string {
  const url = new URL(pgUrl({ schema }));
  url.username = role;
  return url.toString();
}

const run = (role: string, ...args: string[]) =>
  cli([...args, '--db', as(role)], { env: { SEC_INCIDENT_PLAYBOOKS: join(library, 'playbooks'), SEC_INCIDENT_TEMPLATES: join(library, 'templates'), SEC_INCIDENT_LANG: 'en' } });

describe('sign-off on PostgreSQL: two roles, the server knows who is who', () => {
  beforeAll(async () => {
    author = await pgs.role();
    approver = await pgs.role();
    const owner = pgUrl({ schema });
    for (const role of [author, approver]) {
      const init = cli(['db', 'init', '--role', role, '--db', owner]);
      expect(init.code, init.stderr).toBe(0);
      for (const grant of init.stdout.split('\n').filter((l) => l.startsWith('GRANT '))) await ownerQuery(grant);
    }
    // the firm's teams: 张三 and 李四 of leadership are these two database roles
    cpSync(join(FIXTURES, 'approvals'), library, { recursive: true });
    const teams = join(library, 'playbooks', 'teams.yaml');
    writeFileSync(teams, readFileSync(teams, 'utf8').replace('user: zhangsan', `user: ${author}`).replace('user: lisi', `user: ${approver}`));
  });

  it('the author drafts; approving it themselves is refused whatever --actor says (exit 1); the other role approves; the step is done', () => {
    expect(new URL(TEST_PG).hostname).toBe('127.0.0.1');
    const opened = run(author, 'open', '--type', 'outage', '--title', 'Orders stuck', '--var', 'systems=the mobile app', '--json', '--actor', '张三');
    expect(opened.code, opened.stderr).toBe(0);
    const id = json(opened).id as string;
    expect(run(author, 'statement', id, 'holding-statement', 'draft', '--actor', '张三').code).toBe(0);

    for (const claim of ['李四', author, approver]) {
      const self = run(author, 'statement', id, 'holding-statement', 'approve', '--actor', claim);
      expect(self.code).toBe(1);
      expect(self.stderr).toContain('the author cannot sign their own text');
      expect(hasStackTrace(self.stderr)).toBe(false);
    }
    // the approver's role, whatever name it types, is 李四: verified, not claimed
    const approved = json(run(approver, 'statement', id, 'holding-statement', 'approve', '--actor', 'someone', '--json'));
    expect(approved).toMatchObject({ approved: true, approvals: [{ member: '李四' }] });
    expect(approved.approvals[0]).not.toHaveProperty('claimed');

    expect(run(author, 'step', id, 'holding-statement', 'done', '--actor', '张三').code).toBe(0);
    const status = json(run(author, 'status', id, '--json'));
    expect(status.steps.find((s: any) => s.id === 'holding-statement').status).toBe('done');
    expect(status.approvals[0]).toMatchObject({ status: 'published', approvals: [expect.not.objectContaining({ claimed: true })] });
    const log = json<any[]>(run(author, 'log', id, '--json'));
    expect(log.find((e) => e.type === 'statement.approved')).toMatchObject({ recordedBy: approver, recordedByVerified: true });

    const out = join(tempDir(), 'report.md');
    expect(run(author, 'report', id, '--out', out).code).toBe(0);
    const report = readFileSync(out, 'utf8');
    expect(report).toMatch(/draft 1 approved by 李四 \(Emergency leadership group\)\n/);
    expect(report).not.toContain('claimed, not verified by the store');
  });

  it('a role that is no member cannot approve, even naming a member', async () => {
    const stranger = await pgs.role();
    const init = cli(['db', 'init', '--role', stranger, '--db', pgUrl({ schema })]);
    for (const grant of init.stdout.split('\n').filter((l) => l.startsWith('GRANT '))) await ownerQuery(grant);
    const id = json(run(author, 'open', '--type', 'outage', '--title', 'Again', '--var', 'systems=APP', '--json')).id as string;
    expect(run(author, 'statement', id, 'holding-statement', 'draft').code).toBe(0);
    const r = run(stranger, 'statement', id, 'holding-statement', 'approve', '--actor', '李四');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${stranger} is not a member`);
  });
});
