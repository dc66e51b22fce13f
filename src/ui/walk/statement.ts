// A step's statement: rendered from its template with what the incident knows, shown, saved on
// request, and recorded (the rendered text is an event).
import { chmodSync, writeFileSync } from 'node:fs';
import { showBidi } from '../../report/escape.js';
import { renderedStatement } from '../../engine/decide.js';
import { definitionOf, type IncidentState, type StepInstance } from '../../engine/fold.js';
import { readTemplate } from '../../playbook/library.js';
import { renderStatement } from '../../report/statement.js';
import { terminalSafe } from '../format.js';
import { painter } from '../style.js';
import { writeToAskedFile } from './file-target.js';
import { confirmQuestion } from './questions.js';
import { record, type Walk } from './session.js';

export async function showStatement(w: Walk, state: IncidentState, step: StepInstance): Promise<IncidentState> {
  const { t } = w.ctx.messages;
  const template = definitionOf(state, step.stepId).template;
  if (!template) return state;
  const lang = w.ctx.lang;
  const body = renderStatement(state, readTemplate(w.ctx.templatesDir, template, lang), w.ctx.messages);
  const c = painter(w.ctx.color);
  const rule = c.dim('─'.repeat(60));
  w.ctx.out(`\n${rule}\n${body.trimEnd()}\n${rule}`);

  let file: string | undefined;
  if (await w.ask.confirm(confirmQuestion('statement.save', t('ask.saveStatement'), false))) {
    // like the report: what is said to clients before it is published is not for every reader;
    // responders' text is saved as text: escapes and bidi controls made visible, never obeyed
    const safe = terminalSafe(showBidi(body), false);
    const saved = await writeToAskedFile(w, 'statement.file', t('ask.statementFile'), `${state.id}-${template}.${lang}.md`, (target) => {
      writeFileSync(target, safe.endsWith('\n') ? safe : `${safe}\n`, { mode: 0o600 });
      chmodSync(target, 0o600); // an existing file keeps its mode through writeFileSync
    });
    if (saved) {
      file = saved.target;
      w.ctx.out(t('walk.statementSaved', { file: saved.target }));
    }
  }
  const after = await record(w, (s, at, actor) =>
    renderedStatement(s, { step: step.id, template, lang, text: body, ...(file ? { file } : {}) }, at, actor),
  );
  w.ctx.out(t('walk.statementRecorded'));
  return after;
}
