// The end of the walk: close when nothing required is pending, then offer the report file.
import { closeIncident } from '../../engine/decide.js';
import type { IncidentState } from '../../engine/fold.js';
import { CliError } from '../../errors.js';
import { formatShort } from '../../time/zone.js';
import { writeToAskedFile } from './file-target.js';
import { confirmQuestion, optionalTextQuestion } from './questions.js';
import { record, type Walk } from './session.js';
import { withSpinner } from './spinner.js';

async function offerReport(w: Walk): Promise<void> {
  const { t } = w.ctx.messages;
  if (!(await w.ask.confirm(confirmQuestion('report.write', t('ask.writeReport'), true)))) {
    w.ctx.out(t('walk.reportLater', { id: w.id }));
    return;
  }
  try {
    const { writeReport } = await import('../../app/report-file.js');
    const written = await writeToAskedFile(w, 'report.file', t('ask.reportFile'), `${w.id}-report.md`, (target, force) =>
      withSpinner(w.ctx, t('walk.reportWriting'), () => writeReport(w.ctx, w.id, { out: target, format: 'md', force })),
    );
    if (!written) {
      w.ctx.out(t('walk.reportLater', { id: w.id }));
      return;
    }
    for (const warning of written.result.warnings ?? []) w.ctx.err(warning);
    w.ctx.out(t('walk.reportWritten', { file: written.result.file ?? written.target }));
  } catch (error) {
    // the incident is closed already; a report that could not be written can be retried
    if (!(error instanceof CliError)) throw error;
    w.ctx.err(w.ctx.messages.say(error.said));
    w.ctx.out(t('walk.reportLater', { id: w.id }));
  }
}

/** Offers to close; true once the incident is closed. */
export async function offerClose(w: Walk): Promise<boolean> {
  const { t } = w.ctx.messages;
  w.ctx.out(`\n${t('walk.allHandled')}`);
  if (!(await w.ask.confirm(confirmQuestion('close.confirm', t('ask.close'), true)))) return false;
  const summary = (await w.ask.input(optionalTextQuestion('close.summary', t('ask.summary')))).trim();
  const after: IncidentState = await record(w, (s, at, actor) => closeIncident(s, summary ? { summary } : {}, at, actor));
  w.ctx.out(t('walk.closed', { id: w.id, at: formatShort(after.closedAt!, after.opened.timezone) }));
  await offerReport(w);
  return true;
}
