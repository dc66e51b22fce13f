// The commander program, importable and free of side effects: runCli(args, io) parses, runs and
// returns the exit code; main.ts binds it to the process. Only commander loads at start-up; each
// command is imported when it runs. The one catch of the CLI is here: errors are said once, in the
// user's language.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { earlyLang, resolveSettings, type GlobalFlags } from './config.js';
import type { Context } from './context.js';
import { CliError, InputError } from './errors.js';
import { localizeCommanderError } from './i18n/commander-messages.js';
import { messages, type MessageKey, type Messages } from './i18n/messages.js';
import { packageRoot } from './paths.js';
import { terminalSafe } from './ui/format.js';

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

/** Where a run of the CLI reads and writes: the process's own streams, or a test's. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number; rows?: number; hasColors?: () => boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number; hasColors?: () => boolean };
  stdinIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  now?: () => number;
  /** Told the language once the settings are read (main.ts says Ctrl-C in it). */
  spoken?: (messages: Messages) => void;
}

const EMPTY_REFUSED: [string, string][] = [
  ['db', '--db'],
  ['out', '--out'],
  ['lang', '--lang'],
  ['playbooks', '--playbooks'],
  ['templates', '--templates'],
  ['config', '--config'],
  ['reportDir', '--report-dir'],
  ['anchors', '--anchors'],
  ['from', '--from'],
  ['to', '--to'],
  ['at', '--at'],
];

/** commander's own rule for colour in help, read from the run's environment rather than the process's. */
function helpColours(env: NodeJS.ProcessEnv): boolean | undefined {
  if (env.NO_COLOR || env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  if (env.FORCE_COLOR || env.CLICOLOR_FORCE !== undefined) return true;
  return undefined;
}

/** What one run has learnt so far: the language to speak (settled once the settings are read), the exit code. */
interface Run {
  io: CliIo;
  messages: Messages;
  exitCode: number;
}

async function makeContext(run: Run, opts: GlobalFlags & { json?: boolean }, readConfig = true): Promise<Context> {
  const { io } = run;
  const settings = await resolveSettings(opts, io.env, io.cwd, readConfig);
  run.messages = messages(settings.lang);
  io.spoken?.(run.messages);
  const color = settings.color && !opts.json;
  const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  // colour codes survive only where colour is shown (a terminal, or FORCE_COLOR): chalk's own rule
  const forced = Boolean(io.env.FORCE_COLOR) && io.env.FORCE_COLOR !== '0';
  const coloured = (stream: { isTTY?: boolean }) => color && (forced || Boolean(stream.isTTY));
  return {
    ...settings,
    messages: run.messages,
    color,
    json: Boolean(opts.json),
    // human output cannot be steered by escapes in what people typed; JSON escapes them itself
    out: (text) => io.stdout.write(line(opts.json ? text : terminalSafe(text, coloured(io.stdout)))),
    err: (text) => io.stderr.write(line(terminalSafe(text, coloured(io.stderr)))),
    now: io.now ?? (() => Date.now()),
    env: io.env,
    cwd: io.cwd,
    queued: new Set(),
    stdinIsTTY: io.stdinIsTTY,
    stdoutIsTTY: Boolean(io.stdout.isTTY),
    columns: io.stdout.isTTY && (io.stdout.columns ?? 0) > 0 ? io.stdout.columns : undefined,
    rows: io.stdout.isTTY && (io.stdout.rows ?? 0) > 0 ? io.stdout.rows : undefined,
  };
}

function action(run: Run, load: Loader, { readConfig = true } = {}) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    // optional arguments that were not given stay undefined
    // an incident id typed in lower case (inc-20261127-001) is the same incident
    const positional = (args.slice(0, -2) as (string | undefined)[]).map((a) =>
      typeof a === 'string' && /^(inc|drl)-\d{8}-\d{3,}$/i.test(a) ? a.toUpperCase() : a,
    ) as string[];
    const opts = command.optsWithGlobals() as Record<string, unknown>;
    // an empty path or language is a slip (an unset shell variable), never "the default" (issue 17)
    for (const [name, flag] of EMPTY_REFUSED) {
      if (opts[name] === '') throw new InputError('arg.empty', { flag });
    }
    // a value typed in a GBK terminal reaches us as U+FFFD: refused, never stored for ever
    const values = [...positional, ...Object.values(opts)].flat().filter((v): v is string => typeof v === 'string');
    if (values.some((v) => v.includes('\uFFFD') || v.includes('\u0000'))) throw new InputError('arg.notUtf8');
    const ctx = await makeContext(run, opts as GlobalFlags & { json?: boolean }, readConfig);
    const { run: runCommand } = await load();
    run.exitCode = (await runCommand(ctx, positional, opts)) ?? 0;
    // what the command queued for the teams goes now, within a bounded wait; the rest waits for `watch`
    if (ctx.queued.size > 0) await (await import('./notify/flush.js')).flush(ctx, [...ctx.queued]);
  };
}

