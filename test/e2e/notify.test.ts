// Notifications end to end: the built CLI, a real store, and stand-in robots on 127.0.0.1.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { planNotices } from '../../src/notify/outbox.js';
import { teamsFileSchema } from '../../src/playbook/schema.js';
import { Incidents } from '../../src/app/incidents.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { cliAsync, PLAYBOOKS, TEMPLATES, tempDir, type CliResult } from '../helpers.js';
import { HOUR, NO_HOLIDAYS, inputs, playbook, request } from '../support/engine.js';
import { Robots } from '../support/robots.js';

const dir = tempDir('notify-e2e-');
let robots: Robots;
beforeAll(async () => {
  robots = await Robots.start();
});
afterAll(() => robots.close());
beforeEach(() => {
  robots.arrivals.length = 0;
});

const secrets = () => [robots.options.wecomKey, robots.options.feishuHook, robots.options.feishuSecret, `127.0.0.1:${robots.port}`];
const robotEnv = () => ({ WECOM_URL: robots.url('wecom'), FS_URL: robots.url('feishu'), FS_SECRET: robots.options.feishuSecret });

const cli = cliAsync;

/** The bundled playbooks, with every team's group on WeCom and Feishu. */
function playbooksWithChannels(): string {
  const folder = join(dir, 'playbooks');
  cpSync(PLAYBOOKS, folder, { recursive: true });
  const teams = parse(readFileSync(join(folder, 'teams.yaml'), 'utf8'));
  for (const team of teams.teams) {
    team.channels = [
      { type: 'wecom', url: { env: 'WECOM_URL' } },
      { type: 'feishu', url: { env: 'FS_URL' }, secret: { env: 'FS_SECRET' } },
    ];
  }
  writeFileSync(join(folder, 'teams.yaml'), stringify(teams));
  return folder;
}

const idsIn = (arrivals: { raw: string }[]) => arrivals.map((a) => /(?:INC|DRL)-\d{8}-\d{3}\/N\d+/.exec(a.raw)![0]);

