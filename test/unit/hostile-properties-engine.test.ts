// Issue 17, the suite: properties of the engine and the store over random responder actions
// (fast-check). An incident is opened on a fixture playbook with random grading, then random
// actions — regrade, step done/skip/note, decide, reopen, statement drafts and verdicts, requests
// granted or refused, recover, close — go through the same decide functions the CLI calls. What
// the engine refuses is dropped, as a responder's refused command records nothing.
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Incidents } from '../../src/app/incidents.js';
import { approvalNeeds, claimedWriter, DEFAULT_APPROVALS, type ApprovalPolicy } from '../../src/engine/approvals.js';
import {
  addNote,
  closeIncident,
  decide,
  openIncident,
  recordStep,
  recover,
  regrade,
  reopenStep,
  type OpenRequest,
  type StatementSource,
} from '../../src/engine/decide.js';
import type { EventDraft } from '../../src/engine/events.js';
import { cloneState, definitionOf, evolve, fold, waitsForRecovery, type IncidentState } from '../../src/engine/fold.js';
import { applies, dueFrom } from '../../src/engine/rules.js';
import { approveStatement, draftStatement, grantRequest, refuseRequest, rejectStatement } from '../../src/engine/signoff.js';
import { groupByPhase, orderedSteps, statusJson } from '../../src/engine/views.js';
import { CliError } from '../../src/errors.js';
import { messages } from '../../src/i18n/messages.js';
import { planNotices } from '../../src/notify/outbox.js';
import { loadCalendar, loadGrading, loadPlaybook, loadTeams, playbookIds, readTemplate, type LoadedPlaybook } from '../../src/playbook/library.js';
import type { GradingConfig, Team } from '../../src/playbook/schema.js';
import { TIERS, tierRank, type Lang } from '../../src/playbook/vocabulary.js';
import { renderStatement } from '../../src/report/statement.js';
import type { EventRow } from '../../src/store/hash.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { TimeContext } from '../../src/time/duration.js';
import { parseInstant } from '../../src/time/zone.js';
import { FIXTURES, PLAYBOOKS, TEMPLATES, tempDir } from '../helpers.js';

const MIN = 60_000;
const T0 = parseInstant('2026-03-16T09:30:00+08:00')!;
const ZONE = 'Asia/Shanghai';
const NONE: ApprovalPolicy = { statements: false, forcedClose: false, downgrade: false, withdrawDuty: false };

// ---- the fixture libraries: every playbook of test/fixtures/library, regulatory (decisions, `when`)
// and approvals (a statement under four-eyes sign-off)

interface Library {
  grading: GradingConfig;
  teams: Team[];
  playbooks: LoadedPlaybook[];
  time: TimeContext;
  statements: StatementSource;
}

function library(dir: string, templates: string): Library {
  const teams = loadTeams(dir);
  const read = new Map<string, string>();
  const statements: StatementSource = (state, template) => {
    const key = `${template}.${state.opened.lang}`;
    if (!read.has(key)) read.set(key, readTemplate(templates, template, state.opened.lang));
    return renderStatement(state, read.get(key)!, messages(state.opened.lang));
  };
  return {
    grading: loadGrading(dir),
    teams,
    playbooks: playbookIds(dir).map((id) => loadPlaybook(dir, id, teams)),
    time: { calendar: loadCalendar(dir), timeZone: ZONE },
    statements,
  };
}

const LIBRARIES = [
  library(PLAYBOOKS, TEMPLATES),
  library(join(FIXTURES, 'regulatory', 'playbooks'), join(FIXTURES, 'regulatory', 'templates')),
  library(join(FIXTURES, 'approvals', 'playbooks'), join(FIXTURES, 'approvals', 'templates')),
];
/** Members who may sign (SPEC §9) and one who is nobody's member. */
const ACTORS = [...new Set(LIBRARIES.flatMap((l) => l.teams.flatMap((t) => t.members.map((m) => m.name)))), 'responder'];
const METRICS = Object.keys(LIBRARIES[0]!.grading.metrics);

// ---- generators

const level = fc.integer({ min: 1, max: 4 });
const indicators = fc.record(
  { eventLevel: level, impactScope: level, propagation: level, durationTrend: level },
  { requiredKeys: [] },
).map((levels) => ({ ...levels })); // a plain object, as a parsed flag or file gives
const impact = fc.constantFrom('none' as const, 'partial' as const, 'material' as const);
const tier = fc.constantFrom(...TIERS);