function gradingOptions(t: Messages['t'], cmd: Command): Command {
  return cmd
    .option('--indicator <key=level>', t('help.indicator'), collect)
    .option('--metric <key=value>', t('help.metric'), collect)
    .option('--impact <none|partial|material>', t('help.impact'));
}

/** The program for one run: help in its language, output to its streams, actions recording its exit code. */
function buildProgram(run: Run): Command {
  const { t } = run.messages;
  const { io } = run;
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

  gradingOptions(t, program.command('start').description(t('cmd.start')))
    .option('--type <type>', t('help.type'))
    .option('--title <title>', t('help.title'))
    .option('--started-at <time>', t('help.startedAt'))
    .option('--discovered-at <time>', t('help.discoveredAt'))
    .option('--var <key=value>', t('help.var'), collect)
    .option('--drill', t('help.drill'))
    .option('--actor <name>', t('help.actor'))
    .action(action(run, () => import('./commands/start.js')));
  program
    .command('resume <id>')
    .description(t('cmd.resume'))
    .option('--actor <name>', t('help.actor'))
    .action(action(run, () => import('./commands/start.js').then((m) => ({ run: m.resume }))));
  gradingOptions(t, program.command('open').description(t('cmd.open')))
    .requiredOption('--type <type>', t('help.type'))
    .option('--title <title>', t('help.title'))
    .option('--started-at <time>', t('help.startedAt'))
    .option('--discovered-at <time>', t('help.discoveredAt'))
    .option('--var <key=value>', t('help.var'), collect)
    .option('--drill', t('help.drill'))
    .option('--actor <name>', t('help.actor'))
    .option('--json', t('help.json'))
    .action(action(run, () => import('./commands/open.js')));
  program
    .command('step <id> <step-id> <outcome>')
    .description(t('cmd.step'))
    .option('--note <text>', t('help.note'))
    .option('--reason <text>', t('help.reason'))
    .option('--outcome <option>', t('help.outcome'))
    .option('--actor <name>', t('help.actor'))
    .option('--json', t('help.json'))
    .action(action(run, () => import('./commands/step.js')));
  program
    .command('statement <id> <step-id> <action>')
    .description(t('cmd.statement'))
    .option('--file <file>', t('help.statementFile'))
    .option('--draft <n>', t('help.draftNo'))
    .option('--reason <text>', t('help.reason'))
    .option('--actor <name>', t('help.actor'))
    .option('--json', t('help.json'))
    .action(action(run, () => import('./commands/statement.js')));
  program
    .command('approve <id> <request>')
    .description(t('cmd.approve'))
    .option('--actor <name>', t('help.actor'))
    .option('--json', t('help.json'))
    .action(action(run, () => import('./commands/approve.js')));
  program
    .command('refuse <id> <request>')
    .description(t('cmd.refuse'))
    .option('--reason <text>', t('help.reason'))
    .option('--actor <name>', t('help.actor'))
    .option('--json', t('help.json'))
    .action(action(run, () => import('./commands/approve.js').then((m) => ({ run: m.refuse }))));
  program
    .command('decide <id> <decision> <option>')
    .description(t('cmd.decide'))
    .option('--reason <text>', t('help.reason'))
    .option('--actor <name>', t('help.actor'))
    .option('--json', t('help.json'))
    .action(action(run, () => import('./commands/decide.js')));
  gradingOptions(t, program.command('regrade <id>').description(t('cmd.regrade')))
    .option('--tier <tier>', t('help.tier'))
    .option('--reason <text>', t('help.reason'))
    .option('--actor <name>', t('help.actor'))
    .option('--json', t('help.json'))
    .action(action(run, () => import('./commands/regrade.js')));
  program
    .command('vars <id>')
    .description(t('cmd.vars'))
    .option('--var <key=value>', t('help.var'), collect)
    .option('--actor <name>', t('help.actor'))
    .option('--json', t('help.json'))
    .action(action(run, () => import('./commands/vars.js')));
  program
    .command('recover <id>')
    .description(t('cmd.recover'))
    .option('--note <text>', t('help.note'))
    .option('--at <time>', t('help.recoverAt'))
    .option('--actor <name>', t('help.actor'))
    .option('--json', t('help.json'))
    .action(action(run, () => import('./commands/recover.js')));
  program
    .command('close <id>')
    .description(t('cmd.close'))
    .option('--summary <text>', t('help.summary'))
    .option('--force', t('help.force'))
    .option('--reason <text>', t('help.reason'))
    .option('--actor <name>', t('help.actor'))
    .option('--json', t('help.json'))
    .action(action(run, () => import('./commands/close.js')));
  program
    .command('status <id>')
    .description(t('cmd.status'))
    .option('--json', t('help.json'))
    .action(action(run, () => import('./commands/status.js')));
  program
    .command('list')
    .description(t('cmd.list'))
    .option('--all', t('help.all'))
    .option('--drills', t('help.drills'))
    .option('--json', t('help.json'))
    .action(action(run, () => import('./commands/list.js')));
  program
    .command('log <id>')
    .description(t('cmd.log'))
    .option('--json', t('help.json'))
    .action(action(run, () => import('./commands/log.js')));
  program
    .command('verify [id]')
    .description(t('cmd.verify'))
    .option('--anchors <file>', t('help.anchors'))
    .option('--json', t('help.json'))
    .action(action(run, () => import('./commands/verify.js')));
  program
    .command('anchor')
    .description(t('cmd.anchor'))
    .option('--out <file>', t('help.anchorOut'))
    .option('--json', t('help.json'))
    .action(action(run, () => import('./commands/anchor.js')));
  program
    .command('report <id>')
    .description(t('cmd.report'))
    .option('--out <file>', t('help.out'))
    .addOption(new Option('--format <format>', t('help.format')).choices(['md', 'json']).default('md'))
    .option('--force', t('help.forceReport'))
    .action(action(run, () => import('./commands/report.js')));
  program
    .command('drill <scenario>')
    .description(t('cmd.drill'))
    .option('--json', t('help.json'))
    .option('--report-dir <dir>', t('help.reportDir'))
    .action(action(run, () => import('./commands/drill.js')));
  program
    .command('watch')
    .description(t('cmd.watch'))
    .option('--once', t('help.once'))
    .option('--interval <duration>', t('help.interval'))
    .action(action(run, () => import('./commands/watch.js')));
  gradingOptions(t, program.command('grade').description(t('cmd.grade')))
    .option('--json', t('help.json'))
    .action(action(run, () => import('./commands/grade.js')));

  program
    .command('init')
    .description(t('cmd.init'))
    .option('--firm-name <name>', t('help.firmName'))
    .option('--hotline <number>', t('help.hotline'))
    .option('--website <url>', t('help.website'))
    .option('--timezone <zone>', t('help.timezone'))
    .option('--playbooks-dir <dir>', t('help.playbooksDir'))
    .option('--yes', t('help.yes'))
    .option('--force', t('help.forceInit'))
    .action(action(run, () => import('./commands/init.js'), { readConfig: false }));
  program
    .command('config')
    .description(t('cmd.config'))
    .option('--json', t('help.json'))
    .action(action(run, () => import('./commands/config.js')));

  const playbooks = program.command('playbooks').description(t('cmd.playbooks'));
  playbooks
    .command('list')
    .description(t('cmd.playbooksList'))
    .option('--json', t('help.json'))
    .action(action(run, () => import('./commands/playbooks.js').then((m) => ({ run: m.list }))));
  playbooks
    .command('show <type>')
    .description(t('cmd.playbooksShow'))
    .option('--json', t('help.json'))
    .action(action(run, () => import('./commands/playbooks.js').then((m) => ({ run: m.show }))));
  playbooks
    .command('lock')
    .description(t('cmd.playbooksLock'))
    .option('--reviewer <name>', t('help.reviewer'))
    .action(action(run, () => import('./commands/playbooks.js').then((m) => ({ run: m.lock }))));
  playbooks
    .command('validate')
    .description(t('cmd.playbooksValidate'))
    .option('--locked', t('help.locked'))
    .option('--json', t('help.json'))
    .action(action(run, () => import('./commands/playbooks.js').then((m) => ({ run: m.validate }))));

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
    .action(action(run, () => import('./commands/signals.js')));

  const db = program.command('db').description(t('help.dbCmd'));
  db.command('init')
    .description(t('help.dbInit'))
    .option('--role <role>', t('help.dbRole'), 'sec_incident_responder')
    .option('--repair', t('help.dbRepair'))
    .action(action(run, () => import('./commands/db.js').then((m) => ({ run: m.init }))));
  db.command('copy [ids...]')
    .description(t('help.dbCopy'))
    .option('--from <db>', t('help.from'))
    .option('--to <db>', t('help.to'))
    .option('--actor <name>', t('help.actor'))
    .action(action(run, () => import('./commands/db.js').then((m) => ({ run: m.copy }))));

  for (const cmd of [program, ...program.commands, ...playbooks.commands, ...signals.commands, ...db.commands]) {
    const group = cmd.parent && cmd.parent !== program ? `${cmd.parent.name()} ` : '';
    const name = cmd === program ? 'sec-incident' : `sec-incident ${group}${cmd.name()}`;
    cmd
      .helpOption('-h, --help', t('help.help'))
      .configureHelp({ styleTitle: (title) => (TITLES.has(title) ? t(`help.title.${title}` as MessageKey) : title) })
      .exitOverride()
      // the full help after a usage error would bury the one line that matters
      .showHelpAfterError(t('cli.helpHint', { command: name }))
      .configureOutput({
        writeOut: (text) => io.stdout.write(text),
        writeErr: (text) => io.stderr.write(text),
        // commander's own defaults, read from the run's streams (its type says number; it means number | undefined)
        getOutHelpWidth: () => (io.stdout.isTTY ? io.stdout.columns : undefined) as number,
        getErrHelpWidth: () => (io.stderr.isTTY ? io.stderr.columns : undefined) as number,
        getOutHasColors: () => helpColours(io.env) ?? Boolean(io.stdout.isTTY && io.stdout.hasColors?.()),
        getErrHasColors: () => helpColours(io.env) ?? Boolean(io.stderr.isTTY && io.stderr.hasColors?.()),
        outputError: (text, write) => write(terminalSafe(localizeCommanderError(run.messages, text), false)),
      });
  }
  return program;
}

