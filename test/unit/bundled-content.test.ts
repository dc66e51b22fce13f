// The bundled playbooks and templates as a compliance officer reads them (issue 12): regulatory
// duties follow the event, statements say only what the responder has given, direction A never
// apologises or promises money, and zh and en say the same thing.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Mustache from 'mustache';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { decide, openIncident } from '../../src/engine/decide.js';
import { fold } from '../../src/engine/fold.js';
import { applies } from '../../src/engine/rules.js';
import { loadGrading, loadPlaybook, loadTeams, playbookIds, readTemplate } from '../../src/playbook/library.js';
import { DIRECTIONS, TIERS, type Playbook, type StepDefinition, type Text } from '../../src/playbook/schema.js';
import { GLOBAL_TEMPLATE_VARS, nestView, renderTemplate } from '../../src/playbook/template.js';
import { validateLibrary } from '../../src/playbook/validate.js';
import { BUNDLED_PLAYBOOKS as PLAYBOOKS, BUNDLED_TEMPLATES as TEMPLATES, ROOT } from '../helpers.js';
import { HOUR, MIN, NO_HOLIDAYS, T0 } from '../support/engine.js';

const teams = loadTeams(PLAYBOOKS);
const grading = loadGrading(PLAYBOOKS);
const books: Playbook[] = playbookIds(PLAYBOOKS).map((id) => loadPlaybook(PLAYBOOKS, id, teams).definition);
const LANGS = ['zh', 'en'] as const;
const LEVELS = [1, 2, 3, 4];
const LANE = ['phone-report', 'written-report', 'regulator-progress-report', 'recovery-report', 'summary-report'];

const APOLOGY_OR_MONEY = /歉|遗憾|补偿|赔偿|赔付|退赔|apolog|sorry|regret|compensat|reimburs|refund/i;
const INTERNAL = /^> (内部使用|Internal use)/m;

const facts = (tier: (typeof TIERS)[number], direction: (typeof DIRECTIONS)[number], eventLevel: number, decisions: Record<string, string> = {}) => ({
  tier,
  direction,
  levels: { eventLevel },
  decisions,
});
const applying = (pb: Playbook, f: ReturnType<typeof facts>) => pb.steps.filter((s) => applies(s, f));
const template = (id: string, lang: 'zh' | 'en') => readTemplate(TEMPLATES, id, lang);
const texts = (s: StepDefinition): Text[] => [s.title, ...(s.detail ? [s.detail] : []), ...s.checklist, ...(s.basis ? [s.basis] : []), ...(s.decision?.options.map((o) => o.text) ?? [])];

/** Every combination of the playbook's decision outcomes, "not made" included. */
function decisionWorlds(pb: Playbook): Record<string, string>[] {
  let worlds: Record<string, string>[] = [{}];
  for (const d of pb.steps.flatMap((s) => (s.decision ? [s.decision] : []))) {
    worlds = worlds.flatMap((w) => [w, ...d.options.map((o) => ({ ...w, [d.id]: o.id }))]);
  }
  return worlds;
}

describe('the bundled playbooks validate', () => {
  it('with no errors and no warnings', () => {
    expect(validateLibrary(PLAYBOOKS, TEMPLATES, '2026-11-28').problems).toEqual([]);
    expect(books.map((b) => b.id)).toEqual(['cyber-attack', 'data-leak', 'impersonation', 'rumor', 'trading-outage', 'vendor-outage']);
  });

  it.each(books.map((b) => [b.id, b] as const))('%s: every text has both languages, filled in', (_id, pb) => {
    for (const s of pb.steps) {
      for (const x of texts(s)) {
        expect(typeof x, `${pb.id}/${s.id}`).toBe('object');
        if (typeof x === 'object') expect(x.zh.trim() && x.en.trim(), `${pb.id}/${s.id}`).toBeTruthy();
      }
    }
  });
});

