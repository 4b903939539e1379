// `hearth run` under Node: generates a continuation of --prompt with the wasm engine (CPU or WebGPU).
// Same flags and defaults as the native `hearth run` (temp 0.8, top-k 40, top-p 0.95, min-p 0.05,
// seed 42, 128 tokens): the continuation goes to stdout as it is produced, stats to stderr.
import { fileSource } from '../byte_source.mjs';
import { createEngine, type ModelInfo } from '../engine.mjs';
import { HearthError } from '../errors.mjs';
import { Args } from './args.mjs';

export const RUN_USAGE =
  'run --model F --prompt TEXT [-n N] [--temp T] [--seed S] [--top-k K] [--top-p P] [--min-p P] ' +
  '[--repeat-penalty R] [--presence-penalty P] [--frequency-penalty F] [--ctx-size C] [--threads N] [--ignore-eos] [--backend cpu|webgpu]';

const VALUE_FLAGS = new Set([
  'model', 'prompt', 'n-predict', 'temp', 'seed', 'top-k', 'top-p', 'min-p', 'repeat-penalty', 'presence-penalty',
  'frequency-penalty', 'ctx-size', 'threads', 'backend',
]);
const BOOL_FLAGS = new Set(['ignore-eos']);

export async function cmdRun(argv: readonly string[]): Promise<number> {
  const args = new Args(argv, VALUE_FLAGS, BOOL_FLAGS);
  const backend = args.values.get('backend') ?? 'cpu';
  if (backend !== 'cpu' && backend !== 'webgpu')
    throw new HearthError('invalid_argument', `--backend must be cpu or webgpu, not '${backend}'`);
  const prompt = args.str('prompt');
  const modelPath = args.str('model');
  const nPredict = args.number('n-predict', 128, 0, 1 << 20, true);
  const request = {
    prompt,
    maxTokens: nPredict,
    ignoreEos: args.flags.has('ignore-eos'),
    temperature: args.number('temp', 0.8, 0, 100),
    topK: args.number('top-k', 40, 0, 2 ** 30, true),
    topP: args.number('top-p', 0.95, 0, 1),
    minP: args.number('min-p', 0.05, 0, 1),
    repetitionPenalty: args.number('repeat-penalty', 1, 0, 100),
    presencePenalty: args.number('presence-penalty', 0, -2, 2),
    frequencyPenalty: args.number('frequency-penalty', 0, -2, 2),
    seed: args.number('seed', 42, 0, Number.MAX_SAFE_INTEGER, true), // the fixed default keeps runs reproducible
  };
  const nCtx = args.number('ctx-size', 0, 0, 1 << 24, true);
  // CPU threads: N (> 1 loads the threaded module), 0 = every core (as native); absent = 1, the
  // single-threaded module (threads are opt-in under Node: core.mts resolveThreads)
  const threadCount = args.number('threads', 1, 0, 1024, true);
  const threads = threadCount === 0 ? 'auto' : threadCount;

  const engine = await createEngine(backend, { threads }); // webgpu: no adapter fails here, before reading the model
  // the GPU path streams the file (header to the core, weights to the GPU); the CPU reads it whole
  const source = await fileSource(modelPath);
  let info: ModelInfo;
  try {
    info = await engine.load(source, { nCtx });
  } finally {
    await source.close?.();
  }
  const gen = engine.generate(request);
  for await (const chunk of gen) process.stdout.write(chunk);
  const s = gen.stats;
  if (s.finishReason === 'length' && s.generatedTokens < nPredict)
    process.stderr.write(`\n[context full after ${s.promptTokens + s.generatedTokens} tokens]\n`);
  const prefillTps = s.promptTokens / (s.prefillMs / 1000);
  const decodeTps = s.generatedTokens > 1 ? (s.generatedTokens - 1) / (s.decodeMs / 1000) : 0;
  process.stderr.write(
    `\n${engine.backend === 'cpu' ? `[cpu, ${info.n_threads} threads]\n` : ''}[prompt ${s.promptTokens} tokens, ${prefillTps.toFixed(1)} tok/s | generated ${s.generatedTokens} tokens, ${decodeTps.toFixed(1)} tok/s]\n`,
  );
  engine.dispose();
  return 0;
}