const scenario = fc.record({
  // the regulatory and approvals playbooks hold the decisions and sign-off: as often as the six others
  library: fc.constantFrom(0, 0, 1, 1, 2, 2),
  playbook: fc.nat(),
  indicators,
  impact,
  override: fc.option(tier, { nil: undefined, freq: 4 }),
  approvals: fc.boolean(),
  lang: fc.constantFrom<Lang>('en', 'zh'),
  discoveredBack: fc.option(fc.integer({ min: 1, max: 180 }), { nil: undefined }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

const common = { dt: fc.integer({ min: 0, max: 240 }), actor: fc.nat({ max: ACTORS.length - 1 }) };
const action = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('regrade' as const),
      ...common,
      indicators,
      impact: fc.option(impact, { nil: undefined }),
      metric: fc.option(fc.tuple(fc.constantFrom(...METRICS), fc.nat({ max: 200_000 })), { nil: undefined }),
      override: fc.option(tier, { nil: undefined, freq: 3 }),
    }),
  },
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('step' as const), ...common, pick: fc.nat(), pending: fc.boolean(), outcome: fc.constantFrom('done' as const, 'done' as const, 'skip' as const, 'note' as const), option: fc.nat(), byInstance: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('decide' as const), ...common, pick: fc.nat(), option: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const), ...common, pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('draft' as const), ...common, pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('verdict' as const), ...common, pick: fc.nat(), reject: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('request' as const), ...common, pick: fc.nat(), refuse: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('recover' as const), ...common, back: fc.option(fc.integer({ min: 1, max: 600 }), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), ...common, force: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('note' as const), ...common }) },
);
type Action = typeof action extends fc.Arbitrary<infer T> ? T : never;
// long enough to reach the close, shrinking to a short counterexample
const actions = (max: number) => fc.array(action, { minLength: 1, maxLength: max, size: 'medium' });

// ---- the actions, as the CLI's commands decide them

function openRequest(sc: Scenario): { lib: Library; req: OpenRequest } {
  const lib = LIBRARIES[sc.library]!;
  const pb = lib.playbooks[sc.playbook % lib.playbooks.length]!;
  const req: OpenRequest = {
    type: pb.definition.id,
    title: 'Property incident',
    mode: 'real',
    playbook: pb,
    grading: lib.grading,
    teams: lib.teams,
    vars: Object.fromEntries(pb.definition.vars.map((v) => [v.id, `the ${v.id}`])),
    inputs: { indicators: sc.indicators, metrics: {}, impact: sc.impact },
    ...(sc.override ? { override: { tier: sc.override, reason: 'the desk says so' } } : {}),
    timezone: ZONE,
    lang: sc.lang,
    firm: { name: 'Test Securities', hotline: '95500' },
    ...(sc.discoveredBack ? { discoveredAt: T0 - sc.discoveredBack * MIN } : {}),
    approvals: sc.approvals ? DEFAULT_APPROVALS : NONE,
  };
  return { lib, req };
}

/**
 * Who acts: mostly a member of the teams that may sign (else every verdict would be refused as a
 * non-member's), sometimes anyone — the author included, whose approval the engine refuses.
 */
function signerName(s: IncidentState, teams: readonly string[], n: number): string {
  const members = s.opened.teams.filter((t) => teams.includes(t.id)).flatMap((t) => t.members.map((m) => m.name));
  return n % 4 === 0 || members.length === 0 ? ACTORS[n % ACTORS.length]! : members[n % members.length]!;
}

const pickOf = <T>(list: readonly T[], n: number): T | undefined => (list.length === 0 ? undefined : list[n % list.length]);