describe('every tier × direction × event level × reportability yields a complete plan', () => {
  const cases = books.flatMap((pb) => TIERS.flatMap((tier) => DIRECTIONS.flatMap((direction) => LEVELS.flatMap((level) => ['yes', 'no'].map((r) => [pb.id, tier, direction, level, r, pb] as const)))));
  it.each(cases)('%s %s %s eventLevel=%i reportable=%s', (_id, tier, direction, level, reportable, pb) => {
    const steps = applying(pb, facts(tier, direction, level, { reportable }));
    const phases = new Set(steps.map((s) => s.phase));
    for (const phase of ['grading', 'activation', 'monitoring', 'media', 'review'] as const) expect(phases, phase).toContain(phase);
    const ids = steps.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['reportability', 'stand-down', 'post-incident-review', 'monitoring-sweep']));
    if (reportable === 'yes') expect(ids).toEqual(expect.arrayContaining(LANE));
    else for (const id of LANE) expect(ids).not.toContain(id);
  });

  it.each(books.map((b) => [b.id, b] as const))('%s: "report as a precaution" brings the whole lane, nothing brings it without a decision', (_id, pb) => {
    for (const tier of TIERS) {
      const ids = applying(pb, facts(tier, 'A', 1, { reportable: 'unsure' })).map((s) => s.id);
      expect(ids).toEqual(expect.arrayContaining(LANE));
      const undecided = applying(pb, facts(tier, 'C', 4)).map((s) => s.id);
      for (const id of LANE) expect(undecided).not.toContain(id);
    }
  });

  it.each(books.map((b) => [b.id, b] as const))('%s: the reportability decision is due 30 minutes from discovery, at every tier, owned by compliance', (_id, pb) => {
    const step = pb.steps.find((s) => s.id === 'reportability')!;
    expect(step).toMatchObject({ owner: 'compliance', due: '30m', from: 'discovered' });
    expect(step.tiers).toBeUndefined();
    expect(step.directions).toBeUndefined();
    expect(step.decision?.options.map((o) => o.id)).toEqual(['yes', 'unsure', 'no']);
    expect(pb.steps.find((s) => s.id === 'monitoring-sweep')).toMatchObject({ repeat: expect.any(String), until: 'stand-down' });
  });

  it('the CAC lane applies from 较大 up: 1 h for critical information infrastructure, else 4 h, both from discovery', () => {
    for (const pb of books.filter((b) => ['trading-outage', 'data-leak', 'cyber-attack', 'vendor-outage'].includes(b.id))) {
      const ids = (level: number, cii?: string) => applying(pb, facts('mild', 'B', level, cii ? { cii } : {})).map((s) => s.id);
      expect(ids(1)).not.toContain('cac-route');
      expect(ids(2)).toContain('cac-route');
      expect(ids(2, 'no')).toContain('cac-report');
      expect(ids(2, 'no')).not.toContain('cii-report');
      expect(ids(3, 'yes')).toContain('cii-report');
      expect(pb.steps.find((s) => s.id === 'cac-report')).toMatchObject({ due: '4h', from: 'discovered' });
      expect(pb.steps.find((s) => s.id === 'cii-report')).toMatchObject({ due: '1h', from: 'discovered' });
    }
  });

  it('incidents touching trading tell the exchanges when reportable', () => {
    for (const id of ['trading-outage', 'vendor-outage', 'cyber-attack']) {
      const pb = books.find((b) => b.id === id)!;
      expect(applying(pb, facts('mild', 'B', 1, { reportable: 'yes' })).map((s) => s.id)).toContain('exchange-report');
      expect(applying(pb, facts('mild', 'B', 1, { reportable: 'no' })).map((s) => s.id)).not.toContain('exchange-report');
    }
  });

  it('every regulatory step (owned by compliance) says what rule it follows, in both languages', () => {
    for (const pb of books) {
      for (const s of pb.steps.filter((x) => x.owner === 'compliance')) {
        expect(s.basis, `${pb.id}/${s.id}`).toMatchObject({ zh: expect.stringMatching(/\S/), en: expect.stringMatching(/\S/) });
      }
    }
  });
});

