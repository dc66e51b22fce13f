// Four-eyes sign-off (SPEC §9) as tables: who may sign, which draft, and the actions that wait.
import { describe, expect, it } from 'vitest';
import { DEFAULT_APPROVALS, pendingRequests, statementStatus, type Writer } from '../../src/engine/approvals.js';
import { closeIncident, decide, recordStep, regrade } from '../../src/engine/decide.js';
import type { EventDraft } from '../../src/engine/events.js';
import { definitionOf, fold, type IncidentState } from '../../src/engine/fold.js';
import { approveStatement, draftStatement, grantRequest, refuseRequest, rejectStatement } from '../../src/engine/signoff.js';
import { InputError, WorkError } from '../../src/errors.js';
import { teamsFileSchema } from '../../src/playbook/schema.js';
import type { TimeContext } from '../../src/time/duration.js';
import { HOUR, inputs, MIN, NO_HOLIDAYS, playbook, request, T0, TIER_INPUTS } from '../support/engine.js';
import { openIncident } from '../../src/engine/decide.js';

const TEAMS = teamsFileSchema.parse({
  teams: [
    {
      id: 'opinion',
      name: 'Opinion',
      activate: ['mild', 'moderate', 'severe', 'critical'],
      members: [
        { name: '钱七', user: 'qianqi' },
        { name: '孙八', user: 'sunba' },
      ],
    },
    {
      id: 'leadership',
      name: 'Leadership',
      activate: ['severe', 'critical'],
      members: [
        { name: '张三', user: 'zhangsan' },
        { name: '李四', user: 'lisi' },
        { name: '王五', user: 'wangwu' },
      ],
    },
    { id: 'compliance', name: 'Compliance', activate: ['critical'], members: [{ name: '郑一', user: 'zhengyi' }] },
  ],
}).teams;

const ID = 'INC-20260316-001';

/** A log written by people the store knows: each event carries its `recorded_by`, as PostgreSQL stamps it. */
class Desk {
  events: (EventDraft & { recordedBy?: string })[];
  state: IncidentState;
  constructor(steps: Record<string, unknown>[], tier = 'mild', approvals = DEFAULT_APPROVALS) {
    const pb = playbook(steps);
    this.events = openIncident(ID, request(pb, inputs(tier), { teams: TEAMS, approvals }), T0, 'opener', NO_HOLIDAYS);
    this.state = fold(ID, this.events, NO_HOLIDAYS);
  }
  /** Applies a decide function as `writer`; the store stamps recorded_by when it knows it. */
  as(writer: Writer, decideFn: (state: IncidentState, time: TimeContext) => EventDraft[]): IncidentState {
    const drafts = decideFn(this.state, NO_HOLIDAYS);
    this.events.push(...drafts.map((d) => (writer.recordedBy ? { ...d, recordedBy: writer.recordedBy } : d)));
    this.state = fold(ID, this.events, NO_HOLIDAYS);
    return this.state;
  }
  status(step: string) {
    return statementStatus(this.state, definitionOf(this.state, step), step);
  }
}

/** On PostgreSQL: the role is verified, the claim is whatever was typed. */
const pg = (role: string, claim = role): Writer => ({ actor: claim, recordedBy: role, verified: true });
/** On SQLite: only the claim, from --actor. */
const sqlite = (claim: string): Writer => ({ actor: claim, recordedBy: 'alice', verified: false });

const apology = { id: 'apology', template: 'apology', approval: 'leadership', due: '2h' };
const text = (n: number) => `We apologise (version ${n}).`;

function drafted(desk: Desk, author: Writer, n = 1, at = T0 + n * MIN) {
  return desk.as(author, (s) => draftStatement(s, 'apology', { text: text(n), lang: 'en' }, at, author.actor));
}