/** What a command would record for the action against the state as it stands ([] when it has nothing to act on). */
function decider(a: Action, at: number, lib: Library): (s: IncidentState, time: TimeContext) => EventDraft[] {
  const actor = ACTORS[a.actor]!;
  return (s, time) => {
    switch (a.kind) {
      case 'regrade': {
        const metrics = a.metric ? { [a.metric[0]]: a.metric[1] } : {};
        const change = { indicators: a.indicators, metrics, ...(a.impact ? { impact: a.impact } : {}) };
        return regrade(s, { change, ...(a.override ? { override: { tier: a.override, reason: 'judgement' } } : {}), reason: 'new figures' }, at, actor, time);
      }
      case 'step': {
        const pending = s.steps.filter((x) => x.status === 'pending');
        const step = pickOf(a.pending && pending.length > 0 ? pending : s.steps, a.pick);
        if (!step) return [];
        const def = definitionOf(s, step.stepId);
        const option = def.decision ? pickOf(def.decision.options, a.option)!.id : undefined;
        const ref = a.byInstance ? step.id : step.stepId;
        const detail = { note: `note at ${at}`, reason: 'not needed', ...(option ? { outcome: option } : {}), statements: lib.statements };
        return recordStep(s, ref, a.outcome, detail, at, actor, time);
      }
      case 'decide': {
        const d = pickOf(s.opened.definition.steps.flatMap((x) => (x.decision ? [x.decision] : [])), a.pick);
        return d ? decide(s, { decision: d.id, outcome: pickOf(d.options, a.option)!.id, reason: 'the regulator asked' }, at, actor, time) : [];
      }
      case 'reopen': {
        const step = pickOf(s.steps.filter((x) => x.status === 'done' || x.status === 'skipped'), a.pick);
        return step ? reopenStep(s, step.id, 'done too soon', at, actor) : [];
      }
      case 'draft': {
        // a statement under sign-off first: a draft elsewhere is allowed, but asks nobody
        const pending = s.steps.filter((x) => x.status === 'pending');
        const signed = pending.filter((x) => definitionOf(s, x.stepId).approval);
        const step = pickOf(signed.length > 0 ? signed : pending.filter((x) => definitionOf(s, x.stepId).template), a.pick);
        return step ? draftStatement(s, step.id, { text: `draft at ${at} by ${actor}`, lang: s.opened.lang }, at, actor) : [];
      }
      case 'verdict': {
        const step = pickOf(s.steps.filter((x) => x.status === 'pending' && definitionOf(s, x.stepId).approval && s.drafts.some((d) => d.step === x.id)), a.pick);
        if (!step) return [];
        const writer = claimedWriter(signerName(s, approvalNeeds(definitionOf(s, step.stepId).approval).map((n) => n.team), a.actor));
        return a.reject ? rejectStatement(s, step.id, { reason: 'wrong figures' }, at, writer) : approveStatement(s, step.id, {}, at, writer);
      }
      case 'request': {
        const r = pickOf(s.requests.filter((x) => x.status === 'pending'), a.pick);
        if (!r) return [];
        const writer = claimedWriter(signerName(s, r.teams, a.actor));
        return a.refuse ? refuseRequest(s, r.request, 'no', at, writer) : grantRequest(s, r.request, at, writer, time);
      }
      case 'recover':
        return recover(s, 'service back', at, actor, time, a.back === undefined ? undefined : at - a.back * MIN);
      case 'close':
        return closeIncident(s, { summary: 'over', force: a.force, ...(a.force ? { reason: 'the desk stands down' } : {}) }, at, actor);
      case 'note':
        return addNote(s, `a note at ${at}`, at, actor);
    }
  };
}

/** Runs the decider; a refusal (bad input, could not be done) records nothing. Anything else is a bug. */
function attempt(fn: () => EventDraft[]): EventDraft[] {
  try {
    return fn();
  } catch (error) {
    if (error instanceof CliError) return [];
    throw error;
  }
}

const ID = 'INC-20260316-001';

interface Transition {
  action: Action;
  at: number;
  before: IncidentState;
  after: IncidentState;
  drafts: EventDraft[];
}

/** The incident in memory, as the Harness of test/support does: the log, and a fold after each action. */
function runEngine(sc: Scenario, list: Action[]) {
  const { lib, req } = openRequest(sc);
  const events = openIncident(ID, req, T0, ACTORS[0]!, lib.time);
  let state = fold(ID, events, lib.time);
  let at = T0;
  const transitions: Transition[] = [];
  for (const a of list) {
    at += a.dt * MIN;
    const before = state;
    const drafts = attempt(() => decider(a, at, lib)(before, lib.time));
    if (drafts.length === 0) continue;
    events.push(...drafts);
    state = fold(ID, events, lib.time);
    transitions.push({ action: a, at, before, after: state, drafts });
  }
  return { lib, events, state, transitions, at };
}

// ---- the properties