describe('in a running incident (the pure engine on the bundled trading-outage playbook)', () => {
  const pb = books.find((b) => b.id === 'trading-outage')!;
  const open = () => {
    const events = openIncident(
      'INC-20260316-001',
      {
        type: pb.id,
        title: 'Gateway delay',
        mode: 'real',
        playbook: { definition: pb, file: '/bundled/trading-outage.yaml', sha256: '0'.repeat(64) },
        grading,
        teams,
        vars: { systems: '报盘网关' },
        inputs: { indicators: { eventLevel: 3 }, metrics: {}, impact: 'none' },
        timezone: 'Asia/Shanghai',
        lang: 'zh',
        firm: { name: '测试证券' },
        discoveredAt: T0 - 10 * MIN,
      },
      T0,
      'tester',
      NO_HOLIDAYS,
    );
    return events;
  };

  it('a quiet 重大 outage graded mild still gets the reportability decision, due 30 minutes after discovery', () => {
    const state = fold('INC-20260316-001', open(), NO_HOLIDAYS);
    expect(state.tier).toBe('mild');
    const step = state.steps.find((s) => s.id === 'reportability')!;
    expect(step.status).toBe('pending');
    expect(step.dueAt).toBe(T0 + 20 * MIN);
    expect(state.steps.find((s) => s.id === 'phone-report')).toBeUndefined();
    expect(state.steps.find((s) => s.id === 'cac-route')?.status).toBe('pending');
  });

  it('deciding "reportable" brings in the phone, exchange, written and progress reports with their due times', () => {
    const events = open();
    const state = fold('INC-20260316-001', events, NO_HOLIDAYS);
    events.push(...decide(state, { decision: 'reportable', outcome: 'yes', reason: '重大: trading interrupted' }, T0 + 5 * MIN, 'tester', NO_HOLIDAYS));
    const after = fold('INC-20260316-001', events, NO_HOLIDAYS);
    const due = (id: string) => after.steps.find((s) => s.id === id && s.status === 'pending')?.dueAt;
    expect(after.steps.find((s) => s.id === 'reportability')?.status).toBe('done');
    expect(due('phone-report')).toBe(T0 + 20 * MIN);
    expect(due('exchange-report')).toBe(T0 + 20 * MIN);
    expect(due('written-report')).toBe(T0 + 5 * MIN + 2 * HOUR);
    expect(due('regulator-progress-report')).toBe(T0 + 5 * MIN + HOUR);
    // the recovery and summary reports wait for recovery
    expect(after.steps.find((s) => s.id === 'summary-report')?.status).toBe('pending');
    expect(after.steps.find((s) => s.id === 'summary-report')?.dueAt).toBeNull();
  });
});

describe('direction A never apologises or promises money', () => {
  it.each(books.map((b) => [b.id, b] as const))('%s', (_id, pb) => {
    for (const tier of TIERS) {
      for (const level of LEVELS) {
        for (const decisions of decisionWorlds(pb)) {
          for (const s of applying(pb, facts(tier, 'A', level, decisions))) {
            expect(s.id, `${tier} ${JSON.stringify(decisions)}`).not.toMatch(/apolog|compensation|care-measures/);
            if (s.template) {
              for (const lang of LANGS) expect(template(s.template, lang), `${s.template}.${lang}`).not.toMatch(APOLOGY_OR_MONEY);
            }
          }
        }
      }
    }
  });

  it('and apology steps exist for B and C where clients were affected', () => {
    for (const id of ['trading-outage', 'cyber-attack', 'vendor-outage']) {
      const pb = books.find((b) => b.id === id)!;
      expect(applying(pb, facts('moderate', 'C', 2)).map((s) => s.id)).toEqual(expect.arrayContaining(['public-apology', 'compensation-plan']));
    }
  });
});

