// Issue 17, build item 13: the audit log is evidence kept for years and copied to auditors, so it
// pins no phone, mobile or Feishu id — names and roles only. Notifications find whom to @mention in
// the current teams.yaml when they send, by name; the log and its outbox hold names alone.
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { openIncident } from '../../src/engine/decide.js';
import type { EventDraft } from '../../src/engine/events.js';
import { teamsFileSchema } from '../../src/playbook/schema.js';
import type { IncidentStore } from '../../src/store/port.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { cliAsync, PLAYBOOKS, TEMPLATES, json, tempDir, type CliResult } from '../helpers.js';
import { NO_HOLIDAYS, inputs, playbook, request } from '../support/engine.js';
import { Robots } from '../support/robots.js';

const dir = tempDir('personal-e2e-');
let robots: Robots;
beforeAll(async () => {
  robots = await Robots.start();
});
afterAll(() => robots.close());
beforeEach(() => {
  robots.arrivals.length = 0;
});

const cli = cliAsync;

const robotEnv = () => ({
  WECOM_URL: robots.url('wecom'),
  DT_URL: robots.url('dingtalk'),
  DT_SECRET: robots.options.dingtalkSecret,
  FS_URL: robots.url('feishu'),
  FS_SECRET: robots.options.feishuSecret,
});

interface Contact {
  name: string;
  phone: string;
  mobile: string;
  feishu: string;
}

/** Two members a team, each with a desk phone, a mobile and a Feishu id no other text contains. */
function contactsOf(team: number): Contact[] {
  return [1, 2].map((n) => ({ name: `成员${team}${n}`, phone: `+86 21 6${team}${n}7 4${team}${n}9`, mobile: `1397${team}${n}6${team}${n}58`, feishu: `ou_p${team}${n}x${team}${n}q` }));
}

/** The fixture library, each team with members to reach and robots on WeCom, DingTalk and Feishu. */
function libraryWithContacts(name: string, edit: (teams: any[]) => void = () => undefined): { folder: string; contacts: Map<string, Contact[]> } {
  const folder = join(dir, name);
  cpSync(PLAYBOOKS, folder, { recursive: true });
  const file = parse(readFileSync(join(folder, 'teams.yaml'), 'utf8'));
  const contacts = new Map<string, Contact[]>();
  file.teams.forEach((team: any, i: number) => {
    const members = contactsOf(i + 1);
    contacts.set(team.id, members);
    team.members = members.map((m) => ({ ...m, role: { zh: '值班', en: 'On duty' } }));
    team.channels = [
      { type: 'wecom', url: { env: 'WECOM_URL' } },
      { type: 'dingtalk', url: { env: 'DT_URL' }, secret: { env: 'DT_SECRET' } },
      { type: 'feishu', url: { env: 'FS_URL' }, secret: { env: 'FS_SECRET' } },
    ];
  });
  edit(file.teams);
  writeFileSync(join(folder, 'teams.yaml'), stringify(file));
  return { folder, contacts };
}

function editTeams(folder: string, edit: (teams: any[]) => void): void {
  const file = parse(readFileSync(join(folder, 'teams.yaml'), 'utf8'));
  edit(file.teams);
  writeFileSync(join(folder, 'teams.yaml'), stringify(file));
}

