#!/usr/bin/env node
// hearth's Node CLI over the wasm engine: `node dist/cli.mjs <command> [flags]`. One file per
// subcommand under cli/ (each exports its usage and its entry point); errors print as
// `hearth <command>: error (<type>): <message>`, exit 1, or as the native CLI 2 with the usage for
// invalid_argument (a bad flag or value).
import { HearthError } from './errors.mjs';
import { RUN_USAGE, cmdRun } from './cli/run.mjs';
import { BENCH_USAGE, cmdBench } from './cli/bench.mjs';
import { SERVE_USAGE, cmdServe } from './cli/serve.mjs';
import { TOKENIZE_USAGE, cmdTokenize } from './cli/tokenize.mjs';
import { DETOKENIZE_USAGE, cmdDetokenize } from './cli/detokenize.mjs';
import { INFO_USAGE, cmdInfo } from './cli/info.mjs';
import { LOGITS_USAGE, cmdLogits } from './cli/logits.mjs';
import { TEMPLATE_USAGE, cmdTemplate } from './cli/template.mjs';

interface Command {
  usage: string;
  main: (argv: readonly string[]) => Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  run: { usage: RUN_USAGE, main: cmdRun },
  bench: { usage: BENCH_USAGE, main: cmdBench },
  serve: { usage: SERVE_USAGE, main: cmdServe },
  tokenize: { usage: TOKENIZE_USAGE, main: cmdTokenize },
  detokenize: { usage: DETOKENIZE_USAGE, main: cmdDetokenize },
  info: { usage: INFO_USAGE, main: cmdInfo },
  logits: { usage: LOGITS_USAGE, main: cmdLogits },
  template: { usage: TEMPLATE_USAGE, main: cmdTemplate },
};

function usage(): string {
  return Object.values(COMMANDS).map((c) => `usage: node cli.mjs ${c.usage}\n`).join('');
}

async function main(argv: readonly string[]): Promise<number> {
  const name = argv[0] ?? '';
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(usage());
    return 2;
  }
  try {
    return await command.main(argv.slice(1));
  } catch (e) {
    if (e instanceof HearthError) {
      process.stderr.write(`hearth ${name}: error (${e.type}): ${e.message}\n`);
      if (e.type === 'invalid_argument') {
        process.stderr.write(`usage: node cli.mjs ${command.usage}\n`);
        return 2;
      }
      return 1;
    }
    process.stderr.write(`hearth ${name}: error (internal): ${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