describe('engine properties (issue 17)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('the fold is deterministic: twice, or in two pieces onto a kept state, the same; its inputs untouched', () => {
    fc.assert(
      fc.property(scenario, actions(25), fc.nat(), (sc, list, cut) => {
        const { lib, events } = runEngine(sc, list);
        const once = fold(ID, events, lib.time);
        expect(fold(ID, events, lib.time)).toStrictEqual(once);
        // the fold writes nothing into the log it reads: frozen, any write would throw
        expect(fold(ID, frozen(events), lib.time)).toStrictEqual(once);
        // the service keeps a state and folds new events onto a copy of it (Incidents.foldEvents):
        // the same state, and the kept one untouched (frozen, a write into what the copy shares throws)
        const k = 1 + (cut % events.length);
        const more = cloneState(frozen(fold(ID, events.slice(0, k), lib.time)));
        for (const e of frozen(events.slice(k))) evolve(more, e, lib.time);
        expect(more).toEqual(once);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 60) },
    );
  });

  it('replay into a fresh database reproduces the state and every hash, with and without the key', async () => {
    const dir = tempDir('sec-incident-props-');
    let run = 0;
    let keyed = 0;
    const key = fc.option(fc.string({ minLength: 1, maxLength: 24 }), { nil: undefined, freq: 2 });
    await fc.assert(
      fc.asyncProperty(scenario, actions(20), key, async (sc, list, key) => {
        run++;
        if (key !== undefined) keyed++;
        const { lib, req } = openRequest(sc);
        // as the CLI's commands: the incidents service on an SQLite file, notifications planned
        const service = new Incidents(SqliteStore.open(join(dir, `original-${run}.db`), { key, recordedBy: 'tester' }), lib.time.calendar, planNotices);
        const replica = SqliteStore.open(join(dir, `replica-${run}.db`), { key, recordedBy: 'tester' });
        try {
          let at = T0;
          const { id } = await service.open(req, at, ACTORS[0]!);
          for (const a of list) {
            at += a.dt * MIN;
            try {
              await service.act(id, decider(a, at, lib));
            } catch (error) {
              if (!(error instanceof CliError)) throw error;
            }
          }
          const rows = await service.store.rows(id);
          // the same drafts into a fresh file, append by append, each at the moment it was recorded
          vi.useFakeTimers({ toFake: ['Date'] });
          for (const batch of appends(rows)) {
            vi.setSystemTime(Date.parse(batch[0]!.recorded_at));
            await replica.transact((tx) => tx.append(id, batch.map(draftOf)));
          }
          vi.useRealTimers();
          expect(await replica.rows(id)).toEqual(rows); // every column, every hash
          const refolded = fold(id, await replica.events(id), lib.time);
          expect(refolded).toEqual(await service.load(id)); // the state the service kept, fold by fold
          expect(refolded).toEqual(fold(id, await service.store.events(id), lib.time));
          expect(await replica.listed(id)).toEqual(await service.store.listed(id));
          expect(await replica.verify(id, key)).toMatchObject({ ok: true, events: rows.length, head: rows[rows.length - 1]!.hash });
        } finally {
          vi.useRealTimers();
          await service.store.close();
          await replica.close();
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 25) },
    );
    expect(keyed).toBeGreaterThan(0);
    expect(keyed).toBeLessThan(run);
  }, 120_000); // ~7 s alone; room for a loaded machine

  it('every step ends in exactly one status, consistent with the facts, after any actions', () => {
    fc.assert(
      fc.property(scenario, actions(30), (sc, list) => {
        const { state, at } = runEngine(sc, list);
        checkStatuses(state, at);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 80) },
    );
  });

  it('due times never move later: a regrade (up or down), a decision or any other action only keeps or brings them forward', () => {
    let escalations = 0;
    fc.assert(
      fc.property(scenario, actions(30), (sc, list) => {
        const { transitions } = runEngine(sc, list);
        for (const { before, after, at, action: a } of transitions) {
          const escalated = tierRank(after.tier) > tierRank(before.tier);
          if (escalated) escalations++;
          for (const was of before.steps.filter((x) => x.status === 'pending')) {
            const now = after.steps.find((x) => x.id === was.id);
            // withdrawn (or removed by a reopen) is no longer pending; a step that newly applies has no "before"
            if (now?.status !== 'pending') continue;
            const context = `${a.kind} at ${new Date(at).toISOString()}: ${was.id} due ${due(was.dueAt)} → ${due(now.dueAt)} (${before.tier} → ${after.tier})`;
            expect(now.dueAt ?? Infinity, context).toBeLessThanOrEqual(was.dueAt ?? Infinity);
            // on escalation at t, every pending step is due by t + due(new tier) (SPEC §4)
            if (escalated && !waitsForRecovery(after, now)) {
              const cap = dueFrom(definitionOf(after, now.stepId), after.tier, at, { calendar: LIBRARIES[sc.library]!.time.calendar, timeZone: ZONE });
              if (cap !== undefined) expect(now.dueAt ?? Infinity, context).toBeLessThanOrEqual(cap);
            }
          }
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 80) },
    );
    expect(escalations).toBeGreaterThan(20); // the generator does escalate, often
  });
});

