// A conversation's output shape and tools: what the "Output & tools" dialog edits and every request
// of that conversation sends. The engine constrains each token (JSON, a schema, a GBNF grammar, tool
// call arguments), so the reply always parses; what is checked here is only what a person typed, so
// a mistake is pointed out in the dialog rather than as a failed reply.
import type { ChatCompletionRequest, FunctionTool, ResponseFormat, ToolChoice } from 'hearth';

export type OutputKind = 'text' | 'json' | 'json_schema' | 'grammar';
export type ToolChoiceKind = 'auto' | 'required' | 'none';

export interface StructuredOptions {
  output: OutputKind;
  /** JSON text of the schema (output 'json_schema'). */
  schema: string;
  /** GBNF text (output 'grammar'). */
  grammar: string;
  /** JSON text: an array of OpenAI function tools; '' for none. */
  tools: string;
  toolChoice: ToolChoiceKind;
}

export const PLAIN: Readonly<StructuredOptions> = Object.freeze({ output: 'text', schema: '', grammar: '', tools: '', toolChoice: 'auto' });

export const EXAMPLE_SCHEMA = JSON.stringify({
  type: 'object',
  properties: {
    name: { type: 'string' },
    age: { type: 'integer', minimum: 0, maximum: 150 },
    hobbies: { type: 'array', items: { type: 'string' }, maxItems: 3 },
  },
  required: ['name', 'age'],
  additionalProperties: false,
}, null, 2);

export const EXAMPLE_GRAMMAR = 'root ::= answer " because " reason\nanswer ::= "yes" | "no"\nreason ::= [a-z ]{1,60} "."';

export const EXAMPLE_TOOLS = JSON.stringify([{
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The current weather in a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { enum: ['celsius', 'fahrenheit'] } },
      required: ['city'],
      additionalProperties: false,
    },
  },
}], null, 2);

/** A problem with one field of the dialog, in words for the person who typed it. */
export interface FieldProblem {
  field: 'schema' | 'grammar' | 'tools';
  message: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseJson(text: string, field: FieldProblem['field'], what: string): { value?: unknown; problem?: FieldProblem } {
  try {
    return { value: JSON.parse(text) };
  } catch (e) {
    return { problem: { field, message: `${what} not valid JSON: ${(e as Error).message}` } };
  }
}

/** The tools of `text` ('' → none), or what is wrong with them. */
export function parseTools(text: string): { tools: FunctionTool[]; problem?: FieldProblem } {
  if (!text.trim()) return { tools: [] };
  const { value, problem } = parseJson(text, 'tools', 'The tools are');
  if (problem) return { tools: [], problem };
  const list = Array.isArray(value) ? value : [value];
  const names = new Set<string>();
  for (const [i, t] of list.entries()) {
    const fn = isObj(t) ? t.function : undefined;
    const where = `Tool ${i + 1}`;
    if (!isObj(t) || t.type !== 'function' || !isObj(fn))
      return { tools: [], problem: { field: 'tools', message: `${where} must look like {"type": "function", "function": {"name": ..., "parameters": {...}}}` } };
    if (typeof fn.name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(fn.name))
      return { tools: [], problem: { field: 'tools', message: `${where} needs a name of letters, digits, _ or - (at most 64)` } };
    if (names.has(fn.name)) return { tools: [], problem: { field: 'tools', message: `Two tools are named ${fn.name}` } };
    names.add(fn.name);
    if (fn.parameters !== undefined && !isObj(fn.parameters))
      return { tools: [], problem: { field: 'tools', message: `The parameters of ${fn.name} must be a JSON Schema object` } };
  }
  return { tools: list as FunctionTool[] };
}

/** Every problem with `o` (empty when it can be sent). */
export function checkStructured(o: StructuredOptions): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (o.output === 'json_schema') {
    if (!o.schema.trim()) problems.push({ field: 'schema', message: 'Write the JSON Schema the reply must match' });
    else {
      const { value, problem } = parseJson(o.schema, 'schema', 'The schema is');
      if (problem) problems.push(problem);
      else if (!isObj(value) && typeof value !== 'boolean') problems.push({ field: 'schema', message: 'A JSON Schema is an object, e.g. {"type": "object", ...}' });
    }
  }
  if (o.output === 'grammar' && !o.grammar.trim()) problems.push({ field: 'grammar', message: 'Write the GBNF grammar the reply must follow (a root rule first)' });
  const { problem } = parseTools(o.tools);
  if (problem) problems.push(problem);
  return problems;
}

/** The request fields `o` adds (none for plain text without tools). Call checkStructured first:
 * a field that does not parse is left out here. */
export function structuredFields(o: StructuredOptions): Pick<ChatCompletionRequest, 'response_format' | 'tools' | 'tool_choice'> {
  const fields: Pick<ChatCompletionRequest, 'response_format' | 'tools' | 'tool_choice'> = {};
  let format: ResponseFormat | null = null;
  if (o.output === 'json') format = { type: 'json_object' };
  if (o.output === 'json_schema') {
    const { value } = parseJson(o.schema, 'schema', '');
    if (isObj(value) || typeof value === 'boolean') format = { type: 'json_schema', json_schema: { name: 'reply', schema: value, strict: true } };
  }
  if (o.output === 'grammar' && o.grammar.trim()) format = { type: 'grammar', grammar: o.grammar };
  if (format) fields.response_format = format;
  const { tools, problem } = parseTools(o.tools);
  if (!problem && tools.length > 0) {
    fields.tools = tools;
    fields.tool_choice = o.toolChoice satisfies ToolChoice;
  }
  return fields;
}

/** Whether replies under `o` are JSON (shown as a JSON block rather than Markdown). */
export const repliesAreJson = (o: StructuredOptions | undefined): boolean => o?.output === 'json' || o?.output === 'json_schema';

/** The chip above the message box ("JSON schema · 1 tool"), or null for plain chat. */
export function structuredLabel(o: StructuredOptions | undefined): string | null {
  if (!o) return null;
  const parts: string[] = [];
  if (o.output === 'json') parts.push('JSON');
  if (o.output === 'json_schema') parts.push('JSON schema');
  if (o.output === 'grammar') parts.push('Grammar');
  const n = parseTools(o.tools).tools.length;
  if (n > 0) parts.push(`${n} tool${n === 1 ? '' : 's'}${o.toolChoice === 'auto' ? '' : o.toolChoice === 'required' ? ' (always called)' : ' (off)'}`);
  return parts.length ? parts.join(' · ') : null;
}

const KINDS: readonly OutputKind[] = ['text', 'json', 'json_schema', 'grammar'];
const CHOICES: readonly ToolChoiceKind[] = ['auto', 'required', 'none'];

/** Options from anything (stored JSON, an import, a form): unknown fields dropped, text capped. */
export function sanitizeStructured(raw: unknown): StructuredOptions {
  const r = isObj(raw) ? raw : {};
  const text = (v: unknown): string => (typeof v === 'string' ? v.slice(0, 200_000) : '');
  return {
    output: KINDS.includes(r.output as OutputKind) ? (r.output as OutputKind) : 'text',
    schema: text(r.schema),
    grammar: text(r.grammar),
    tools: text(r.tools),
    toolChoice: CHOICES.includes(r.toolChoice as ToolChoiceKind) ? (r.toolChoice as ToolChoiceKind) : 'auto',
  };
}
