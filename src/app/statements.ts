// Statements recorded at a step's completion: each template read once per run (a folder of drills
// renders the same few many times), rendered in the incident's language.
import type { Context } from '../context.js';
import type { StatementSource } from '../engine/decide.js';
import { messages } from '../i18n/messages.js';
import type { Lang } from '../playbook/vocabulary.js';
import { readTemplate } from '../playbook/library.js';
import { renderStatement } from '../report/statement.js';

/** One that cannot be read is said on stderr, not fatal: the completion stands without it. */
export function statementSource(ctx: Context): StatementSource {
  const read = new Map<string, string | undefined>();
  const source = (template: string, lang: Lang) => {
    const key = `${template}.${lang}`;
    if (read.has(key)) return read.get(key);
    let text: string | undefined;
    try {
      text = readTemplate(ctx.templatesDir, template, lang);
    } catch (error) {
      ctx.err(ctx.messages.t('statement.notRecorded', { template, detail: ctx.messages.error(error) }));
    }
    read.set(key, text);
    return text;
  };
  return (state, template) => {
    const lang = state.opened.lang;
    const text = source(template, lang);
    return text === undefined ? undefined : renderStatement(state, text, messages(lang));
  };
}
