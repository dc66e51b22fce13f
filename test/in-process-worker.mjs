// The worker behind test/in-process.ts: imports the built program once and runs each command line
// it is sent, collecting what it writes; the caller is blocked on `done` until the reply is posted.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const { runCli } = await import(pathToFileURL(join(workerData.root, 'dist', 'cli.js')).href);

parentPort.on('message', async ({ args, env, cwd, port, done }) => {
  let stdout = '';
  let stderr = '';
  try {
    const code = await runCli(args, {
      stdout: { write: (text) => (stdout += text), isTTY: false },
      stderr: { write: (text) => (stderr += text), isTTY: false },
      stdinIsTTY: false,
      env,
      cwd,
    });
    port.postMessage({ code, stdout, stderr });
  } catch (error) {
    port.postMessage({ crash: String(error?.stack ?? error) });
  } finally {
    port.close();
    Atomics.store(done, 0, 1);
    Atomics.notify(done, 0);
  }
});
