import type { GradingConfig } from '../playbook/schema.js';
import { INDICATORS } from '../playbook/vocabulary.js';
import type { GradingResult } from '../grading/grade.js';
import type { Messages } from '../i18n/messages.js';
import { painter, paintTier } from './style.js';
import { displayWidth, renderTable, type TableLayout } from './table.js';

/** Where a level came from: given, the default, or a metric — by its name, with its id for scripts unless `short`. */
export function sourceLabel(m: Messages, source: string, config: GradingConfig, short = false): string {
  const { t, text } = m;
  if (source === 'explicit') return t('source.explicit');
  if (source === 'default') return t('source.default');
  const name = text(config.metrics[source]?.name);
  return t('source.metric', { name: name && name !== source ? (short ? name : `${name} (${source})`) : source });
}

/**
 * The grading table: each indicator, its level, source and weight, then score, band, floors, tier.
 * One line per indicator where the width allows: a narrow terminal drops the ids in parentheses first.
 */
export function renderGrading(m: Messages, result: GradingResult, config: GradingConfig, color: boolean, layout: TableLayout = {}): string {
  const { t, text } = m;
  const c = painter(color);
  const header = [t('grade.indicator'), t('grade.level'), t('grade.source'), t('grade.weight')];
  const table = (short: boolean, tableLayout: TableLayout = {}) =>
    renderTable(
      m,
      header,
      INDICATORS.map((i) => [
        short ? text(config.indicators[i].name) : `${text(config.indicators[i].name)} (${i})`,
        String(result.levels[i]),
        sourceLabel(m, result.sources[i], config, short),
        String(result.weights[i]),
      ]),
      tableLayout,
    );
  const width = layout.width;
  const fits = width === undefined || table(false).split('\n').every((l) => displayWidth(l) <= width);
  // "严重 (severe)" helps a reader match the JSON id; "severe (severe)" does not
  const named = (tier: GradingResult['tier']) => (t(`tier.${tier}`) === tier ? tier : `${t(`tier.${tier}`)} (${tier})`);
  const tierLabel = named(result.tier);
  const bands = (Object.entries(config.bands) as [GradingResult['tier'], number][]).map(([tier, from]) => `${t(`tier.${tier}`)} ≥ ${from}`).join(' · ');
  return [
    table(!fits, layout),
    '',
    `${t('grade.score')}: ${result.score}  ${c.dim(`(${bands})`)}`,
    `${t('grade.band')}: ${named(result.bandTier)}`,
    `${t('grade.floors')}: ${result.floors.length ? result.floors.join(', ') : t('grade.none')}`,
    `${t('grade.tier')}: ${paintTier(c, result.tier, c.bold(tierLabel))}`,
    `${t('grade.direction')}: ${t(`direction.${result.direction}`)}`,
  ].join('\n');
}

