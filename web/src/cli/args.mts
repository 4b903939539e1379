// Flag parsing shared by the Node CLI's subcommands: --name VALUE, --name=VALUE, -n VALUE, boolean
// flags; an unknown or malformed flag is a HearthError('invalid_argument') (exit 2 with usage).
import { HearthError } from '../errors.mjs';

const ALIASES: Record<string, string> = { n: 'n-predict', m: 'model', p: 'prompt', t: 'threads', c: 'ctx-size' };

export class Args {
  readonly values = new Map<string, string>();
  readonly flags = new Set<string>();

  /** `valueFlags`/`boolFlags`: the long names a command accepts (aliases: -n -m -p -t -c). */
  constructor(argv: readonly string[], valueFlags: ReadonlySet<string>, boolFlags: ReadonlySet<string> = new Set()) {
    for (let k = 0; k < argv.length; ++k) {
      const a = argv[k]!;
      if (a.length < 2 || a[0] !== '-') throw new HearthError('invalid_argument', `unexpected argument '${a}'`);
      let name = a.replace(/^--?/, '');
      let inline: string | undefined;
      const eq = name.indexOf('=');
      if (eq >= 0) {
        inline = name.slice(eq + 1);
        name = name.slice(0, eq);
      }
      name = ALIASES[name] ?? name;
      if (boolFlags.has(name)) {
        if (inline !== undefined) throw new HearthError('invalid_argument', `flag --${name} takes no value`);
        this.flags.add(name);
      } else if (valueFlags.has(name)) {
        if (inline === undefined) {
          if (k + 1 >= argv.length) throw new HearthError('invalid_argument', `flag --${name} needs a value`);
          inline = argv[++k]!;
        }
        this.values.set(name, inline);
      } else {
        throw new HearthError('invalid_argument', `unknown flag '${a}'`);
      }
    }
  }

  str(name: string): string {
    const v = this.values.get(name);
    if (v === undefined) throw new HearthError('invalid_argument', `missing required flag --${name}`);
    return v;
  }

  number(name: string, fallback: number, min: number, max: number, integer = false): number {
    const s = this.values.get(name);
    if (s === undefined) return fallback;
    const v = Number(s);
    if (s.trim() === '' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v)))
      throw new HearthError('invalid_argument', `--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, not '${s}'`);
    return v;
  }
}