describe('notifications through the CLI', () => {
  let folder: string;
  let db: string;
  let incident: string;
  // the frozen library's playbooks go with its own templates, not the bundled ones
  const run = (args: string[], env: Record<string, string> = robotEnv()) => cli([...args, '--db', db, '--playbooks', folder, '--templates', TEMPLATES], env);

  beforeAll(() => {
    folder = playbooksWithChannels();
    db = join(dir, 'cli.db');
  });

  it('open: WeCom and Feishu receive the activation of each team the tier activates', async () => {
    const r = await run(['open', '--type', 'trading-outage', '--title', 'APP login failures', '--indicator', 'eventLevel=2', '--impact', 'partial', '--var', 'systems=mobile app', '--json']);
    expect(r.code, r.stderr).toBe(0);
    incident = JSON.parse(r.stdout).id;
    const wecom = robots.of('wecom');
    const feishu = robots.of('feishu').filter((a) => a.body.msg_type === 'interactive');
    expect(wecom.length).toBeGreaterThanOrEqual(2);
    expect(feishu).toHaveLength(wecom.length);
    for (const a of wecom) expect(a.body.markdown.content).toMatch(new RegExp(`${incident} \\[\\w+\\] response started`));
    expect(feishu[0]!.body.card.header.title.content).toContain(incident);
    expect(r.stderr).toMatch(new RegExp(`notifications: ${wecom.length * 2} sent, 0 failed, 0 left`));
    // every message witnesses the log's head as it stood when sent (issue 17, build 4): an
    // anchor the chat history keeps, which verify --anchors accepts
    const heads = wecom.map((a) => /log head #(\d+) ([0-9a-f]{64})/.exec(a.body.markdown.content as string));
    expect(heads.every(Boolean)).toBe(true);
    const [, seq, hash] = heads[0]!;
    const log = JSON.parse((await run(['log', incident, '--json'])).stdout) as { seq: number; hash: string }[];
    expect(log.find((e) => e.seq === Number(seq))?.hash).toBe(hash);
    const anchors = join(dir, 'chat-anchors.jsonl');
    writeFileSync(anchors, `${JSON.stringify({ incident, seq: Number(seq), hash, time: '2026-11-28T00:00:00Z' })}\n`);
    expect((await run(['verify', incident, '--anchors', anchors])).code).toBe(0);
    writeFileSync(anchors, `${JSON.stringify({ incident, seq: Number(seq), hash: hash!.replace(/^./, (c) => (c === '0' ? '1' : '0')), time: '2026-11-28T00:00:00Z' })}\n`);
    expect((await run(['verify', incident, '--anchors', anchors])).code).toBe(3);
  });

  it('regrade: the change is told, old tier → new', async () => {
    const r = await run(['regrade', incident, '--indicator', 'eventLevel=4', '--reason', 'clients lost money']);
    expect(r.code, r.stderr).toBe(0);
    const told = robots.of('wecom').map((a) => a.body.markdown.content as string);
    expect(told.length).toBeGreaterThan(0);
    for (const content of told) expect(content).toMatch(/tier \w+ → \w+/);
  });

  it('a command without the robots\' variables leaves its messages for watch, and watch sends them', async () => {
    const r = await run(['recover', incident], {});
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/notifications: 0 sent, 0 failed, \d+ left for `sec-incident watch`/);
    expect(r.stderr.replace(/\s+/g, ' ')).toContain('channel 1 (wecom): the environment variable WECOM_URL that holds its URL is not set');
    for (const line of r.stderr.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(robots.arrivals).toHaveLength(0);
    const w = await run(['watch', '--once']);
    expect(w.code, w.stderr).toBe(0);
    expect(robots.of('wecom').every((a) => /service restored/.test(a.body.markdown.content))).toBe(true);
    expect(robots.of('wecom').length).toBeGreaterThan(0);
  });

  it('no robot URL, key or secret in any output, the log or the report', async () => {
    const outputs = await Promise.all([run(['log', incident, '--json']), run(['report', incident]), run(['status', incident, '--json'])]);
    const text = outputs.map((o) => o.stdout + o.stderr).join('\n') + readFileSync(db).toString('latin1');
    for (const secret of secrets()) expect(text).not.toContain(secret);
    expect(outputs[0]!.stdout).toContain('notification.sent');
  });

  it('the report lists who was notified of what, when', async () => {
    const r = await run(['report', incident]);
    expect(r.code, r.stderr).toBe(0);
    const section = r.stdout.slice(r.stdout.indexOf('### Notified'));
    expect(section).toMatch(/\| Queued \| Team \| Channel \| Message \| Delivery \|/);
    expect(section).toMatch(/`wecom #1` \| .*response started.*`INC-\d{8}-\d{3}\/N\d+`.* \| delivered .*\(attempt 1\) \|/);
    expect(section).toMatch(/`feishu #2` \| .*service restored/);
  });
});

describe('watch', () => {
  const TEAMS = teamsFileSchema.parse({
    teams: [
      {
        id: 'opinion',
        name: 'Opinion',
        activate: ['mild', 'moderate', 'severe', 'critical'],
        channels: [
          { type: 'wecom', url: { env: 'WECOM_URL' } },
          { type: 'feishu', url: { env: 'FS_URL' }, secret: { env: 'FS_SECRET' } },
        ],
      },
    ],
  }).teams;
  const PB = playbook([{ id: 'holding-statement', title: { zh: '发布首次情况说明', en: 'Publish the holding statement' }, due: '30m' }]);

  /** Incidents opened in this process, at a time of our choosing, with their messages not yet sent. */
  async function openedEarlier(db: string, count: number, at: number): Promise<string[]> {
    const service = new Incidents(SqliteStore.open(db), NO_HOLIDAYS.calendar, planNotices);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await service.open(request(PB, inputs('moderate'), { teams: TEAMS }), at, 'tester')).id);
    await service.store.close();
    return ids;
  }

  it('a step left open past its due: watch --once twice raises exactly one overdue reminder', async () => {
    const db = join(dir, 'overdue.db');
    const [id] = await openedEarlier(db, 1, Date.now() - 2 * HOUR);
    const env = robotEnv();
    const first = await cli(['watch', '--once', '--db', db], env);
    const second = await cli(['watch', '--once', '--db', db], env);
    expect(first.code, first.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(first.stderr).toMatch(/watch: 1 reminder\(s\) raised/);
    expect(second.stderr).toMatch(/watch: 0 reminder\(s\) raised; notifications 0 sent/);
    const overdue = robots.of('wecom').filter((a) => /OVERDUE by 1 h 30 min: Publish the holding statement/.test(a.body.markdown.content));
    expect(overdue).toHaveLength(1);
    expect(robots.of('feishu').filter((a) => /OVERDUE/.test(JSON.stringify(a.body)))).toHaveLength(1);
    const log = await cli(['log', id!, '--json', '--db', db]);
    expect(log.stdout.match(/"reminder\.raised"/g)).toHaveLength(1);
  });

  it('two watchers at once deliver every notification exactly once', async () => {
    const db = join(dir, 'two.db');
    await openedEarlier(db, 6, Date.now());
    const env = robotEnv();
    const [a, b] = await Promise.all([cli(['watch', '--once', '--db', db], env), cli(['watch', '--once', '--db', db], env)]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const ids = idsIn(robots.arrivals);
    expect(ids).toHaveLength(12); // 6 incidents × (WeCom + Feishu)
    expect(new Set(ids).size).toBe(12);
    const sent = (r: CliResult) => Number(/notifications (\d+) sent/.exec(r.stderr)?.[1]);
    expect(sent(a) + sent(b)).toBe(12);
  });
});
