/** A problem found in a file the firm edits, with its position (1-based). */
export interface Problem {
  file: string;
  line: number;
  col: number;
  severity: 'error' | 'warning';
  message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
}

/** An error the CLI reports as a message and an exit code, never as a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly problems: Problem[] = [],
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Bad usage or bad input (SPEC §5: exit 2). */
export class InputError extends CliError {
  constructor(message: string, problems: Problem[] = []) {
    super(message, 2, problems);
    this.name = 'InputError';
  }
}

/** The work could not be done (exit 1). */
export class WorkError extends CliError {
  constructor(message: string) {
    super(message, 1);
    this.name = 'WorkError';
  }
}

/** Raised on Ctrl-C at a prompt: exit 130. */
export class InterruptedError extends CliError {
  constructor(message: string) {
    super(message, 130);
    this.name = 'InterruptedError';
  }
}
