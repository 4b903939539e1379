// `hearth serve` under Node: loads --model and answers OpenAI's HTTP API on --host:--port
// (serve/server.mts). Prints `listening on http://HOST:PORT/v1` to stderr once it accepts
// requests (--port 0 picks a free port: the line tells which); SIGINT/SIGTERM stop it.
// --app DIR also serves the chat app's build (serve/static_app.mts) at http://HOST:PORT/, with
// the model offered to it as its default, and prints `app: http://HOST:PORT/`.
// Access (serve/access.mts): --api-key KEY (or $HEARTH_API_KEY) is then needed on every API
// request; --cors-origins LIST (comma-separated origins, or '*') are the browser origins besides the
// server's own that may call it (default none). --max-queue N bounds the requests waiting (429
// past it), --timeout S a request's running time (0 = none). Each API request is logged to stderr as
// one line without its prompt or reply (--quiet: none).
import { readFile } from 'node:fs/promises';

import { HearthError } from '../errors.mjs';
import type { LoadedModel } from '../openai/hearth_engine.mjs';
import { HearthEngine } from '../openai/hearth_engine.mjs';
import { vramRequiredMB } from '../models/vram.mjs';
import { createOpenAIServer } from '../serve/server.mjs';
import { staticApp, type StaticApp } from '../serve/static_app.mjs';
import { Args } from './args.mjs';

export const SERVE_USAGE =
  'serve --model F [--host 127.0.0.1] [--port 8080] [--backend auto|cpu|webgpu] [--ctx-size C] [--threads N] [--pooling mean|cls|last] ' +
  '[--context-overflow error|drop_oldest] [--model-id NAME] [--chat-template FILE] [--app DIR] [--api-key KEY] ' +
  '[--cors-origins ORIGIN,...|*] [--max-queue N] [--timeout S] [--quiet]';

const VALUE_FLAGS = new Set([
  'model', 'host', 'port', 'backend', 'ctx-size', 'context-overflow', 'model-id', 'chat-template', 'app', 'threads', 'api-key',
  'cors-origins', 'max-queue', 'timeout', 'pooling',
]);

/** --cors-origins: '*', or origins (scheme://host[:port]) separated by commas. */
function corsOrigins(value: string | undefined): readonly string[] | '*' {
  if (value === undefined) return [];
  if (value.trim() === '*') return '*';
  const origins = value.split(',').map((o) => o.trim()).filter((o) => o !== '');
  for (const o of origins) {
    let url: URL | null = null;
    try {
      url = new URL(o);
    } catch {
      // reported below
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== o.replace(/\/+$/, ''))
      throw new HearthError('invalid_argument', `--cors-origins takes origins such as http://localhost:5173 (scheme, host, port; no path), not '${o}'`);
  }
  return origins;
}

/** The quantization most of the weights' bytes are in (the name files go by, e.g. Q4_K). */
function mainType(info: LoadedModel): string {
  const types = (info as { details?: { tensor_types?: { type: string; bytes: number }[] } }).details?.tensor_types ?? [];
  const top = [...types].sort((a, b) => b.bytes - a.bytes)[0];
  return top ? top.type.toUpperCase() : 'unknown';
}

async function appFor(dir: string, modelPath: string, modelId: string, info: LoadedModel, chatTemplate: string | undefined): Promise<StaticApp> {
  const d = (info as { details?: { head_dim?: number } }).details;
  const headDim = d?.head_dim ?? Math.round(info.n_embd / Math.max(1, info.n_head));
  const context = Math.min(info.n_ctx_train, 4096);
  return staticApp({
    dir,
    model: {
      path: modelPath,
      record: {
        model_id: modelId,
        family: info.architecture,
        quantization: mainType(info),
        context_length: info.n_ctx_train,
        vram_required_MB: vramRequiredMB(info.weight_bytes, { n_layer: info.n_layer, n_head_kv: info.n_head_kv, head_dim: headDim }, context),
        ...(chatTemplate !== undefined ? { chat_template: chatTemplate } : {}),
      },
    },
  });
}

