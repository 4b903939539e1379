// `hearth template` under Node: renders a chat template for a conversation (the native CLI's flags
// and output: the prompt exactly, no added newline; a template that raises prints its message and
// exits 1). --model takes the model's tokenizer.chat_template and its BOS/EOS texts.
import { readFile } from 'node:fs/promises';

import { CpuEngine, type RenderTemplateRequest } from '../engine.mjs';
import { HearthError } from '../errors.mjs';
import { Args } from './args.mjs';
import { readModelFile } from './open_engine.mjs';

export const TEMPLATE_USAGE =
  'template --template FILE|--model F --messages FILE.json [--tools FILE.json] [--add-generation-prompt] [--bos-token S] [--eos-token S] [--now YYYY-MM-DD]';

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new HearthError('io_error', `cannot open '${path}': ${(e as Error).message}`);
  }
}

async function readJson(path: string, flag: string): Promise<unknown> {
  const text = await readText(path);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HearthError('invalid_argument', `--${flag} '${path}' is not JSON: ${(e as Error).message}`);
  }
}

export async function cmdTemplate(argv: readonly string[]): Promise<number> {
  const args = new Args(argv, new Set(['template', 'model', 'messages', 'tools', 'bos-token', 'eos-token', 'now']), new Set(['add-generation-prompt']));
  if (args.values.has('template') === args.values.has('model')) throw new HearthError('invalid_argument', 'give exactly one of --template or --model');
  const messages = await readJson(args.str('messages'), 'messages');
  if (!Array.isArray(messages)) throw new HearthError('invalid_argument', '--messages must hold a JSON array of messages');
  const request: RenderTemplateRequest = { messages, add_generation_prompt: args.flags.has('add-generation-prompt') };
  if (args.values.has('tools')) request.tools = (await readJson(args.str('tools'), 'tools')) as unknown[];
  if (args.values.has('template')) request.template = await readText(args.str('template'));
  for (const [flag, key] of [['bos-token', 'bos_token'], ['eos-token', 'eos_token'], ['now', 'now']] as const) {
    const v = args.values.get(flag);
    if (v !== undefined) request[key] = v;
  }
  const engine = await CpuEngine.create();
  try {
    // a bad --now is a flag error (exit 2), not the template's: the core checks the date's form on an
    // empty template first (its rule, not a copy of it here)
    if (request.now !== undefined) engine.renderTemplate({ template: '', messages: [], now: request.now });
    if (args.values.has('model')) {
      const info = await engine.load(await readModelFile(args.str('model')));
      if (!info.chat_template) throw new HearthError('invalid_argument', 'the model has no tokenizer.chat_template; pass --template FILE');
    }
    let prompt: string;
    try {
      prompt = engine.renderTemplate(request);
    } catch (e) {
      // as native: what the template itself raises (or fails on) is exit 1 with its message
      if (!(e instanceof HearthError)) throw e;
      process.stderr.write(`hearth template: error: ${e.message}\n`);
      return 1;
    }
    process.stdout.write(prompt);
    return 0;
  } finally {
    engine.dispose();
  }
}
