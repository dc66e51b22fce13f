// The generated playbook overview (docs/playbooks.md, `npm run docs`): what each bundled playbook
// asks of whom, by when, under which conditions and on what basis — readable without the YAML.
// Pure: loaded playbooks in, Markdown out. A test compares it with the committed file.
import { applies } from '../engine/rules.js';
import type { Lang } from '../playbook/vocabulary.js';
import { DIRECTIONS, TIERS, type Playbook, type StepDefinition, type Team, type Text } from '../playbook/schema.js';

// A generated document rather than CLI output: its few labels live here, beside their only use.
const LABELS = {
  en: {
    title: 'Bundled playbooks: overview',
    generated: 'Generated from `playbooks/` by `npm run docs`; do not edit by hand (a test fails when it is stale).',
    legend:
      'Due times count from when a step comes to apply, unless marked "from discovery" or "from recovery". A step marked * applies only when its conditions hold (an indicator at that level or above; a decision with one of those outcomes). Tiers: mild, moderate, severe, critical. Directions: A no client impact, B partial and recoverable, C material harm or loss.',
    steps: 'Steps',
    matrix: 'By tier and direction',
    cols: ['Phase', 'Step', 'Owner', 'Applies', 'Due', 'Conditions', 'Approval', 'Basis'],
    all: 'all',
    fromDiscovered: 'from discovery',
    fromRecovered: 'from recovery',
    repeat: (every: string, until: string) => `then every ${every} until ${until}`,
    decision: (id: string, options: string) => `decision \`${id}\`: ${options}`,
    none: '—',
    vars: 'Facts the responder gives (vars)',
    required: 'required',
    optional: 'optional',
    colon: ': ',
    paren: (s: string) => ` (${s})`,
  },
  zh: {
    title: '内置预案总览',
    generated: '由 `npm run docs` 根据 `playbooks/` 生成，请勿手工修改（过期时测试会失败）。',
    legend:
      '时限自步骤开始适用时起算，标注"自发现起""自恢复起"的除外。标 * 的步骤仅在条件成立时适用（指标达到该等级及以上；决定的结果为所列之一）。舆情级别：轻度、中度、严重、特别严重。处置方向：A 客户未受影响，B 部分受影响且可恢复，C 实质影响或损失。',
    steps: '步骤',
    matrix: '按级别和处置方向',
    cols: ['阶段', '步骤', '负责小组', '适用', '时限', '条件', '审批', '依据'],
    all: '全部',
    fromDiscovered: '自发现起',
    fromRecovered: '自恢复起',
    repeat: (every: string, until: string) => `之后每 ${every} 一次，直至 ${until}`,
    decision: (id: string, options: string) => `决定 \`${id}\`：${options}`,
    none: '—',
    vars: '由处置人员提供的事实（vars）',
    required: '必填',
    optional: '选填',
    colon: '：',
    paren: (s: string) => `（${s}）`,
  },
} as const;

const pick = (value: Text, lang: Lang): string => (typeof value === 'string' ? value : value[lang]);
/** Table cells: no pipes or line breaks may escape into the Markdown structure. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

function dueText(step: StepDefinition, lang: Lang): string {
  const l = LABELS[lang];
  let due: string;
  if (step.due === undefined) due = l.none;
  else if (typeof step.due === 'string') due = step.due;
  else {
    const values = TIERS.filter((tier) => step.due && typeof step.due === 'object' && step.due[tier]).map((tier) => [tier, (step.due as Record<string, string>)[tier]!]);
    due = new Set(values.map(([, v]) => v)).size === 1 && values.length === (step.tiers ?? TIERS).length ? values[0]![1]! : values.map(([tier, v]) => `${tier} ${v}`).join(' · ');
  }
  if (step.from === 'discovered') due += ` ${l.fromDiscovered}`;
  if (step.from === 'recovered') due += ` ${l.fromRecovered}`;
  if (step.repeat) due += `; ${l.repeat(step.repeat, step.until ?? 'recovered')}`;
  return due;
}

function conditionText(step: StepDefinition, lang: Lang): string {
  const l = LABELS[lang];
  const parts = Object.entries(step.when ?? {}).map(([key, value]) => (typeof value === 'number' ? `${key} ≥ ${value}` : `${key} ∈ {${(Array.isArray(value) ? value : [value]).join(', ')}}`));
  if (step.decision) parts.push(l.decision(step.decision.id, step.decision.options.map((o) => `${o.id} (${pick(o.text, lang)})`).join('; ')));
  return parts.length ? parts.join('; ') : l.none;
}

function appliesText(step: StepDefinition, lang: Lang): string {
  const l = LABELS[lang];
  const tiers = step.tiers ? step.tiers.join(', ') : l.all;
  const directions = step.directions ? step.directions.join('') : 'ABC';
  return `${tiers} / ${directions}`;
}

function approvalText(step: StepDefinition, teams: Team[], lang: Lang): string {
  if (step.approval === undefined) return LABELS[lang].none;
  const ids = typeof step.approval === 'string' ? [step.approval] : Array.isArray(step.approval) ? step.approval : [step.approval.team];
  return ids.map((id) => teamName(id, teams, lang)).join(', ');
}

function teamName(id: string, teams: Team[], lang: Lang): string {
  const team = teams.find((x) => x.id === id);
  return team ? pick(team.name, lang) : id;
}

/** The steps that may apply at a tier and direction, conditional ones marked with *. */
function matrixLine(pb: Playbook, tier: (typeof TIERS)[number], direction: (typeof DIRECTIONS)[number]): string {
  return pb.steps
    .filter((s) => applies({ ...s, when: undefined }, { tier, direction, levels: {}, decisions: {} }))
    .map((s) => (s.when ? `${s.id}*` : s.id))
    .join(', ');
}

export function renderOverview(playbooks: Playbook[], teams: Team[], lang: Lang): string {
  const l = LABELS[lang];
  const out: string[] = [`# ${l.title}`, '', `> ${l.generated}`, '', l.legend, ''];
  for (const pb of playbooks) {
    out.push(`## ${pick(pb.name, lang)} (\`${pb.id}\`, v${pb.version})`, '');
    if (pb.description) out.push(pick(pb.description, lang), '');
    if (pb.vars.length) {
      out.push(`**${l.vars}**${l.colon}${pb.vars.map((v) => `\`${v.id}\`${l.paren(v.required ? l.required : l.optional)}`).join(', ')}`, '');
    }
    out.push(`### ${l.steps}`, '', `| ${l.cols.join(' | ')} |`, `|${l.cols.map(() => '---').join('|')}|`);
    for (const s of pb.steps) {
      const row = [
        s.phase,
        `\`${s.id}\` ${pick(s.title, lang)}${s.when ? ' *' : ''}`,
        teamName(s.owner, teams, lang),
        appliesText(s, lang),
        dueText(s, lang),
        conditionText(s, lang),
        approvalText(s, teams, lang),
        s.basis ? pick(s.basis, lang) : l.none,
      ];
      out.push(`| ${row.map(cell).join(' | ')} |`);
    }
    out.push('', `### ${l.matrix}`, '');
    for (const tier of TIERS) {
      for (const direction of DIRECTIONS) out.push(`- **${tier} · ${direction}**: ${matrixLine(pb, tier, direction)}`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** Where `npm run docs` writes each language's overview, relative to the repository root. */
export const OVERVIEW_FILES: Record<Lang, string> = { en: 'docs/playbooks.md', zh: 'docs/playbooks.zh.md' };
