// A spinner for work that takes noticeable time — only on a terminal with a width, never with
// --json (ora spins forever on a 0-column pseudo-terminal; see domain/node-stack.md).
import type { Context } from '../../context.js';

export interface SpinnerStream {
  isTTY?: boolean;
  columns?: number;
}

export function spinnerAllowed(ctx: Pick<Context, 'json'>, stream: SpinnerStream): boolean {
  return !ctx.json && Boolean(stream.isTTY) && (stream.columns ?? 0) > 0;
}

export async function withSpinner<T>(ctx: Context, label: string, work: () => Promise<T>, stream: NodeJS.WriteStream = process.stderr): Promise<T> {
  if (!spinnerAllowed(ctx, stream)) return work();
  const { default: ora } = await import('ora');
  const spinner = ora({ text: label, stream, color: 'cyan', isEnabled: true }).start();
  try {
    const result = await work();
    spinner.stop();
    return result;
  } catch (error) {
    spinner.stop();
    throw error;
  }
}
