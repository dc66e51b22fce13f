// The commander program. Only commander loads at start-up; each command is imported when it runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './paths.js';
import { Command, CommanderError, Option } from 'commander';
import { CliError, formatProblem } from './errors.js';
import { earlyLang, resolveSettings, type GlobalFlags } from './config.js';
import type { Context } from './context.js';
import { localizeCommanderError } from './ui/commander-messages.js';
import { terminalSafe } from './ui/format.js';
import { setLang, t, type MessageKey } from './ui/i18n.js';

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

const TITLES = new Set(['Usage:', 'Options:', 'Commands:', 'Arguments:', 'Global Options:']);

const collect = (value: string, previous: string[] = []) => [...previous, value];

type Loader = () => Promise<{ run: (ctx: Context, args: string[], opts: Record<string, unknown>) => Promise<number | void> }>;

let exitCode = 0;

async function makeContext(opts: GlobalFlags & { json?: boolean }): Promise<Context> {
  const settings = await resolveSettings(opts, process.env, process.cwd());
  setLang(settings.lang);
  const color = settings.color && !opts.json;
  const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  // colour codes survive only where colour is shown (a terminal, or FORCE_COLOR): chalk's own rule
  const forced = Boolean(process.env.FORCE_COLOR) && process.env.FORCE_COLOR !== '0';
  const coloured = (stream: NodeJS.WriteStream) => color && (forced || Boolean(stream.isTTY));
  return {
    ...settings,
    color,
    json: Boolean(opts.json),
    // human output cannot be steered by escapes in what people typed; JSON escapes them itself
    out: (text) => process.stdout.write(line(opts.json ? text : terminalSafe(text, coloured(process.stdout)))),
    err: (text) => process.stderr.write(line(terminalSafe(text, coloured(process.stderr)))),
    now: () => Date.now(),
    env: process.env,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    columns: process.stdout.isTTY && process.stdout.columns > 0 ? process.stdout.columns : undefined,
  };
}

function action(load: Loader) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    // optional arguments that were not given stay undefined
    // an incident id typed in lower case (inc-20261127-001) is the same incident
    const positional = (args.slice(0, -2) as (string | undefined)[]).map((a) =>
      typeof a === 'string' && /^(inc|drl)-\d{8}-\d{3,}$/i.test(a) ? a.toUpperCase() : a,
    ) as string[];
    const opts = command.optsWithGlobals() as Record<string, unknown>;
    const ctx = await makeContext(opts as GlobalFlags & { json?: boolean });
    const { run } = await load();
    exitCode = (await run(ctx, positional, opts)) ?? 0;
    // what the command queued for the teams goes now, within a bounded wait; the rest waits for `watch`
    const { queuedIncidents } = await import('./commands/shared.js');
    const queued = queuedIncidents();
    if (queued.length > 0) await (await import('./notify/flush.js')).flush(ctx, queued);
  };
}

function gradingOptions(cmd: Command): Command {
  return cmd
    .option('--indicator <key=level>', t('help.indicator'), collect)
    .option('--metric <key=value>', t('help.metric'), collect)
    .option('--impact <none|partial|material>', t('help.impact'));
}

