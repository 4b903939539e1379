// `hearth tokenize` under Node: text on stdin → token ids on stdout, space-separated, one line
// (the native CLI's format). --add-special adds BOS/EOS as the model says; --parse-special turns
// special-token text (e.g. "<s>") into its token.
import { Args } from './args.mjs';
import { backendOf, openEngine, readStdin } from './open_engine.mjs';

export const TOKENIZE_USAGE = 'tokenize --model F [--add-special] [--parse-special] [--backend cpu|webgpu] < text';

export async function cmdTokenize(argv: readonly string[]): Promise<number> {
  const args = new Args(argv, new Set(['model', 'backend']), new Set(['add-special', 'parse-special']));
  const engine = await openEngine(args.str('model'), backendOf(args));
  const ids = engine.tokenize(await readStdin(), { addSpecial: args.flags.has('add-special'), parseSpecial: args.flags.has('parse-special') });
  process.stdout.write(`${ids.join(' ')}\n`);
  engine.dispose();
  return 0;
}