/** The rows of one append: the store stamps every row of an append with one recorded_at. */
function appends(rows: readonly EventRow[]): EventRow[][] {
  const out: EventRow[][] = [];
  for (const row of rows) {
    const last = out[out.length - 1];
    if (last && last[0]!.recorded_at === row.recorded_at) last.push(row);
    else out.push([row]);
  }
  return out;
}

const draftOf = (row: EventRow): EventDraft => ({ type: row.type, at: Date.parse(row.at), actor: row.actor, payload: JSON.parse(row.payload) }) as EventDraft;

/** A deep copy frozen at every level: a write anywhere throws (modules are strict). */
function frozen<T>(value: T): T {
  const freeze = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return;
    Object.freeze(v);
    for (const child of Object.values(v)) freeze(child);
  };
  const copy = structuredClone(value);
  freeze(copy);
  return copy;
}

const due = (ms: number | null) => (ms === null ? 'none' : new Date(ms).toISOString());

/**
 * The status model (fold.ts, views.ts): each occurrence is pending, done, skipped or withdrawn —
 * one of them, with the fields that status implies; late is a judgement on top, not a status.
 */
function checkStatuses(state: IncidentState, asOf: number): void {
  const ids = state.steps.map((s) => s.id);
  expect(new Set(ids).size, `duplicate occurrences: ${ids.join(', ')}`).toBe(ids.length);
  const facts = { tier: state.tier, direction: state.direction, levels: state.levels, decisions: state.decisions };
  for (const def of state.opened.definition.steps) {
    const occurrences = state.steps.filter((s) => s.stepId === def.id);
    // occurrences numbered 1, 2, … with ids <step>, <step>#2, …
    expect(occurrences.map((s) => s.occurrence)).toEqual(occurrences.map((_, i) => i + 1));
    expect(occurrences.map((s) => s.id)).toEqual(occurrences.map((_, i) => (i === 0 ? def.id : `${def.id}#${i + 1}`)));
    // a step that applies has an occurrence; at most one is open, and none after it was ever done
    if (applies(def, facts)) expect(occurrences.length, `${def.id} applies but never came`).toBeGreaterThan(0);
    const open = occurrences.filter((s) => s.status === 'pending');
    expect(open.length, `${def.id}: more than one open occurrence`).toBeLessThanOrEqual(1);
    if (open[0]) {
      const later = occurrences.slice(occurrences.indexOf(open[0]) + 1);
      expect(later.map((s) => s.status), `${def.id}: done after the open ${open[0].id}`).toEqual(later.map(() => 'withdrawn'));
    }
    // pending only while it applies: a reopen of a step out of scope is refused (found by this property)
    if (open[0] && state.closedAt === null) expect(applies(def, facts), `${open[0].id} is pending but does not apply`).toBe(true);
  }
  for (const s of state.steps) {
    expect(['pending', 'done', 'skipped', 'withdrawn']).toContain(s.status);
    const done = s.status === 'done' || s.status === 'skipped';
    expect(s.completedAt !== null, `${s.id} ${s.status}: completedAt`).toBe(done);
    expect(s.withdrawnAt !== null, `${s.id} ${s.status}: withdrawnAt`).toBe(s.status === 'withdrawn');
    expect(s.withdrawnBy !== null, `${s.id} ${s.status}: withdrawnBy`).toBe(s.status === 'withdrawn');
  }
  // after the close nothing is pending but what a forced close recorded as abandoned
  if (state.closed) {
    expect(state.steps.filter((s) => s.status === 'pending').map((s) => s.id).sort()).toEqual([...state.closed.pending].sort());
  }
  // what the status and the report show: every occurrence once, under one phase, with one status
  const view = statusJson(state, asOf).steps;
  expect(view.map((v) => [v.id, v.status])).toEqual(state.steps.map((s) => [s.id, s.status]));
  const grouped = groupByPhase(orderedSteps(state)).flatMap((g) => g.steps.map((s) => s.id));
  expect([...grouped].sort()).toEqual([...ids].sort());
}
