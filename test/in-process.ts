// `sec-incident …` run in this process instead of a child: the built program (dist/cli.js, kept
// fresh by test/global-setup.ts) in one worker thread that stays loaded, waited for synchronously,
// so a test reads exactly as with the spawning helper — same arguments, same CliResult — without a
// Node start-up and a bundle load per call. Colour is the exception: chalk settles its colour level
// from the process it loads in, so a run that forces colour spawns the CLI as a user would.
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { cli as spawned, cliEnv, ROOT, type CliResult } from './helpers.js';

let worker: Worker | undefined;

function thread(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./in-process-worker.mjs', import.meta.url), { workerData: { root: ROOT } });
    worker.unref(); // the test file ends when its tests do
  }
  return worker;
}

/** Runs `sec-incident …` with a clean environment (no colour, English unless asked), in-process. */
export function cli(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string; input?: string } = {}): CliResult {
  if (options.env?.FORCE_COLOR) return spawned(args, options);
  const env = cliEnv(options.env);
  // as a child's environment would: a variable given as undefined is not set at all
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const done = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  thread().postMessage({ args, env, cwd: options.cwd ?? ROOT, port: port2, done }, [port2]);
  if (Atomics.wait(done, 0, 0, 30_000) === 'timed-out') throw new Error(`sec-incident ${args.join(' ')}: no answer in 30 s`);
  const reply = receiveMessageOnPort(port1)?.message as (CliResult & { crash?: string }) | undefined;
  port1.close();
  if (!reply || reply.crash) throw new Error(`sec-incident ${args.join(' ')} crashed the test worker: ${reply?.crash ?? 'no reply'}`);
  return { code: reply.code, stdout: reply.stdout, stderr: reply.stderr };
}