function refusal(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('who may approve a statement (SPEC §9)', () => {
  it.each([
    // [store, author, approver, allowed]
    ['PostgreSQL: another leadership member', pg('qianqi'), pg('lisi'), true],
    ['PostgreSQL: the author, whatever --actor claims', pg('zhangsan'), pg('zhangsan', '李四'), false],
    ['PostgreSQL: the author under another claimed name', pg('lisi', 'someone'), pg('lisi', '王五'), false],
    ['PostgreSQL: a role that is no member', pg('qianqi'), pg('mallory', '李四'), false],
    ['PostgreSQL: a member of another team', pg('zhangsan'), pg('sunba'), false],
    ['SQLite: another member claimed by name', sqlite('钱七'), sqlite('李四'), true],
    ['SQLite: another member claimed by user', sqlite('钱七'), sqlite('lisi'), true],
    ['SQLite: the author claiming their own name', sqlite('张三'), sqlite('张三'), false],
    ['SQLite: the author by user, approving by name', sqlite('zhangsan'), sqlite('张三'), false],
    ['SQLite: a name that is no member', sqlite('钱七'), sqlite('陌生人'), false],
  ])('%s → %s', (_, author, approver, allowed) => {
    const desk = new Desk([apology]);
    drafted(desk, author);
    const approve = () => desk.as(approver, (s) => approveStatement(s, 'apology', {}, T0 + 10 * MIN, approver));
    if (allowed) {
      approve();
      expect(desk.status('apology').approved).toBe(true);
    } else {
      expect(refusal(approve)).toBeInstanceOf(WorkError);
      expect(desk.status('apology').approved).toBe(false);
    }
  });

  it('a claimed approval is marked claimed; a verified one is not', () => {
    const claimed = new Desk([apology]);
    drafted(claimed, sqlite('钱七'));
    claimed.as(sqlite('李四'), (s) => approveStatement(s, 'apology', {}, T0 + 5 * MIN, sqlite('李四')));
    expect(claimed.state.signoffs[0]).toMatchObject({ member: '李四', team: 'leadership', claimed: true });

    const verified = new Desk([apology]);
    drafted(verified, pg('qianqi'));
    verified.as(pg('lisi'), (s) => approveStatement(s, 'apology', {}, T0 + 5 * MIN, pg('lisi')));
    expect(verified.state.signoffs[0]).toMatchObject({ member: '李四', recordedBy: 'lisi' });
    expect(verified.state.signoffs[0]).not.toHaveProperty('claimed');
  });

  it('a draft copied from another store (db copy) is judged by its claims: its recorded_by was not verified here', () => {
    const desk = new Desk([apology]);
    drafted(desk, pg('alice', 'zhangsan')); // written elsewhere by an OS user 'alice', claiming zhangsan
    desk.events.push({ type: 'db.imported', at: T0 + 2 * MIN, actor: 'copier', payload: { source: 'file.db', head: '0'.repeat(64), events: 5 }, recordedBy: 'postgres' });
    desk.state = fold(ID, desk.events, NO_HOLIDAYS);
    expect(refusal(() => approveStatement(desk.state, 'apology', {}, T0 + 5 * MIN, pg('zhangsan')))).toBeInstanceOf(WorkError);
    desk.as(pg('lisi'), (s) => approveStatement(s, 'apology', {}, T0 + 5 * MIN, pg('lisi')));
    expect(desk.status('apology').approved).toBe(true);
  });

  it('the self-approval message names who and says another member must sign', () => {
    const desk = new Desk([apology]);
    drafted(desk, pg('zhangsan', '张三'));
    const error = refusal(() => approveStatement(desk.state, 'apology', {}, T0 + 5 * MIN, pg('zhangsan', '李四')));
    expect(error).toBeInstanceOf(WorkError);
    expect(error).toMatchObject({ key: 'approval.self', params: { who: '张三' } });
  });
});

describe('which draft is approved (SPEC §9)', () => {
  it('approving an older draft (--draft N, not the latest) is refused', () => {
    const desk = new Desk([apology]);
    drafted(desk, sqlite('钱七'), 1);
    drafted(desk, sqlite('钱七'), 2);
    expect(refusal(() => approveStatement(desk.state, 'apology', { draft: 1 }, T0 + 5 * MIN, sqlite('李四')))).toBeInstanceOf(WorkError);
    desk.as(sqlite('李四'), (s) => approveStatement(s, 'apology', { draft: 2 }, T0 + 5 * MIN, sqlite('李四')));
    expect(desk.status('apology')).toMatchObject({ approved: true, draft: { draft: 2 } });
  });

  it('a new draft cancels earlier approvals: the step cannot be done until the new one is approved', () => {
    const desk = new Desk([apology]);
    drafted(desk, sqlite('钱七'), 1);
    desk.as(sqlite('李四'), (s) => approveStatement(s, 'apology', {}, T0 + 5 * MIN, sqlite('李四')));
    expect(desk.status('apology').approved).toBe(true);
    drafted(desk, sqlite('钱七'), 2, T0 + 6 * MIN);
    expect(desk.status('apology')).toMatchObject({ approved: false, draft: { draft: 2 }, approvals: [] });
    expect(refusal(() => recordStep(desk.state, 'apology', 'done', {}, T0 + 7 * MIN, '钱七'))).toBeInstanceOf(WorkError);
  });

  it('the same text again is not a new draft', () => {
    const desk = new Desk([apology]);
    drafted(desk, sqlite('钱七'), 1);
    expect(refusal(() => draftStatement(desk.state, 'apology', { text: text(1), lang: 'en' }, T0 + 9 * MIN, '钱七'))).toBeInstanceOf(InputError);
  });

  it('a rejection needs a reason (exit 2); a rejected draft is not approved until a new draft', () => {
    const desk = new Desk([apology]);
    drafted(desk, sqlite('钱七'));
    const noReason = refusal(() => rejectStatement(desk.state, 'apology', { reason: ' ' }, T0 + 5 * MIN, sqlite('李四')));
    expect(noReason).toBeInstanceOf(InputError);
    expect((noReason as InputError).exitCode).toBe(2);
    desk.as(sqlite('李四'), (s) => rejectStatement(s, 'apology', { reason: 'too vague' }, T0 + 5 * MIN, sqlite('李四')));
    expect(refusal(() => approveStatement(desk.state, 'apology', {}, T0 + 6 * MIN, sqlite('王五')))).toBeInstanceOf(WorkError);
    drafted(desk, sqlite('钱七'), 2, T0 + 7 * MIN);
    desk.as(sqlite('王五'), (s) => approveStatement(s, 'apology', {}, T0 + 8 * MIN, sqlite('王五')));
    expect(desk.status('apology').approved).toBe(true);
  });
});

describe('how many approve (SPEC §9)', () => {
  it.each([
    // [rule, approvers in order, approved after each]
    ['{team, count: 2}', { team: 'leadership', count: 2 }, ['李四', '王五'], [false, true]],
    ['[teams]: every team', ['leadership', 'compliance'], ['李四', '郑一'], [false, true]],
    ['[teams]: two of one team are not one of each', ['leadership', 'compliance'], ['李四', '王五'], [false, false]],
  ])('%s', (_, approval, approvers, after) => {
    const desk = new Desk([{ ...apology, approval }]);
    drafted(desk, sqlite('钱七'));
    approvers.forEach((who, i) => {
      desk.as(sqlite(who), (s) => approveStatement(s, 'apology', {}, T0 + (10 + i) * MIN, sqlite(who)));
      expect(desk.status('apology').approved).toBe(after[i]);
    });
  });

  it('one member approving twice counts once, and is told so', () => {
    const desk = new Desk([{ ...apology, approval: { team: 'leadership', count: 2 } }]);
    drafted(desk, sqlite('钱七'));
    desk.as(sqlite('李四'), (s) => approveStatement(s, 'apology', {}, T0 + 5 * MIN, sqlite('李四')));
    expect(refusal(() => approveStatement(desk.state, 'apology', {}, T0 + 6 * MIN, sqlite('lisi')))).toBeInstanceOf(WorkError);
  });
});

describe('the step and its published statement', () => {
  it('cannot be done before approval; done after, it records the approved text and its hash', () => {
    const desk = new Desk([apology]);
    expect(refusal(() => recordStep(desk.state, 'apology', 'done', {}, T0 + MIN, '钱七'))).toBeInstanceOf(WorkError);
    drafted(desk, sqlite('钱七'), 1);
    drafted(desk, sqlite('钱七'), 2);
    desk.as(sqlite('李四'), (s) => approveStatement(s, 'apology', {}, T0 + 5 * MIN, sqlite('李四')));
    desk.as(sqlite('钱七'), (s, time) => recordStep(s, 'apology', 'done', { statements: () => 'rendered anew' }, T0 + 6 * MIN, '钱七', time));
    expect(desk.state.steps[0]!.status).toBe('done');
    expect(desk.state.statements).toEqual([expect.objectContaining({ step: 'apology', text: text(2), draft: 2, sha256: desk.state.drafts[1]!.sha256 })]);
  });

  it('a mild incident still needs leadership: the draft activates it, saying why', () => {
    const desk = new Desk([apology], 'mild');
    expect(desk.state.teams.map((x) => x.team)).not.toContain('leadership');
    drafted(desk, sqlite('钱七'));
    expect(desk.state.teams).toContainEqual(expect.objectContaining({ team: 'leadership', step: 'apology', approval: true }));
  });

  it('with statements: false in the configuration, no sign-off is asked', () => {
    const desk = new Desk([apology], 'mild', { ...DEFAULT_APPROVALS, statements: false });
    desk.as(sqlite('钱七'), (s, time) => recordStep(s, 'apology', 'done', {}, T0 + MIN, '钱七', time));
    expect(desk.state.steps[0]!.status).toBe('done');
  });

  it('an approval arriving after the due time makes the statement step late', () => {
    const desk = new Desk([apology]);
    drafted(desk, sqlite('钱七'));
    desk.as(sqlite('李四'), (s) => approveStatement(s, 'apology', {}, T0 + 2 * HOUR + 10 * MIN, sqlite('李四')));
    desk.as(sqlite('钱七'), (s, time) => recordStep(s, 'apology', 'done', {}, T0 + 2 * HOUR + 10 * MIN, '钱七', time));
    expect(desk.state.steps[0]).toMatchObject({ status: 'done', completedAt: T0 + 2 * HOUR + 10 * MIN, dueAt: T0 + 2 * HOUR });
  });
});

const duty = { id: 'report', basis: 'Measures art. 16', tiers: ['moderate', 'severe', 'critical'], due: '2h' };

describe('actions under four eyes stay pending until approved (SPEC §9)', () => {
  it('a forced close is a request: nothing changes until another member grants it', () => {
    const desk = new Desk([{ id: 'call', due: '30m' }], 'mild');
    desk.as(sqlite('钱七'), (s) => closeIncident(s, { force: true, reason: 'over' }, T0 + HOUR, '钱七'));
    expect(desk.state.closedAt).toBeNull();
    expect(pendingRequests(desk.state)).toEqual([expect.objectContaining({ request: 'R1', kind: 'close-force', teams: ['opinion'] })]);
    expect(desk.state.steps[0]).toMatchObject({ status: 'pending' });
    expect(refusal(() => grantRequest(desk.state, 'R1', T0 + 2 * HOUR, sqlite('钱七'), NO_HOLIDAYS))).toBeInstanceOf(WorkError);
    desk.as(sqlite('孙八'), (s, time) => grantRequest(s, 'R1', T0 + 2 * HOUR, sqlite('孙八'), time));
    expect(desk.state.closed).toMatchObject({ forced: true, pending: ['call'], reason: 'over' });
    expect(desk.state.requests[0]).toMatchObject({ status: 'granted', decided: { member: '孙八', claimed: true } });
  });

  it('a tier override downwards is a request; refused, the tier stays', () => {
    const desk = new Desk([{ id: 'call' }], 'severe');
    desk.as(pg('zhangsan'), (s, time) => regrade(s, { change: {}, override: { tier: 'mild', reason: 'quiet now' } }, T0 + HOUR, 'zhangsan', time));
    expect(desk.state.tier).toBe('severe');
    expect(pendingRequests(desk.state)[0]).toMatchObject({ kind: 'downgrade', detail: { from: 'severe', to: 'mild' } });
    expect(refusal(() => refuseRequest(desk.state, 'R1', '', T0 + 2 * HOUR, pg('lisi')))).toBeInstanceOf(InputError);
    desk.as(pg('lisi'), (s) => refuseRequest(s, 'R1', 'not yet', T0 + 2 * HOUR, pg('lisi')));
    expect(desk.state.tier).toBe('severe');
    expect(desk.state.requests[0]!.status).toBe('refused');
  });

  it('a downgrade granted happens then, with its consequences', () => {
    const desk = new Desk([duty], 'severe');
    desk.as(pg('zhangsan'), (s, time) => regrade(s, { change: {}, override: { tier: 'mild', reason: 'quiet now' } }, T0 + HOUR, 'zhangsan', time));
    expect(desk.state.steps[0]!.status).toBe('pending');
    desk.as(pg('lisi'), (s, time) => grantRequest(s, 'R1', T0 + 3 * HOUR, pg('lisi'), time));
    expect(desk.state.tier).toBe('mild');
    // withdrawn after its due time: a deadline missed stays missed, and the wait was not free
    expect(desk.state.steps[0]).toMatchObject({ status: 'withdrawn', missed: true });
  });

  it('a regrade by signals that would withdraw a duty with a basis is a request', () => {
    const desk = new Desk([duty], 'moderate');
    desk.as(sqlite('钱七'), (s, time) => regrade(s, { change: { indicators: TIER_INPUTS.mild } }, T0 + 30 * MIN, '钱七', time));
    expect(desk.state.tier).toBe('moderate');
    expect(pendingRequests(desk.state)[0]).toMatchObject({ kind: 'withdraw-duty', detail: { withdraws: ['report'] } });
  });

  it('a decision change that would withdraw a duty with a basis is a request', () => {
    const steps = [
      { id: 'decide', decision: { id: 'reportable', options: [{ id: 'yes', text: 'Yes' }, { id: 'no', text: 'No' }] } },
      { id: 'report', basis: 'Measures art. 16', when: { reportable: 'yes' }, due: '1h' },
    ];
    const desk = new Desk(steps, 'mild');
    desk.as(sqlite('钱七'), (s, time) => recordStep(s, 'decide', 'done', { outcome: 'yes' }, T0 + MIN, '钱七', time));
    desk.as(sqlite('钱七'), (s, time) => decide(s, { decision: 'reportable', outcome: 'no', reason: 'below threshold' }, T0 + 5 * MIN, '钱七', time));
    expect(desk.state.decisions.reportable).toBe('yes');
    expect(pendingRequests(desk.state)[0]).toMatchObject({ kind: 'withdraw-duty', detail: { action: 'decide', withdraws: ['report'] } });
    desk.as(sqlite('孙八'), (s, time) => grantRequest(s, 'R1', T0 + 10 * MIN, sqlite('孙八'), time));
    expect(desk.state.decisions.reportable).toBe('no');
    expect(desk.state.steps.find((x) => x.id === 'report')).toMatchObject({ status: 'withdrawn', missed: false });
  });

  it.each([
    ['forcedClose', (s: IncidentState) => closeIncident(s, { force: true, reason: 'over' }, T0 + HOUR, 'x'), (s: IncidentState) => s.closedAt !== null],
    ['downgrade', (s: IncidentState) => regrade(s, { change: {}, override: { tier: 'mild', reason: 'r' } }, T0 + HOUR, 'x', NO_HOLIDAYS), (s: IncidentState) => s.tier === 'mild'],
  ] as const)('approvals.%s: false lets it happen at once', (key, act, happened) => {
    const desk = new Desk([{ id: 'call' }], 'severe', { ...DEFAULT_APPROVALS, [key]: false, withdrawDuty: false });
    desk.as(sqlite('钱七'), act);
    expect(happened(desk.state)).toBe(true);
    expect(desk.state.requests).toEqual([]);
  });
});