/** Everything the store keeps: the database file and its write-ahead log, as bytes. */
function storeBytes(db: string): string {
  return [db, `${db}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('\n');
}

const personal = (c: Contact) => [c.phone, c.mobile, c.feishu];

/** What the robots were asked to @mention: WeCom's and DingTalk's mobiles, Feishu's open ids. */
function mentioned(): { wecom: string[]; dingtalk: string[]; feishu: string[] } {
  return {
    wecom: robots.of('wecom').flatMap((a) => a.body.text?.mentioned_mobile_list ?? []),
    dingtalk: robots.of('dingtalk').flatMap((a) => a.body.at?.atMobiles ?? []),
    feishu: robots.of('feishu').flatMap((a) => [...a.raw.matchAll(/<at user_id=\\"([^"\\]+)\\"/g)].map((m) => m[1]!)),
  };
}

describe('the log pins no phone or mobile numbers (item 13)', () => {
  const { folder, contacts } = libraryWithContacts('playbooks');
  const db = join(dir, 'audit.db');
  const run = (args: string[], env: Record<string, string> = robotEnv()) => cli([...args, '--db', db, '--playbooks', folder, '--templates', TEMPLATES], env);
  let id: string;

  it('open: the store and its outbox hold no phone, mobile or Feishu id, and the robots still @mention the activated teams from teams.yaml', async () => {
    const r = await run(['open', '--type', 'trading-outage', '--title', 'APP login failures', '--impact', 'partial', '--var', 'systems=APP', '--json']);
    expect(r.code, r.stderr).toBe(0);
    id = json(r).id;
    expect(r.stderr).toMatch(/notifications: \d+ sent, 0 failed, 0 left/);
    const everything = [...contacts.values()].flat();
    const kept = storeBytes(db) + (await run(['log', id, '--json'])).stdout;
    for (const value of everything.flatMap(personal)) expect(kept, value).not.toContain(value);
    // names and roles are kept: who was called in is evidence
    const opened = json((await run(['log', id, '--json'])) as CliResult)[0];
    const opinion = opened.payload.teams.find((t: any) => t.id === 'opinion');
    expect(opinion.members).toEqual(contacts.get('opinion')!.map((m) => ({ name: m.name, role: { zh: '值班', en: 'On duty' } })));
    // the opinion group is called in at every tier: its members are @mentioned on each platform
    const want = contacts.get('opinion')!;
    const got = mentioned();
    for (const m of want) {
      expect(got.wecom).toContain(m.mobile);
      expect(got.dingtalk).toContain(m.mobile);
      expect(got.feishu).toContain(m.feishu);
    }
  });

  it('a mobile changed in teams.yaml after the open: the next notification @mentions the new one, and a member no longer listed is sent without the @mention and said so', async () => {
    const [lead, deputy] = contacts.get('leadership')!;
    editTeams(folder, (teams) => {
      const leadership = teams.find((t) => t.id === 'leadership');
      leadership.members = [{ ...leadership.members[0], mobile: '13955501234', feishu: 'ou_new_lead' }];
    });
    // a severe regrade calls the leadership group in: its activation @mentions its members
    const r = await run(['regrade', id, '--indicator', 'eventLevel=4', '--reason', 'clients lost money']);
    expect(r.code, r.stderr).toBe(0);
    const got = mentioned();
    expect(got.wecom).toContain('13955501234');
    expect(got.dingtalk).toContain('13955501234');
    expect(got.feishu).toContain('ou_new_lead');
    const all = [...got.wecom, ...got.dingtalk, ...got.feishu];
    for (const old of [lead!.mobile, lead!.feishu, deputy!.mobile, deputy!.feishu]) expect(all).not.toContain(old);
    // the text still names the lead; the deputy, gone from teams.yaml, is named as not @mentioned
    expect(robots.of('wecom').some((a) => a.body.text?.content?.includes(lead!.name))).toBe(true);
    expect(r.stderr.replace(/\s+/g, ' ')).toContain(`leadership: sent without @mention of ${deputy!.name}, no longer in teams.yaml`);
    const log = json((await run(['log', id, '--json'])) as CliResult) as any[];
    const sent = log.filter((e) => e.type === 'notification.sent' && e.payload.unmentioned);
    expect(sent.length).toBeGreaterThan(0);
    for (const e of sent) expect(e.payload.unmentioned).toEqual([deputy!.name]);
    expect(storeBytes(db)).not.toContain('13955501234');
  });

  it('the report says which notification went out without whom', async () => {
    const r = await run(['report', id]);
    expect(r.code, r.stderr).toBe(0);
    const [, deputy] = contacts.get('leadership')!;
    expect(r.stdout).toContain(`not @mentioned: ${deputy!.name}`);
  });
});

describe('an old database whose opening event pinned phones keeps working (item 13)', () => {
  it('status, report and verify read it; its notifications take the mobiles from the current teams.yaml, not the log', async () => {
    const { folder, contacts } = libraryWithContacts('old-playbooks');
    const now = contacts.get('opinion')![0]!;
    const db = join(dir, 'old.db');
    const pinned = teamsFileSchema.parse({
      teams: [
        {
          id: 'opinion',
          name: 'Opinion',
          activate: ['mild', 'moderate', 'severe', 'critical'],
          members: [{ name: now.name, role: { zh: '值班', en: 'On duty' }, phone: '+86 21 0000 9999', mobile: '13900009999', feishu: 'ou_pinned' }],
          channels: [{ type: 'wecom', url: { env: 'WECOM_URL' } }],
        },
      ],
    }).teams;
    // written as the tool wrote it before: the opening pins the members with their numbers, and
    // the outbox's mentions carry the mobile
    const id = 'INC-20260316-001';
    const PB = playbook([{ id: 'holding-statement', title: 'Publish the holding statement', due: '30m' }]);
    const drafts: EventDraft[] = openIncident(id, request(PB, inputs('moderate')), Date.now() - 60_000, 'tester', NO_HOLIDAYS);
    (drafts[0]!.payload as any).teams = pinned;
    const at = Date.now() - 30_000;
    drafts.push({
      type: 'notification.queued',
      at,
      actor: 'tester',
      payload: {
        id: `${id}/N${drafts.length + 1}`,
        kind: 'opened',
        team: 'opinion',
        channel: { index: 1, type: 'wecom', url: { env: 'WECOM_URL' }, drill: false },
        notice: { id: `${id}/N${drafts.length + 1}`, kind: 'opened', incident: id, team: 'opinion', drill: false, lang: 'en', title: 'opened', lines: ['x'], footer: 'id', mentions: [{ name: now.name, mobile: '13900009999' }], data: {}, at } as any,
      },
    });
    const store: IncidentStore = SqliteStore.open(db);
    await store.transact((tx) => tx.append(id, drafts), id);
    await store.close();

    const run = (args: string[]) => cli([...args, '--db', db, '--playbooks', folder, '--templates', TEMPLATES], robotEnv());
    for (const args of [['status', id], ['report', id], ['verify', id], ['log', id]]) {
      const r = await run(args);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
    }
    const w = await run(['watch', '--once']);
    expect(w.code, w.stderr).toBe(0);
    const got = mentioned();
    expect(got.wecom).toEqual([now.mobile]);
  });
});
