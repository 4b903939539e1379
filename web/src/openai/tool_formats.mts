// How each model family writes a tool call, and the grammar that keeps a call well-formed.
//
//   hermes   Qwen 2.5 / Qwen3 / Hermes / most fine-tunes:  <tool_call>\n{"name": .., "arguments": {..}}\n</tool_call>
//   llama3   Llama 3.1 / 3.2 / 3.3 custom tools:            {"name": .., "parameters": {..}}  (one call, maybe after <|python_tag|>)
//   mistral  Mistral / Mistral Nemo v3 tokenizer:            [TOOL_CALLS][{"name": .., "arguments": {..}}, ..]
//   generic  templates that do not render tools (Phi, Gemma, ...): hearth writes the tools into the
//            system message (prompt-based) and asks for <tool_call>{"name": .., "arguments": {..}}</tool_call>
//
// The format is read off the prompt the model's own template renders with the tools (tool_prompt.mts):
// each native template spells its own instructions. Templates that render tools in a format not
// listed (Command R, Granite) are treated as generic: the tools go into hearth's instructions
// instead, so the model is told one format, the one that is parsed.
//
// Decision: the formats live here, beside the OpenAI shapes they produce, not in core/chat. The core
// provides the mechanism (a JSON Schema grammar framed by the markers, bound lazily at a trigger:
// core/api/request_grammar.h, grammar_gate.h); what a call looks like is API-level knowledge, the
// same kind as stop strings, which are matched here too.
import type { FunctionTool } from './types.mjs';

export type ToolFormatName = 'hermes' | 'llama3' | 'mistral' | 'generic';

/** A parallel reply holds at most this many calls: a model that keeps writing calls ends there. */
export const MAX_PARALLEL_CALLS = 8;

export interface ParsedCall {
  name: string;
  arguments: Record<string, unknown>;
}

export interface ToolFormat {
  name: ToolFormatName;
  /** Text that opens a call in a reply that may also be prose (tool_choice 'auto'). */
  triggers: readonly string[];
  /** Special tokens whose text must stay in the output for the parser to see them. */
  preserveTokens: readonly string[];
  /** The core's grammar for the calls: `lazy` binds at a trigger ('auto'), else from the first token. */
  grammar(tools: readonly FunctionTool[], parallel: boolean, lazy: boolean): Record<string, unknown>;
  /** The calls in `text` (which starts where a call opens), or null when it is no well-formed call. */
  parse(text: string): ParsedCall[] | null;
  /** A call id in the form the family's template accepts back. */
  newId(): string;
}

const randomAlnum = (n: number): string => {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(n));
  return Array.from(bytes, (b) => abc[b % abc.length]).join('');
};
const openAiId = (): string => `call_${randomAlnum(24)}`;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The JSON Schema of one call {name, <argsKey>} to any of the tools. */
function callSchema(tools: readonly FunctionTool[], argsKey: 'arguments' | 'parameters'): Record<string, unknown> {
  const one = (t: FunctionTool): Record<string, unknown> => ({
    type: 'object',
    properties: { name: { const: t.function.name }, [argsKey]: t.function.parameters ?? { type: 'object' } },
    required: ['name', argsKey],
    additionalProperties: false,
  });
  return tools.length === 1 ? one(tools[0]!) : { anyOf: tools.map(one) };
}

/** Parses a JSON prefix of `text`: the value and where it ends, or null. */
function jsonPrefix(text: string, from: number): { value: unknown; end: number } | null {
  let i = from;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  const open = text[i];
  if (open !== '{' && open !== '[') return null;
  // find the matching close, strings and escapes respected
  let depth = 0;
  let inString = false;
  for (let j = i; j < text.length; j++) {
    const c = text[j]!;
    if (inString) {
      if (c === '\\') j++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        try {
          return { value: JSON.parse(text.slice(i, j + 1)), end: j + 1 };
        } catch {
          return null;
        }
      }
    }
  }
  return null;
}

function asCall(v: unknown, argsKeys: readonly string[]): ParsedCall | null {
  if (!isObject(v) || typeof v['name'] !== 'string') return null;
  for (const k of argsKeys) {
    const a = v[k];
    if (isObject(a)) return { name: v['name'], arguments: a };
    // some models write the arguments as a JSON string
    if (typeof a === 'string') {
      try {
        const parsed: unknown = JSON.parse(a);
        if (isObject(parsed)) return { name: v['name'], arguments: parsed };
      } catch { /* not a call */ }
    }
  }
  return null;
}