export function buildProgram(): Command {
  const program = new Command('sec-incident');
  program
    .description(t('help.description'))
    .version(packageVersion(), '-V, --version', t('help.version'))
    .helpCommand('help [command]', t('help.helpCommand'))
    .option('--db <file>', t('help.db'))
    .option('--playbooks <dir>', t('help.playbooks'))
    .option('--templates <dir>', t('help.templates'))
    .option('--config <file>', t('help.config'))
    .addOption(new Option('--lang <lang>', t('help.lang')))
    .option('--no-color', t('help.noColor'))
    .exitOverride()
    .addHelpText(
      'after',
      `\n${t('help.examples')}\n` +
        '  sec-incident start\n' +
        '  sec-incident grade --indicator eventLevel=2 --metric reposts=15000 --impact partial\n' +
        '  sec-incident open --type trading-outage --title "APP login failures" --impact partial --json\n' +
        '  sec-incident step INC-20261127-001 notify-leadership done --note "called the president 09:40"\n' +
        '  sec-incident drill drills/ --json\n' +
        '  sec-incident report INC-20261127-001 --out report.md\n' +
        `\n${t('help.exitCodes')}\n`,
    );

  gradingOptions(program.command('start').description(t('cmd.start')))
    .option('--type <type>', t('help.type'))
    .option('--title <title>', t('help.title'))
    .option('--started-at <time>', t('help.startedAt'))
    .option('--discovered-at <time>', t('help.discoveredAt'))
    .option('--var <key=value>', t('help.var'), collect)
    .option('--drill', t('help.drill'))
    .option('--actor <name>', t('help.actor'))
    .action(action(() => import('./commands/start.js')));
  program
    .command('resume <id>')
    .description(t('cmd.resume'))
    .option('--actor <name>', t('help.actor'))
    .action(action(() => import('./commands/start.js').then((m) => ({ run: m.resume }))));
  gradingOptions(program.command('open').description(t('cmd.open')))
    .requiredOption('--type <type>', t('help.type'))
    .option('--title <title>', t('help.title'))
    .option('--started-at <time>', t('help.startedAt'))
    .option('--discovered-at <time>', t('help.discoveredAt'))
    .option('--var <key=value>', t('help.var'), collect)
    .option('--drill', t('help.drill'))
    .option('--actor <name>', t('help.actor'))
    .option('--json', t('help.json'))
    .action(action(() => import('./commands/open.js')));
  program
    .command('step <id> <step-id> <outcome>')
    .description(t('cmd.step'))
    .option('--note <text>', t('help.note'))
    .option('--reason <text>', t('help.reason'))
    .option('--outcome <option>', t('help.outcome'))
    .option('--actor <name>', t('help.actor'))
    .option('--json', t('help.json'))
    .action(action(() => import('./commands/step.js')));
  program
    .command('decide <id> <decision> <option>')
    .description(t('cmd.decide'))
    .option('--reason <text>', t('help.reason'))
    .option('--actor <name>', t('help.actor'))
    .option('--json', t('help.json'))
    .action(action(() => import('./commands/decide.js')));
  gradingOptions(program.command('regrade <id>').description(t('cmd.regrade')))
    .option('--tier <tier>', t('help.tier'))
    .option('--reason <text>', t('help.reason'))
    .option('--actor <name>', t('help.actor'))
    .option('--json', t('help.json'))
    .action(action(() => import('./commands/regrade.js')));
  program
    .command('vars <id>')
    .description(t('cmd.vars'))
    .option('--var <key=value>', t('help.var'), collect)
    .option('--actor <name>', t('help.actor'))
    .option('--json', t('help.json'))
    .action(action(() => import('./commands/vars.js')));
  program
    .command('recover <id>')
    .description(t('cmd.recover'))
    .option('--note <text>', t('help.note'))
    .option('--at <time>', t('help.recoverAt'))
    .option('--actor <name>', t('help.actor'))
    .option('--json', t('help.json'))
    .action(action(() => import('./commands/recover.js')));
  program
    .command('close <id>')
    .description(t('cmd.close'))
    .option('--summary <text>', t('help.summary'))
    .option('--force', t('help.force'))
    .option('--reason <text>', t('help.reason'))
    .option('--actor <name>', t('help.actor'))
    .option('--json', t('help.json'))
    .action(action(() => import('./commands/close.js')));
  program
    .command('status <id>')
    .description(t('cmd.status'))
    .option('--json', t('help.json'))
    .action(action(() => import('./commands/status.js')));
  program
    .command('list')
    .description(t('cmd.list'))
    .option('--all', t('help.all'))
    .option('--drills', t('help.drills'))
    .option('--json', t('help.json'))
    .action(action(() => import('./commands/list.js')));
  program
    .command('log <id>')
    .description(t('cmd.log'))
    .option('--json', t('help.json'))
    .action(action(() => import('./commands/log.js')));
  program
    .command('verify [id]')
    .description(t('cmd.verify'))
    .option('--json', t('help.json'))
    .action(action(() => import('./commands/verify.js')));
  program
    .command('report <id>')
    .description(t('cmd.report'))
    .option('--out <file>', t('help.out'))
    .addOption(new Option('--format <format>', t('help.format')).choices(['md', 'json']).default('md'))
    .option('--force', t('help.forceReport'))
    .action(action(() => import('./commands/report.js')));
  program
    .command('drill <scenario>')
    .description(t('cmd.drill'))
    .option('--json', t('help.json'))
    .option('--report-dir <dir>', t('help.reportDir'))
    .action(action(() => import('./commands/drill.js')));
  program
    .command('watch')
    .description(t('cmd.watch'))
    .option('--once', t('help.once'))
    .option('--interval <duration>', t('help.interval'))
    .action(action(() => import('./commands/watch.js')));
  gradingOptions(program.command('grade').description(t('cmd.grade')))
    .option('--json', t('help.json'))
    .action(action(() => import('./commands/grade.js')));

  const playbooks = program.command('playbooks').description(t('cmd.playbooks'));
  playbooks
    .command('list')
    .description(t('cmd.playbooksList'))
    .option('--json', t('help.json'))
    .action(action(() => import('./commands/playbooks.js').then((m) => ({ run: m.list }))));
  playbooks
    .command('show <type>')
    .description(t('cmd.playbooksShow'))
    .option('--json', t('help.json'))
    .action(action(() => import('./commands/playbooks.js').then((m) => ({ run: m.show }))));
  playbooks
    .command('validate')
    .description(t('cmd.playbooksValidate'))
    .option('--json', t('help.json'))
    .action(action(() => import('./commands/playbooks.js').then((m) => ({ run: m.validate }))));

  const signals = program.command('signals').description(t('cmd.signals'));
  signals
    .command('import <id> <file>')
    .description(t('cmd.signalsImport'))
    .option('--map <column=field>', t('help.map'), collect)
    .addOption(new Option('--encoding <encoding>', t('help.encoding')))
    .option('--since <time>', t('help.since'))
    .option('--apply', t('help.apply'))
    .option('--actor <name>', t('help.actor'))
    .option('--json', t('help.json'))
    .action(action(() => import('./commands/signals.js')));

  const db = program.command('db').description(t('help.dbCmd'));
  db.command('init')
    .description(t('help.dbInit'))
    .option('--role <role>', t('help.dbRole'), 'sec_incident_responder')
    .action(action(() => import('./commands/db.js').then((m) => ({ run: m.init }))));
  db.command('copy [ids...]')
    .description(t('help.dbCopy'))
    .option('--from <db>', t('help.from'))
    .option('--to <db>', t('help.to'))
    .option('--actor <name>', t('help.actor'))
    .action(action(() => import('./commands/db.js').then((m) => ({ run: m.copy }))));

  for (const cmd of [program, ...program.commands, ...playbooks.commands, ...signals.commands, ...db.commands]) {
    const group = cmd.parent && cmd.parent !== program ? `${cmd.parent.name()} ` : '';
    const name = cmd === program ? 'sec-incident' : `sec-incident ${group}${cmd.name()}`;
    cmd
      .helpOption('-h, --help', t('help.help'))
      .configureHelp({ styleTitle: (title) => (TITLES.has(title) ? t(`help.title.${title}` as MessageKey) : title) })
      .exitOverride()
      // the full help after a usage error would bury the one line that matters
      .showHelpAfterError(t('cli.helpHint', { command: name }))
      .configureOutput({ outputError: (text, write) => write(localizeCommanderError(text)) });
  }
  return program;
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    // help asked for is success; help shown because no command was given is a usage error (on stderr)
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    if (error.code === 'commander.help') return error.exitCode === 0 ? 0 : 2;
    return 2; // commander already printed the message; usage errors are 2, not commander's 1
  }
  if (error instanceof CliError) {
    // in reading order: by file, then line and column
    const ordered = [...error.problems].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col));
    const lines = ordered.map(formatProblem);
    process.stderr.write(`${lines.length > 0 ? '' : `${error.message}\n`}${lines.join('\n')}${lines.length ? '\n' : ''}`);
    return error.exitCode;
  }
  if ((error as Error)?.name === 'ExitPromptError' || (error as Error)?.name === 'AbortPromptError') {
    process.stderr.write(`${t('cli.interrupted')}\n`);
    return 130;
  }
  process.stderr.write(`${t('cli.internal', { detail: (error as Error)?.message ?? String(error) })}\n`);
  if (process.env.SEC_INCIDENT_DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
  return 1;
}

async function main(argv: string[]): Promise<void> {
  setLang(earlyLang(argv, process.env));
  try {
    await buildProgram().parseAsync(argv);
    process.exitCode = exitCode;
  } catch (error) {
    process.exitCode = report(error);
  }
}

// `sec-incident … | head` closes the pipe early: that is not an error
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.on('SIGINT', () => {
  process.stderr.write(`\n${t('cli.interrupted')}\n`);
  process.exit(130);
});

await main(process.argv);
