// `config`: every setting in force and where it came from (SPEC §10).
import { join } from 'node:path';
import { userConfigFile } from '../config.js';
import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { settingRows, type SettingRow } from '../app/config-file.js';
import type { Messages } from '../i18n/messages.js';
import { painter } from '../ui/style.js';
import { displayWidth } from '../ui/table.js';

function sourceText({ t }: Messages, row: SettingRow): string {
  const s = row.source;
  if (s.from === 'flag' || s.from === 'env') return t(`config.src.${s.from}`, { name: s.name });
  if (s.from === 'file') return t('config.src.file', { file: s.file });
  return t('config.src.default');
}

export async function run(ctx: Context): Promise<number> {
  const { t } = ctx.messages;
  const rows = settingRows(ctx);
  if (ctx.json) {
    printJson(ctx, {
      configFile: ctx.configFile ?? null,
      settings: Object.fromEntries(rows.map((r) => [r.key, { value: r.value ?? null, ...r.source }])),
    });
    return 0;
  }
  const c = painter(ctx.color);
  const width = ctx.columns ?? 80;
  ctx.out(
    ctx.configFile
      ? t('config.file', { file: ctx.configFile })
      : t('config.noFile', { local: join(ctx.cwd, 'sec-incident.yaml'), user: userConfigFile(ctx.env) }),
  );
  const keyWidth = Math.max(...rows.map((r) => r.key.length)) + 2;
  const lines: string[] = [];
  for (const row of rows) {
    const value = row.value ?? c.dim(t('config.notSet'));
    const source = c.dim(`(${sourceText(ctx.messages, row)})`);
    const line = `${row.key.padEnd(keyWidth)}${value}  ${source}`;
    // a long path pushes its source onto the next line rather than wrapping mid-word
    if (displayWidth(line) <= width) lines.push(line);
    else lines.push(`${row.key.padEnd(keyWidth)}${value}`, `${' '.repeat(keyWidth)}${source}`);
  }
  ctx.out(lines.join('\n'));
  return 0;
}
