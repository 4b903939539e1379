// Starts `hearth serve` (web/dist/cli.mjs) as a child process on a free port for the serve tests,
// resolving once it listens; its stderr is kept (the request log) and its RSS can be read.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const MODEL = process.env.HEARTH_SHARED_DIR
  ? `${process.env.HEARTH_SHARED_DIR}/models/stories260K.gguf`
  : fileURLToPath(new URL('../../../shared/models/stories260K.gguf', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));

/** `args`: more flags after --model MODEL --port 0 --backend cpu; `env`: added to the environment. */
export function startServe(args = [], env = {}) {
  const child = spawn(process.execPath, [CLI, 'serve', '--model', MODEL, '--port', '0', '--backend', 'cpu', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env },
  });
  let err = '';
  child.stderr.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      err += d;
      const m = /listening on (http:\/\/\S+)\/v1/.exec(err);
      if (m) resolve({
        child,
        origin: m[1],
        baseURL: `${m[1]}/v1`,
        stderr: () => err,
        /** The server's resident memory in bytes (Linux /proc). */
        rss: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) * 1024,
        stop: () => new Promise((ok) => (child.exitCode !== null ? ok() : (child.once('exit', ok), child.kill('SIGTERM')))),
      });
    });
    child.on('exit', (code) => reject(new Error(`hearth serve exited with ${code}: ${err}`)));
  });
}
