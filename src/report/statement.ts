// The variables a statement template sees (SPEC §4), built from the incident's state alone, in the
// statement's language.
import type { IncidentState } from '../engine/fold.js';
import type { Messages } from '../i18n/messages.js';
import { nestView, renderStatementTemplate, type TemplateView } from '../playbook/template.js';
import { formatForPeople } from '../time/zone.js';

export function templateVariables(state: IncidentState, m: Messages): Record<string, string | undefined> {
  const { t, text, lang } = m;
  const tz = state.opened.timezone;
  const o = state.opened;
  const vars: Record<string, string | undefined> = {
    // a statement must never go out unsigned: an unset firm name shows as a gap to fill
    'firm.name': o.firm.name || t('var.missing', { prompt: t('firm.nameMissing') }),
    'firm.hotline': o.firm.hotline,
    'firm.website': o.firm.website,
    'incident.id': state.id,
    'incident.title': o.title,
    'incident.type': text(o.definition.name),
    'incident.tier': t(`tier.${state.tier}`),
    // statements go to clients: dates as people write them, in the statement's language
    'incident.startedAt': formatForPeople(state.startedAt, tz, lang),
    'incident.openedAt': formatForPeople(state.openedAt, tz, lang),
    'incident.recoveredAt': state.recoveredAt === null ? undefined : formatForPeople(state.recoveredAt, tz, lang),
  };
  for (const v of o.definition.vars) {
    const given = state.vars[v.id];
    // a required fact nobody supplied shows as a visible gap, never as silence
    vars[v.id] = given?.trim() ? given : v.required ? t('var.missing', { prompt: text(v.prompt) }) : undefined;
  }
  return vars;
}

export function templateView(state: IncidentState, m: Messages): TemplateView {
  return nestView(templateVariables(state, m));
}

export function renderStatement(state: IncidentState, source: string, m: Messages): string {
  const facts = new Set(state.opened.definition.vars.map((v) => v.id));
  return renderStatementTemplate(source, templateVariables(state, m), facts, m.lang === 'zh' ? '。' : '.');
}