/** Calls wrapped as `open` JSON `close`, separated by whitespace, filling the whole text. */
function parseTagged(text: string, open: string, close: string): ParsedCall[] | null {
  const calls: ParsedCall[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i === text.length) return calls.length ? calls : null;
    if (!text.startsWith(open, i)) return null;
    const json = jsonPrefix(text, i + open.length);
    if (!json) return null;
    const call = asCall(json.value, ['arguments', 'parameters']);
    if (!call) return null;
    calls.push(call);
    i = json.end;
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (!text.startsWith(close, i)) return null;
    i += close.length;
  }
}

/** Calls between tags; the grammar writes `pad` inside each tag (Hermes puts the JSON on its own line). */
function tagged(name: 'hermes' | 'generic', open: string, close: string, pad: string): ToolFormat {
  return {
    name,
    triggers: [open],
    preserveTokens: [],
    grammar: (tools, parallel, lazy) => ({
      type: 'json_schema',
      schema: callSchema(tools, 'arguments'),
      frame: { before: open + pad, after: pad + close, between: '\n', max: parallel ? MAX_PARALLEL_CALLS : 1 },
      ...(lazy ? { triggers: [open] } : {}),
    }),
    parse: (text) => parseTagged(text, open, close),
    newId: openAiId,
  };
}

const LLAMA_PYTHON_TAG = '<|python_tag|>';

const llama3: ToolFormat = {
  name: 'llama3',
  triggers: ['{"name"', '{ "name"', LLAMA_PYTHON_TAG],
  preserveTokens: [LLAMA_PYTHON_TAG],
  // one call a reply: Llama 3's template refuses an assistant message with more than one
  grammar: (tools, _parallel, lazy) => ({
    type: 'json_schema',
    schema: callSchema(tools, 'parameters'),
    ...(lazy ? { triggers: ['{"name"', '{ "name"'] } : {}),
  }),
  parse: (text) => {
    let t = text.trimStart();
    if (t.startsWith(LLAMA_PYTHON_TAG)) t = t.slice(LLAMA_PYTHON_TAG.length);
    const json = jsonPrefix(t, 0);
    if (!json || t.slice(json.end).trim() !== '') return null;
    const call = asCall(json.value, ['parameters', 'arguments']);
    return call ? [call] : null;
  },
  newId: openAiId,
};

const MISTRAL_MARKER = '[TOOL_CALLS]';

const mistral: ToolFormat = {
  name: 'mistral',
  triggers: [MISTRAL_MARKER],
  preserveTokens: [MISTRAL_MARKER],
  // forced calls are the JSON array alone: the marker is a control token the grammar's vocabulary
  // leaves out (it would have to be spelled in pieces)
  grammar: (tools, parallel, lazy) => ({
    type: 'json_schema',
    schema: { type: 'array', items: callSchema(tools, 'arguments'), minItems: 1, maxItems: parallel ? MAX_PARALLEL_CALLS : 1 },
    ...(lazy ? { frame: { before: MISTRAL_MARKER }, triggers: [MISTRAL_MARKER] } : {}),
  }),
  parse: (text) => {
    let t = text.trimStart();
    if (t.startsWith(MISTRAL_MARKER)) t = t.slice(MISTRAL_MARKER.length);
    const json = jsonPrefix(t, 0);
    if (!json || t.slice(json.end).trim() !== '' || !Array.isArray(json.value) || json.value.length === 0) return null;
    const calls = json.value.map((v) => asCall(v, ['arguments', 'parameters']));
    return calls.every((c) => c !== null) ? (calls as ParsedCall[]) : null;
  },
  // Mistral's template refuses ids that are not 9 letters and digits
  newId: () => randomAlnum(9),
};

export const TOOL_FORMATS: Readonly<Record<ToolFormatName, ToolFormat>> = {
  hermes: tagged('hermes', '<tool_call>', '</tool_call>', '\n'),
  llama3,
  mistral,
  generic: tagged('generic', '<tool_call>', '</tool_call>', ''),
};

/** The format a template's own rendering of the tools asks for; null: it asks for none we know. */
export function formatOfRenderedPrompt(prompt: string): ToolFormatName | null {
  if (prompt.includes('<tool_call>')) return 'hermes';
  if (prompt.includes('[AVAILABLE_TOOLS]')) return 'mistral';
  if (prompt.includes('"parameters": dictionary of argument name and its value')) return 'llama3';
  return null;
}
