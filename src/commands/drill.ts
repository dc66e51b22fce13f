import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { makeDirs, requireFreeSpace, SPACE } from '../fsutil.js';
import { basename, join, relative } from 'node:path';
import { incidents, withIncidents } from '../app/incidents.js';
import { assembleRequest, loadLibrary, type Library } from '../app/library.js';
import { statementSource } from '../app/statements.js';
import type { Context } from '../context.js';
import { printJson } from '../context.js';
import { InputError, type Problem } from '../errors.js';
import { drillJson } from '../drill/json.js';
import { runDrill, type DrillOutcome } from '../drill/run.js';
import { checkScenario, scenarioSchema, statedTime, type Scenario } from '../drill/scenario.js';
import { parseInstant } from '../time/zone.js';
import { isLate } from '../engine/rules.js';
import { onTimeShare } from '../drill/verdict.js';
import { parseFile } from '../playbook/library.js';
import { locate, type YamlSource } from '../playbook/yaml.js';
import { readDrillSignals, type DrillSignals } from '../drill/signals.js';

/** A folder reports can be written to: created if missing, refused if a file or not writable. */
function checkFolder(dir: string): void {
  try {
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new InputError('drill.reportDirNotFolder', { dir });
    makeDirs(dir, 0o700);
    accessSync(dir, constants.W_OK);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError('drill.reportDirUnwritable', { dir, code: (error as { code?: string }).code ?? '' });
  }
}

function scenarioFiles(target: string): string[] {
  if (!existsSync(target)) throw new InputError('drill.notFound', { file: target });
  if (!statSync(target).isDirectory()) return [target];
  const files = readdirSync(target)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => join(target, f));
  if (files.length === 0) throw new InputError('drill.noFiles', { dir: target });
  return files;
}

interface Prepared {
  file: string;
  scenario: Scenario;
  lib: Library;
  source: YamlSource;
  signals?: DrillSignals;
}

/** Every scenario is checked before any is run: bad input never leaves a partial write. */
function prepare(ctx: Context, files: string[]): Prepared[] {
  const problems: Problem[] = [];
  const prepared: Prepared[] = [];
  const libraries = new Map<string, Library>();
  for (const file of files) {
    const parsed = parseFile(file, scenarioSchema);
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      continue;
    }
    const scenario = parsed.value;
    let lib = libraries.get(scenario.type);
    if (!lib) {
      try {
        lib = loadLibrary(ctx, scenario.type);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        problems.push(...(error.problems.length ? error.problems : [{ ...locate(parsed.source, ['type']), message: error.said }]));
        continue;
      }
      libraries.set(scenario.type, lib);
    }
    const found = checkScenario(scenario, parsed.source, lib.playbook.definition, lib.grading);
    if (found.length) problems.push(...found);
    else prepared.push({ file, scenario, lib, source: parsed.source });
  }
  if (problems.length) throw new InputError(problems[0]!.message, {}, problems);
  return prepared;
}

/** The scenario's startedAt and discoveredAt as instants (checked before the drill runs). */
function statedTimes(scenario: Scenario): { startedAt?: number; discoveredAt?: number } {
  const start = parseInstant(scenario.start)!;
  return {
    ...(scenario.startedAt !== undefined ? { startedAt: statedTime(scenario.startedAt, start)! } : {}),
    ...(scenario.discoveredAt !== undefined ? { discoveredAt: statedTime(scenario.discoveredAt, start)! } : {}),
  };
}

function humanVerdict(ctx: Context, outcome: DrillOutcome, file: string, single: boolean): string {
  const { t } = ctx.messages;
  const { state } = outcome;
  const verdict = outcome.passed ? t('drill.passed') : t('drill.failed');
  if (!single) return t('drill.line', { verdict, id: state.id, title: state.opened.title, file: relative(ctx.cwd, file) || basename(file) });
  const late = state.steps.filter((s) => isLate(s, outcome.endAt)).length;
  const lines = [
    t('drill.header', { id: state.id, title: state.opened.title }),
    t('drill.result', {
      tier: t(`tier.${state.tier}`),
      maxTier: t(`tier.${state.maxTier}`),
      direction: state.direction,
      late,
      share: onTimeShare(state, outcome.endAt).share.toFixed(3),
    }),
    ...outcome.expectations.map((x) => `  ${x.passed ? '✓' : '✗'} ${x.name}: ${x.detail}`),
    verdict,
  ];
  return lines.join('\n');
}

