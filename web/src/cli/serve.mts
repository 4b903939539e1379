// `hearth serve` under Node: loads --model and answers OpenAI's HTTP API on --host:--port
// (serve/server.mts). Prints `listening on http://HOST:PORT/v1` to stderr once it accepts
// requests (--port 0 picks a free port: the line tells which); SIGINT/SIGTERM stop it.
import { HearthError } from '../errors.mjs';
import { HearthEngine } from '../openai/hearth_engine.mjs';
import { createOpenAIServer } from '../serve/server.mjs';
import { Args } from './args.mjs';

export const SERVE_USAGE =
  'serve --model F [--host 127.0.0.1] [--port 8080] [--backend auto|cpu|webgpu] [--ctx-size C] ' +
  '[--context-overflow error|drop_oldest] [--model-id NAME]';

const VALUE_FLAGS = new Set(['model', 'host', 'port', 'backend', 'ctx-size', 'context-overflow', 'model-id']);

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

  const engine = new HearthEngine({ backend, nCtx, contextOverflow: overflow });
  await engine.reload(modelPath);
  const modelId = args.values.get('model-id') ?? engine.modelId ?? 'model';
  const server = createOpenAIServer(engine, { modelId });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: Error) => reject(new HearthError('io_error', `cannot listen on ${host}:${port}: ${e.message}`)));
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  process.stderr.write(`hearth serve: ${modelId} on ${engine.engine.backend}, listening on http://${host}:${bound}/v1\n`);
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
