// `hearth logits` under Node: the logits of every prompt position, one JSON line per position with
// the --top best tokens (`{"pos": P, "token": T, "top": [[id, logit], ...]}`, logits as %.9g, ties
// by lower id), and with --out the raw f32 logits [positions][n_vocab]. The native CLI's format;
// --backend webgpu evaluates on the GPU.
import { writeFile } from 'node:fs/promises';

import { CpuEngine } from '../engine.mjs';
import { HearthError } from '../errors.mjs';
import { Args } from './args.mjs';
import { formatG } from './format_g.mjs';
import { backendOf, openEngine } from './open_engine.mjs';

export const LOGITS_USAGE = 'logits --model F --prompt TEXT [--top K] [--out FILE] [--ctx-size C] [--backend cpu|webgpu]';

export async function cmdLogits(argv: readonly string[]): Promise<number> {
  const args = new Args(argv, new Set(['model', 'prompt', 'top', 'out', 'threads', 'ctx-size', 'backend']));
  const top = args.number('top', 5, 1, 1000, true);
  const prompt = args.str('prompt');
  args.number('threads', 0, 0, 1024, true); // accepted for parity with native; the wasm CPU path runs one thread
  const engine = await openEngine(args.str('model'), backendOf(args), args.number('ctx-size', 0, 0, 1 << 24, true));
  const tokens = engine.tokenize(prompt, { addSpecial: true, parseSpecial: true });
  if (tokens.length === 0) throw new HearthError('invalid_argument', 'the prompt encodes to no tokens');
  let rows: Float32Array[];
  if (engine instanceof CpuEngine) rows = engine.cpuLogits(tokens);
  else rows = await (engine as unknown as { gpuLogits(t: readonly number[]): Promise<Float32Array[]> }).gpuLogits(tokens);
  const lines: string[] = [];
  rows.forEach((row, pos) => {
    const order = Array.from(row.keys());
    order.sort((a, b) => row[b]! - row[a]! || a - b);
    const best = order.slice(0, Math.min(top, row.length)).map((id) => `[${id}, ${formatG(row[id]!, 9)}]`);
    lines.push(`{"pos": ${pos}, "token": ${tokens[pos]}, "top": [${best.join(', ')}]}\n`);
  });
  process.stdout.write(lines.join(''));
  const out = args.values.get('out');
  if (out !== undefined) {
    const all = new Float32Array(rows.length * (rows[0]?.length ?? 0));
    rows.forEach((row, i) => all.set(row, i * row.length));
    try {
      await writeFile(out, new Uint8Array(all.buffer));
    } catch (e) {
      throw new HearthError('io_error', `cannot write '${out}': ${(e as Error).message}`);
    }
  }
  engine.dispose();
  return 0;
}