describe('statements', () => {
  const stepsWithTemplates = books.flatMap((pb) => pb.steps.filter((s) => s.template).map((s) => [`${pb.id}/${s.id}`, pb, s] as const));

  it.each(stepsWithTemplates)('%s: a public statement needs leadership approval; an internal one says it is internal', (_name, _pb, s) => {
    const internal = LANGS.map((lang) => INTERNAL.test(template(s.template!, lang)));
    expect(internal[0], 'zh and en agree on being internal').toBe(internal[1]);
    const external = ['investors', 'media', 'reputation'].includes(s.phase) && !internal[0];
    if (external) expect(s.approval).toBe('leadership');
  });

  it('a statement that asserts a verified fact waits for the verification decision', () => {
    const waiting = new Map([
      ['trading-outage', ['rumour-clarification']],
      ['cyber-attack', ['rumour-clarification']],
      ['vendor-outage', ['service-normal-clarification']],
      ['data-leak', ['leak-clarification', 'public-statement', 'notify-affected']],
      ['rumor', ['clarification', 'platform-takedown']],
      ['impersonation', ['risk-alert']],
    ]);
    for (const [id, steps] of waiting) {
      const pb = books.find((b) => b.id === id)!;
      for (const stepId of steps) {
        const s = pb.steps.find((x) => x.id === stepId)!;
        expect(s.when?.verified, `${id}/${stepId}`).toBeDefined();
        for (const tier of TIERS) expect(applying(pb, facts(tier, s.directions?.[0] ?? 'A', 4, {})).map((x) => x.id)).not.toContain(stepId);
      }
    }
  });

  // what no statement may say unless the responder gave it as a fact (inside an optional section)
  const ASSERTIONS = /遭受[^{]*攻击|已被(及时)?(发现和)?拦截|被非法获取|已依法向|已第一时间向有关部门|是我们的责任|先行承担|put it right|was blocked|has been reported to|illegally obtained|our responsibility/i;
  const templatesUsed = [...new Set(books.flatMap((pb) => pb.steps.flatMap((s) => (s.template ? [s.template] : []))))];

  it.each(templatesUsed)('%s asserts no cause, report, blocked attack, theft or liability outside a given fact', (id) => {
    for (const lang of LANGS) {
      const outside = stripSections(template(id, lang));
      expect(outside).not.toMatch(ASSERTIONS);
      expect(outside).not.toMatch(/补偿|赔偿|compensat/i);
    }
  });

  it.each(templatesUsed)('%s: zh and en have the same sections in the same order, and the same variables', (id) => {
    expect(shape(template(id, 'en'))).toEqual(shape(template(id, 'zh')));
  });

  const renders = books.flatMap((pb) =>
    [...new Set(pb.steps.flatMap((s) => (s.template ? [s.template] : [])))].map((id) => [`${pb.id}: ${id}`, pb, id] as const),
  );
  it.each(renders)('%s renders with and without each optional fact, leaving no gap', (_name, pb, id) => {
    const optional = [...pb.vars.filter((v) => !v.required).map((v) => v.id), 'firm.hotline', 'firm.website', 'incident.recoveredAt'];
    for (const lang of LANGS) {
      const full = sampleFacts(pb, lang);
      const views = [full, without(full, optional), ...optional.flatMap((k) => [without(full, [k]), only(full, optional, k)])];
      for (const view of views) {
        const text = renderTemplate(template(id, lang), nestView(view));
        const problems = gaps(text, lang);
        expect(problems, `${id}.${lang} with ${Object.keys(view).filter((k) => optional.includes(k)).join(',') || 'no optional facts'}:\n${text}`).toEqual([]);
      }
    }
  });
});

describe('ransom and leaked data', () => {
  const cyber = books.find((b) => b.id === 'cyber-attack')!;
  it('the default is not to pay; an exception is the leadership group\'s recorded decision', () => {
    const policy = cyber.steps.find((s) => s.decision?.id === 'ransom')!;
    expect(policy.decision!.options[0]!.id).toBe('do-not-pay');
    expect(policy.requires).toContain('note');
    const exception = cyber.steps.find((s) => s.id === 'ransom-exception')!;
    expect(exception).toMatchObject({ owner: 'leadership', when: { ransom: 'leadership-exception' }, requires: ['note'] });
    expect(exception.basis).toBeDefined();
  });

  it('no step asks staff to buy, download or keep leaked data; the checks say so', () => {
    const leak = books.find((b) => b.id === 'data-leak')!;
    for (const id of ['dark-web-watch', 'verify-sample']) {
      const s = leak.steps.find((x) => x.id === id)!;
      expect(typeof s.detail === 'object' && s.detail.zh).toMatch(/不得[^。]*(购买|下载)/);
      expect(typeof s.detail === 'object' && s.detail.en).toMatch(/never[^.]*(buy|download)/i);
    }
    for (const pb of books) {
      for (const s of pb.steps) {
        for (const x of texts(s)) {
          const zh = typeof x === 'object' ? x.zh : x;
          expect(zh, `${pb.id}/${s.id}`).not.toMatch(/与已公开的泄露数据比对|须经应急领导小组批准并在公安机关指导下进行/);
        }
      }
    }
  });
});

describe('the example drills (they run in test/e2e/drill.test.ts)', () => {
  const drills = readdirSync(join(ROOT, 'drills'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => parse(readFileSync(join(ROOT, 'drills', f), 'utf8')) as { type: string; decisions?: Record<string, string>; expect: { includes?: string[]; decisions?: Record<string, string> } });

  it('one per type at least that expects its reportability decision', () => {
    for (const pb of books) {
      const decided = drills.filter((d) => d.type === pb.id && /^(yes|unsure|no)$/.test(d.expect.decisions?.reportable ?? ''));
      expect(decided.length, pb.id).toBeGreaterThan(0);
    }
  });

  it('the quick glitch, mild on opinion, expects the full CSRC lane', () => {
    const glitch = drills.find((d) => d.expect.includes?.includes('post-incident-review') && d.type === 'trading-outage' && d.decisions?.reportable === 'yes' && d.expect.includes.includes('recovery-report'))!;
    expect(glitch.expect.includes).toEqual(expect.arrayContaining(['reportability', ...LANE, 'exchange-report']));
  });
});

// ── helpers ──────────────────────────────────────────────────────────────────

type Span = [string, string, number, number, Span[]?];

/** The template with every optional section removed: what it says whatever the facts. */
function stripSections(source: string): string {
  const walk = (spans: Span[]): string =>
    spans.map((s) => (s[0] === 'text' ? s[1] : s[0] === 'name' || s[0] === '&' ? `{{${s[1]}}}` : s[0] === '^' ? walk(s[4] ?? []) : '')).join('');
  return walk(Mustache.parse(source) as unknown as Span[]);
}

/** Sections and variables in order: what must match between zh and en. */
function shape(source: string): string[] {
  const out: string[] = [];
  const walk = (spans: Span[]) => {
    for (const s of spans) {
      if (s[0] === '#' || s[0] === '^') {
        out.push(`${s[0]}${s[1]}`);
        walk(s[4] ?? []);
        out.push(`/${s[1]}`);
      }
    }
  };
  walk(Mustache.parse(source) as unknown as Span[]);
  const vars = new Set<string>();
  const collect = (spans: Span[]) => spans.forEach((s) => (s[0] === 'name' || s[0] === '&' ? vars.add(s[1]) : s[4] && collect(s[4])));
  collect(Mustache.parse(source) as unknown as Span[]);
  return [...out, `vars: ${[...vars].sort().join(',')}`];
}

const without = (view: Record<string, string>, keys: string[]) => Object.fromEntries(Object.entries(view).filter(([k]) => !keys.includes(k)));
const only = (view: Record<string, string>, optional: string[], keep: string) => Object.fromEntries(Object.entries(view).filter(([k]) => k === keep || !optional.includes(k)));

function sampleFacts(pb: Playbook, lang: 'zh' | 'en'): Record<string, string> {
  const zh = lang === 'zh';
  const view: Record<string, string> = {
    'firm.name': zh ? '示例证券' : 'Example Securities',
    'firm.hotline': '95500',
    'firm.website': 'www.example.com',
    'incident.id': 'INC-20261128-001',
    'incident.title': zh ? '示例事件' : 'Example incident',
    'incident.type': pb.id,
    'incident.tier': zh ? '中度' : 'moderate',
    'incident.startedAt': zh ? '2026年11月28日09:31' : '28 Nov 2026 09:31',
    'incident.openedAt': zh ? '2026年11月28日09:40' : '28 Nov 2026 09:40',
    'incident.recoveredAt': zh ? '2026年11月28日10:40' : '28 Nov 2026 10:40',
  };
  for (const v of pb.vars) view[v.id] = zh ? `示例${v.id}内容` : `sample ${v.id} text`;
  expect(Object.keys(view)).toEqual(expect.arrayContaining([...GLOBAL_TEMPLATE_VARS]));
  return view;
}

/** What a careful reader would flag: leftovers, empty sentences, dangling punctuation. */
function gaps(text: string, lang: 'zh' | 'en'): string[] {
  const found: string[] = [];
  const check = (re: RegExp, what: string) => {
    const m = re.exec(text);
    if (m) found.push(`${what}: ${JSON.stringify(m[0])}`);
  };
  check(/\{\{|\}\}/, 'unrendered tag');
  check(/[（(]\s*[）)]/, 'empty brackets');
  check(/^\s*([-*]|\d+\.)\s*$/m, 'empty list item');
  check(/^\s*[，。、；：,.;:！!？?]/m, 'line starting with punctuation');
  check(/^(?!尊敬的|致：).*[：:][ \t]*$(?!\n\n(\d+\.|[-*>]) )/m, 'dangling colon');
  if (lang === 'zh') {
    check(/[，、；：]\s*[。，；]|[。]{2,}|，，/, 'empty sentence');
    check(/[于将在]\s*发布/, 'missing time');
    check(/\s[，。]/, 'space before punctuation');
  } else {
    check(/ [,.;:]|[,;:]\s*[.]|\.\.(?!\.)|,,/, 'empty sentence');
    check(/\b(by|at|on|to|via|through|use)\s*[.,;]/i, 'dangling preposition');
    check(/ {2,}\S/, 'double space');
  }
  return found;
}