export async function run(ctx: Context, [target]: string[], opts: { reportDir?: string }): Promise<number> {
  const files = scenarioFiles(target!);
  const prepared = prepare(ctx, files);
  const { t } = ctx.messages;
  // monitoring exports are read before anything is written, like every other check
  const problems: Problem[] = [];
  for (const p of prepared) {
    if (!p.scenario.timeline.some((e) => e.signals !== undefined)) continue;
    const read = await readDrillSignals(p.file, p.scenario, p.source, p.lib.grading, ctx.timezone);
    p.signals = read.signals;
    problems.push(...read.problems);
  }
  if (problems.length) throw new InputError(problems[0]!.message, {}, problems);
  // the report folder is checked before the first drill is recorded, not after (issue 17, finding 10)
  if (opts.reportDir) {
    checkFolder(opts.reportDir);
    requireFreeSpace(opts.reportDir, SPACE.report * prepared.length);
  }
  const source = statementSource(ctx);
  const results: { file: string; outcome: DrillOutcome }[] = [];
  // the drill's clock is virtual: the store keeps its times (a server would stamp its own)
  const space = SPACE.database + SPACE.drill * prepared.length;
  try {
    await withIncidents(incidents(ctx, false, { virtualClock: true, space }), async (service) => {
      for (const { file, scenario, lib, signals } of prepared) {
        // one transaction per drill: one durable write, and no half-recorded drill
        const outcome = await service.store.transact(() =>
          runDrill(
            ctx.messages,
            service,
            scenario,
            assembleRequest(ctx, lib, {
              title: scenario.drill,
              mode: 'drill',
              vars: scenario.vars,
              inputs: { indicators: scenario.indicators, metrics: scenario.metrics, impact: scenario.impact },
              drill: { scenario: basename(file), start: scenario.start },
              ...statedTimes(scenario),
            }),
            source,
            signals,
          ),
        );
        results.push({ file, outcome });
      }
    });
  } catch (error) {
    // stopped part-way through a folder: which drills are recorded, so a rerun does not repeat them
    if (results.length > 0) {
      ctx.err(ctx.messages.t('drill.recordedBefore', { ids: results.map((r) => `${r.outcome.state.id} (${basename(r.file)})`).join(', ') }));
    }
    throw error;
  }

  if (opts.reportDir) {
    const { writeReport } = await import('../app/report-file.js');
    const written: string[] = [];
    try {
      for (const { outcome } of results) {
        await writeReport(ctx, outcome.state.id, { out: join(opts.reportDir, `${outcome.state.id}.md`), format: 'md', force: true });
        written.push(outcome.state.id);
      }
    } catch (error) {
      // the drills are recorded whatever happened to a report: say so, and which reports are missing
      const missing = results.map((r) => r.outcome.state.id).filter((id) => !written.includes(id));
      ctx.err(t('drill.reportsMissing', { ids: results.map((r) => r.outcome.state.id).join(', '), missing: missing.join(', ') }));
      throw error;
    }
  }

  const single = results.length === 1 && !statSync(target!).isDirectory();
  if (ctx.json) {
    const docs = results.map(({ file, outcome }) => drillJson(outcome, file));
    printJson(ctx, single ? docs[0] : docs);
  } else {
    for (const { file, outcome } of results) ctx.out(humanVerdict(ctx, outcome, file, single));
    if (!single) {
      const passed = results.filter((r) => r.outcome.passed).length;
      ctx.out(t('drill.summary', { total: results.length, passed, failed: results.length - passed }));
    }
  }
  return results.every((r) => r.outcome.passed) ? 0 : 1;
}
