// What bin/sec-incident.js runs: the CLI bound to this process — its arguments, streams,
// environment and exit code, a closed pipe and Ctrl-C. Everything else is in cli.ts.
import { runCli } from './cli.js';
import { earlyLang } from './config.js';
import { messages } from './i18n/messages.js';

const args = process.argv.slice(2);
let spoken = messages(earlyLang(args, process.env));

// `sec-incident … | head` closes the pipe early: that is not an error
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.on('SIGINT', () => {
  process.stderr.write(`\n${spoken.t('cli.interrupted')}\n`);
  process.exit(130);
});

process.exitCode = await runCli(args, {
  stdout: process.stdout,
  stderr: process.stderr,
  stdinIsTTY: Boolean(process.stdin.isTTY),
  env: process.env,
  cwd: process.cwd(),
  spoken: (m) => (spoken = m),
});
