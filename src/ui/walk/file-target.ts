// A file the walk writes (a statement, the report): a path that cannot be written is said at the
// prompt and asked again, never an "internal error" that ends the walk (issue 16).
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError, InputError } from '../../errors.js';
import type { Messages } from '../../i18n/messages.js';
import { confirmQuestion, fileQuestion } from './questions.js';
import type { Walk } from './session.js';

/** true when a file can be written at this path, else what stands in the way. */
export function writableTarget({ t }: Messages, path: string, cwd: string): true | string {
  if (!path.trim()) return t('ask.fileMissing');
  const target = resolve(cwd, path.trim());
  const dir = dirname(target);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return t('ask.fileNoFolder', { dir });
  if (existsSync(target) && statSync(target).isDirectory()) return t('ask.fileIsFolder', { file: target });
  try {
    accessSync(existsSync(target) ? target : dir, constants.W_OK);
  } catch {
    return t('ask.fileNotWritable', { file: target });
  }
  return true;
}

/**
 * Asks for a file to write until one can be, then writes it with `write`; undefined when the
 * responder declines to overwrite an existing file. A write that still fails is said, and asked again.
 */
export async function writeToAskedFile<T>(
  w: Pick<Walk, 'ask' | 'ctx'>,
  key: string,
  message: string,
  defaultFile: string,
  write: (target: string, overwrite: boolean) => T | Promise<T>,
): Promise<{ target: string; result: T } | undefined> {
  const m = w.ctx.messages;
  const { t } = m;
  for (;;) {
    const answer = await w.ask.input({ ...fileQuestion(m, key, message, defaultFile), validate: (v) => writableTarget(m, v, w.ctx.cwd) });
    const target = resolve(w.ctx.cwd, answer.trim());
    const overwrite = existsSync(target);
    if (overwrite && !(await w.ask.confirm(confirmQuestion(`${key}.overwrite`, t('ask.overwrite', { file: target }), false)))) return undefined;
    try {
      return { target, result: await write(target, overwrite) };
    } catch (error) {
      // the file system said no (or the report's writer did): another path may do; anything else is not ours to retry
      const said = error instanceof InputError ? m.error(error) : (error as NodeJS.ErrnoException).code ? t('ask.fileFailed', { file: target, detail: (error as Error).message }) : undefined;
      if (said === undefined || (error instanceof CliError && !(error instanceof InputError))) throw error;
      w.ctx.err(said);
    }
  }
}