/** The one catch: an error becomes a message in the user's language and an exit code. */
function report(run: Run, error: unknown): number {
  const m = run.messages;
  const write = (text: string) => run.io.stderr.write(text);
  if (error instanceof CommanderError) {
    // help asked for is success; help shown because no command was given is a usage error (on stderr)
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    if (error.code === 'commander.help') return error.exitCode === 0 ? 0 : 2;
    return 2; // commander already printed the message; usage errors are 2, not commander's 1
  }
  if (error instanceof CliError) {
    // in reading order: by file, then line and column
    const ordered = [...error.problems].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col));
    const lines = ordered.map(m.problem);
    // what input put into a message (an id, a key, a value) is shown escaped, never obeyed
    write(terminalSafe(`${lines.length > 0 ? '' : `${m.say(error.said)}\n`}${lines.join('\n')}${lines.length ? '\n' : ''}`, false));
    return error.exitCode;
  }
  if ((error as Error)?.name === 'ExitPromptError' || (error as Error)?.name === 'AbortPromptError') {
    write(`${m.t('cli.interrupted')}\n`);
    return 130;
  }
  write(`${terminalSafe(m.t('cli.internal', { detail: m.error(error) }), false)}\n`);
  if (run.io.env.SEC_INCIDENT_DEBUG) write(`${(error as Error)?.stack ?? ''}\n`);
  return 1;
}

/** Runs `sec-incident <args>` (the arguments after the program's name) and returns its exit code. */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const run: Run = { io, messages: messages(earlyLang(args, io.env)), exitCode: 0 };
  try {
    await buildProgram(run).parseAsync([...args], { from: 'user' });
    return run.exitCode;
  } catch (error) {
    return report(run, error);
  }
}
