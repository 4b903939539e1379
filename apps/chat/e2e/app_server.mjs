// Runs the README's main command's server for the end-to-end tests: `hearth serve --app` on
// 127.0.0.1 with stories260K (and its chat template) as the app's default model. stop() and
// start() again on the same port take the server away and back (the origin, and so the service
// worker and the model cache, stay the same): that is "offline" as the page sees it.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
export const SHARED = resolve(process.env.HEARTH_SHARED_DIR ?? join(REPO, '..', 'shared'));
export const STORIES = join(SHARED, 'models', 'stories260K.gguf');
export const ARTIFACTS = join(REPO, 'apps', 'chat', 'test-artifacts');

/** A directory of model files for the "open a local file" tests: a copy of stories260K and a
 * truncated one. */
export function modelFiles() {
  const dir = join(tmpdir(), `hearth-chat-e2e-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const good = join(dir, 'my-stories.gguf');
  copyFileSync(STORIES, good);
  const bytes = readFileSync(STORIES);
  const truncated = join(dir, 'truncated.gguf');
  writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 3)));
  return { good, truncated };
}

export class AppServer {
  #child = null;
  port = 0;

  get origin() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    const args = [join(REPO, 'web/dist/cli.mjs'), 'serve', '--model', STORIES, '--app', join(REPO, 'apps/chat/dist'),
      '--chat-template', join(REPO, 'apps/chat/default_model/stories260K.jinja'), '--host', '127.0.0.1', '--port', String(this.port)];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.#child = child;
    let err = '';
    await new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`hearth serve did not start: ${err}`)), 30_000);
      child.stderr.on('data', (d) => {
        err += d;
        const m = /app: http:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
        if (m) {
          clearTimeout(timer);
          this.port = Number(m[1]);
          ok();
        }
      });
      child.once('exit', (code) => fail(new Error(`hearth serve exited ${code}: ${err}`)));
    });
  }

  async stop() {
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise((ok) => {
      child.once('exit', ok);
      child.kill('SIGTERM');
    });
  }
}
