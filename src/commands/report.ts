import { writeReport } from '../app/report-file.js';
import type { Context } from '../context.js';

export interface ReportFlags {
  out?: string;
  format?: string;
  force?: boolean;
  /** Present only when --lang was given: then it wins over the incident's language (SPEC §8). */
  lang?: string;
}

export async function run(ctx: Context, [id]: string[], opts: ReportFlags): Promise<number> {
  const report = await writeReport(ctx, id!, {
    ...(opts.out !== undefined ? { out: opts.out } : {}),
    format: opts.format === 'json' ? 'json' : 'md',
    force: Boolean(opts.force),
    ...(typeof opts.lang === 'string' ? { lang: ctx.lang } : {}),
  });
  for (const warning of report.warnings ?? []) ctx.err(warning);
  if (report.file) ctx.err(ctx.messages.t('rep.written', { file: report.file }));
  else ctx.out(report.content);
  return 0;
}
