// The drill's order of play at equal times (SPEC §7; docs/decisions.md "Order of play").
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDrill } from '../../src/drill/run.js';
import type { StatementSource } from '../../src/engine/decide.js';
import { messages } from '../../src/i18n/messages.js';
import { renderStatement } from '../../src/report/statement.js';
import { scenarioSchema } from '../../src/drill/scenario.js';
import { Incidents } from '../../src/app/incidents.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { formatInZone } from '../../src/time/zone.js';
import { tempDir } from '../helpers.js';
import { inputs, NO_HOLIDAYS, playbook, request } from '../support/engine.js';

const pb = playbook([
  { id: 'update', due: '30m', repeat: '1h' },
  { id: 'call', due: '45m' },
]);

async function drill(timeline: unknown[], responder = 'on-time', book = pb, source?: StatementSource) {
  const service = new Incidents(SqliteStore.open(join(tempDir(), 'd.db')), NO_HOLIDAYS.calendar, undefined, { virtualClock: true });
  const scenario = scenarioSchema.parse({ drill: 'order', type: 'test', start: '2026-03-16T09:30:00+08:00', responder, timeline });
  return { service, ...(await runDrill(messages('en'), service, scenario, request(book, inputs('moderate'), { mode: 'drill' }), source)) };
}
const at = (ms: number) => formatInZone(ms, 'Asia/Shanghai');

describe('order of play', () => {
  it('an entry at the same offset as a responder completion applies first', async () => {
    // the on-time responder would complete `update` at 29m; recovery at 29m comes first and withdraws it
    const { state } = await drill([{ at: '29m', recover: true }]);
    expect(state.steps.find((s) => s.id === 'update')).toMatchObject({ status: 'withdrawn', withdrawnBy: 'recovered' });
  });

  it('a responder completion one minute earlier than an entry happens before it', async () => {
    const { state } = await drill([{ at: '30m', recover: true }]);
    const update = state.steps.find((s) => s.id === 'update')!;
    expect(update.status).toBe('done');
    expect(at(update.completedAt!)).toBe('2026-03-16T09:59:00+08:00');
    expect(state.steps.find((s) => s.id === 'update#2')).toMatchObject({ status: 'withdrawn' });
  });

  it('the drill ends at its last entry: nothing due later is done or late', async () => {
    const { state, endAt, expectations } = await drill([{ at: '40m', note: 'end' }]);
    expect(at(endAt)).toBe('2026-03-16T10:10:00+08:00');
    expect(state.steps.find((s) => s.id === 'call')).toMatchObject({ status: 'pending' });
    expect(expectations).toEqual([]);
  });

  it('entries at one offset apply in file order', async () => {
    const { state } = await drill([
      { at: '10m', indicators: { eventLevel: 4 }, reason: 'first' },
      { at: '10m', indicators: { eventLevel: 1 }, reason: 'second' },
    ]);
    expect(state.gradings.map((g) => g.reason)).toEqual([undefined, 'first', 'second']);
  });

  it('the same scenario twice gives the same steps and times', async () => {
    const timeline = [{ at: '20m', indicators: { eventLevel: 3 } }, { at: '2h', recover: true }];
    const strip = (r: Awaited<ReturnType<typeof drill>>) => r.state.steps.map(({ id, status, dueAt, completedAt }) => ({ id, status, dueAt, completedAt }));
    expect(strip(await drill(timeline, 'late'))).toEqual(strip(await drill(timeline, 'late')));
  });

  it('the responder never acts before the clock: a from: recovered step with no due time is done at recovery', async () => {
    const book = playbook([{ id: 'review', phase: 'review', from: 'recovered' }]);
    const { state, service } = await drill([{ at: '1h', recover: true }, { at: '2h', note: 'end' }], 'on-time', book);
    expect(at(state.steps[0]!.completedAt!)).toBe('2026-03-16T10:30:00+08:00');
    const times = (await service.store.events(state.id)).map((e) => e.at);
    expect(times).toEqual([...times].sort((a, b) => a - b)); // the log's times never run backwards
  });

  it('a refused last entry is noted in the log, so the log itself reaches the end of the drill', async () => {
    const { state, service, endAt, expectations } = await drill([{ at: '3h', close: true }], 'idle');
    expect(expectations).toEqual([expect.objectContaining({ name: 'close', passed: false })]);
    const last = (await service.store.events(state.id)).at(-1)!;
    expect(last).toMatchObject({ type: 'note.added', at: endAt });
    expect((last.payload as { text: string }).text).toContain('close');
  });

  it('a step with a template done in the drill records its statement, once, as the template renders it', async () => {
    const book = playbook([{ id: 'statement', phase: 'media', due: '30m', template: 'holding' }, { id: 'plain', due: '10m' }]);
    const asked: string[] = [];
    const source: StatementSource = (s, template) => (
      asked.push(`${template}.${s.opened.lang}`), renderStatement(s, 'Update on {{incident.id}}: {{incident.title}}', messages(s.opened.lang))
    );
    const { state } = await drill([{ at: '1h', note: 'end' }], 'on-time', book, source);
    expect(asked).toEqual(['holding.en']);
    expect(state.statements).toEqual([expect.objectContaining({ step: 'statement', template: 'holding', lang: 'en', text: `Update on ${state.id}: Test incident` })]);
  });
});
