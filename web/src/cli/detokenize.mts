// `hearth detokenize` under Node: whitespace-separated token ids on stdin → their text on stdout,
// with no newline added (the native CLI's format). --render-special gives control tokens' text.
import { HearthError } from '../errors.mjs';
import { Args } from './args.mjs';
import { backendOf, openEngine, readStdin } from './open_engine.mjs';

export const DETOKENIZE_USAGE = 'detokenize --model F [--render-special] [--backend cpu|webgpu] < ids';

export async function cmdDetokenize(argv: readonly string[]): Promise<number> {
  const args = new Args(argv, new Set(['model', 'backend']), new Set(['render-special']));
  const engine = await openEngine(args.str('model'), backendOf(args));
  const words = (await readStdin()).split(/\s+/).filter((w) => w.length > 0);
  const ids = words.map((w) => {
    const v = Number(w);
    if (!/^[+-]?\d+$/.test(w) || !Number.isSafeInteger(v)) throw new HearthError('invalid_argument', `'${w}' is not a token id`);
    return v;
  });
  process.stdout.write(engine.detokenize(ids, { renderSpecial: args.flags.has('render-special') }));
  engine.dispose();
  return 0;
}