export async function cmdServe(argv: readonly string[]): Promise<number> {
  const args = new Args(argv, VALUE_FLAGS, new Set(['quiet']));
  const backend = args.values.get('backend') ?? 'cpu';
  if (backend !== 'auto' && backend !== 'cpu' && backend !== 'webgpu')
    throw new HearthError('invalid_argument', `--backend must be auto, cpu or webgpu, not '${backend}'`);
  const overflow = args.values.get('context-overflow') ?? 'error';
  if (overflow !== 'error' && overflow !== 'drop_oldest')
    throw new HearthError('invalid_argument', `--context-overflow must be error or drop_oldest, not '${overflow}'`);
  const modelPath = args.str('model');
  const host = args.values.get('host') ?? '127.0.0.1';
  const port = args.number('port', 8080, 0, 65535, true);
  const nCtx = args.number('ctx-size', 0, 0, 1 << 24, true);
  const threads = args.values.has('threads') ? args.number('threads', 1, 0, 1024, true) : 1;
  const apiKey = args.values.get('api-key') ?? process.env['HEARTH_API_KEY'] ?? '';
  const origins = corsOrigins(args.values.get('cors-origins'));
  const maxQueue = args.number('max-queue', 32, 0, 1 << 20, true);
  const timeoutS = args.number('timeout', 600, 0, 86_400);
  const pooling = args.values.get('pooling');
  if (pooling !== undefined && pooling !== 'mean' && pooling !== 'cls' && pooling !== 'last')
    throw new HearthError('invalid_argument', `--pooling must be mean, cls or last, not '${pooling}'`);
  const templatePath = args.values.get('chat-template');
  let chatTemplate: string | undefined;
  if (templatePath !== undefined) {
    try {
      chatTemplate = await readFile(templatePath, 'utf8');
    } catch (e) {
      throw new HearthError('io_error', `cannot read --chat-template ${templatePath}: ${(e as Error).message}`);
    }
  }

  const engine = new HearthEngine({
    backend, nCtx, contextOverflow: overflow, threads: threads === 0 ? 'auto' : threads,
    ...(pooling !== undefined ? { pooling } : {}),
    ...(chatTemplate !== undefined ? { chatTemplate } : {}),
  });
  await engine.reload(modelPath);
  const modelId = args.values.get('model-id') ?? engine.modelId ?? 'model';
  const appDir = args.values.get('app');
  let app: StaticApp | undefined;
  if (appDir !== undefined) {
    try {
      app = await appFor(appDir, modelPath, modelId, engine.modelInfo()!, chatTemplate);
    } catch (e) {
      throw new HearthError('io_error', `--app ${appDir}: ${(e as Error).message}`);
    }
  }
  const server = createOpenAIServer(engine, {
    modelId,
    ...(app ? { app } : {}),
    access: { host, corsOrigins: origins, ...(apiKey !== '' ? { apiKey } : {}) },
    queue: { maxWaiting: maxQueue, timeoutMs: timeoutS * 1000 },
    ...(args.flags.has('quiet') ? {} : { log: (line: string) => process.stderr.write(`hearth serve: ${line}\n`) }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: Error) => reject(new HearthError('io_error', `cannot listen on ${host}:${port}: ${e.message}`)));
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  process.stderr.write(`hearth serve: ${apiKey !== '' ? 'an API key is required' : 'no API key (--api-key)'}; browser origins allowed: ${
    origins === '*' ? 'any' : origins.length ? origins.join(', ') : 'only its own (--cors-origins)'}\n`);
  process.stderr.write(`hearth serve: ${modelId} on ${engine.engine.backend}, listening on http://${host}:${bound}/v1\n`);
  if (app) process.stderr.write(`hearth serve: app: http://${host}:${bound}/\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      server.close(() => resolve());
      server.closeAllConnections();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  engine.unload();
  return 0;
}
