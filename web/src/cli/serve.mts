// `hearth serve` under Node: loads --model and answers OpenAI's HTTP API on --host:--port
// (serve/server.mts). Prints `listening on http://HOST:PORT/v1` to stderr once it accepts
// requests (--port 0 picks a free port: the line tells which); SIGINT/SIGTERM stop it.
// --app DIR also serves the chat app's build (serve/static_app.mts) at http://HOST:PORT/, with
// the model offered to it as its default, and prints `app: http://HOST:PORT/`.
import { readFile } from 'node:fs/promises';

import { HearthError } from '../errors.mjs';
import type { LoadedModel } from '../openai/hearth_engine.mjs';
import { HearthEngine } from '../openai/hearth_engine.mjs';
import { vramRequiredMB } from '../models/vram.mjs';
import { createOpenAIServer } from '../serve/server.mjs';
import { staticApp, type StaticApp } from '../serve/static_app.mjs';
import { Args } from './args.mjs';

export const SERVE_USAGE =
  'serve --model F [--host 127.0.0.1] [--port 8080] [--backend auto|cpu|webgpu] [--ctx-size C] [--threads N] ' +
  '[--context-overflow error|drop_oldest] [--model-id NAME] [--chat-template FILE] [--app DIR]';

const VALUE_FLAGS = new Set(['model', 'host', 'port', 'backend', 'ctx-size', 'context-overflow', 'model-id', 'chat-template', 'app', 'threads']);

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
  const args = new Args(argv, VALUE_FLAGS);
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
  const server = createOpenAIServer(engine, { modelId, ...(app ? { app } : {}) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: Error) => reject(new HearthError('io_error', `cannot listen on ${host}:${port}: ${e.message}`)));
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
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
