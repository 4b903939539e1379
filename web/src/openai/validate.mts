// Request validation: every field is checked here, before the core sees it, so errors name the
// field (InvalidRequestError.param). Unknown fields are errors, not silently ignored.
import { InvalidRequestError } from './errors.mjs';
import type { ChatCompletionRequest, CompletionRequest, SamplingFields } from './types.mjs';

const SAMPLING_KEYS = [
  'model', 'max_tokens', 'temperature', 'top_p', 'top_k', 'min_p', 'frequency_penalty', 'presence_penalty',
  'repetition_penalty', 'logit_bias', 'seed', 'stop', 'n', 'stream', 'stream_options', 'ignore_eos', 'user',
  'response_format',
];
const CHAT_KEYS = new Set([
  ...SAMPLING_KEYS, 'messages', 'max_completion_tokens', 'tools', 'tool_choice', 'parallel_tool_calls', 'chat_template', 'chat_template_kwargs', 'logprobs', 'top_logprobs',
  'context_overflow',
]);
const COMPLETION_KEYS = new Set([...SAMPLING_KEYS, 'prompt', 'logprobs']);
/** n is a count of sequential generations: a bound keeps one request from running unbounded. */
export const MAX_CHOICES = 16;
const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const given = (v: unknown): boolean => v !== undefined && v !== null;

function number(r: Record<string, unknown>, key: string, lo: number, hi: number, opts: { integer?: boolean; openLo?: boolean } = {}): void {
  const v = r[key];
  if (!given(v)) return;
  const kind = opts.integer ? 'an integer' : 'a number';
  if (typeof v !== 'number' || !Number.isFinite(v) || (opts.integer && !Number.isInteger(v)))
    throw new InvalidRequestError(key, `'${key}' must be ${kind}`);
  if (v > hi || v < lo || (opts.openLo && v === lo))
    throw new InvalidRequestError(key, `'${key}' is ${v}; it must be in ${opts.openLo ? '(' : '['}${lo}, ${hi}]`);
}

function bool(r: Record<string, unknown>, key: string): void {
  if (given(r[key]) && typeof r[key] !== 'boolean') throw new InvalidRequestError(key, `'${key}' must be a boolean`);
}

function string(r: Record<string, unknown>, key: string): void {
  if (given(r[key]) && typeof r[key] !== 'string') throw new InvalidRequestError(key, `'${key}' must be a string`);
}

function sampling(r: Record<string, unknown>, known: ReadonlySet<string>): void {
  for (const key of Object.keys(r)) {
    if (!known.has(key)) throw new InvalidRequestError(key, `unknown field '${key}'`, 'unknown_parameter');
  }
  string(r, 'model');
  string(r, 'user');
  responseFormat(r);
  number(r, 'max_tokens', 0, 2 ** 31 - 1, { integer: true });
  number(r, 'temperature', 0, 2);
  number(r, 'top_p', 0, 1, { openLo: true });
  number(r, 'top_k', 0, 2 ** 31 - 1, { integer: true });
  number(r, 'min_p', 0, 1);
  number(r, 'frequency_penalty', -2, 2);
  number(r, 'presence_penalty', -2, 2);
  number(r, 'repetition_penalty', 0, 100, { openLo: true });
  number(r, 'seed', 0, 2 ** 53, { integer: true });
  number(r, 'n', 1, MAX_CHOICES, { integer: true });
  bool(r, 'stream');
  bool(r, 'ignore_eos');
  const so = r['stream_options'];
  if (given(so)) {
    if (!isObject(so)) throw new InvalidRequestError('stream_options', "'stream_options' must be an object");
    if (r['stream'] !== true) throw new InvalidRequestError('stream_options', "'stream_options' is only allowed with stream: true");
    for (const k of Object.keys(so)) {
      if (k !== 'include_usage') throw new InvalidRequestError(`stream_options.${k}`, `unknown field 'stream_options.${k}'`);
    }
    if (given(so['include_usage']) && typeof so['include_usage'] !== 'boolean')
      throw new InvalidRequestError('stream_options.include_usage', "'stream_options.include_usage' must be a boolean");
  }
  const lb = r['logit_bias'];
  if (given(lb)) {
    if (!isObject(lb)) throw new InvalidRequestError('logit_bias', "'logit_bias' must be an object mapping token ids to biases");
    for (const [k, v] of Object.entries(lb)) {
      if (!/^\d+$/.test(k)) throw new InvalidRequestError('logit_bias', `'logit_bias' key '${k}' is not a token id`);
      if (typeof v !== 'number' || !(v >= -100 && v <= 100))
        throw new InvalidRequestError('logit_bias', `'logit_bias' value for token ${k} must be a number in [-100, 100]`);
    }
  }
  const stop = r['stop'];
  if (given(stop)) {
    const list = typeof stop === 'string' ? [stop] : stop;
    if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || s.length === 0))
      throw new InvalidRequestError('stop', "'stop' must be a non-empty string or an array of non-empty strings");
  }
}

function responseFormat(r: Record<string, unknown>): void {
  const f = r['response_format'];
  if (!given(f)) return;
  const bad = (param: string, why: string): never => { throw new InvalidRequestError(param, why); };
  if (!isObject(f)) bad('response_format', "'response_format' must be an object with a 'type'");
  const rf = f as Record<string, unknown>;
  const only = (obj: Record<string, unknown>, prefix: string, keys: string[]): void => {
    for (const k of Object.keys(obj)) if (!keys.includes(k)) bad(`${prefix}.${k}`, `unknown field '${prefix}.${k}'`);
  };
  switch (rf['type']) {
    case 'text': case 'json_object':
      only(rf, 'response_format', ['type']);
      return;
    case 'json_schema': {
      only(rf, 'response_format', ['type', 'json_schema']);
      const js = rf['json_schema'];
      if (!isObject(js)) bad('response_format.json_schema', "'response_format.json_schema' must be an object with 'name' and 'schema'");
      const j = js as Record<string, unknown>;
      only(j, 'response_format.json_schema', ['name', 'description', 'schema', 'strict']);
      if (typeof j['name'] !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(j['name']))
        bad('response_format.json_schema.name', "'response_format.json_schema.name' must be 1-64 letters, digits, '_' or '-'");
      if (given(j['description']) && typeof j['description'] !== 'string')
        bad('response_format.json_schema.description', "'response_format.json_schema.description' must be a string");
      if (given(j['schema']) && !isObject(j['schema']) && typeof j['schema'] !== 'boolean')
        bad('response_format.json_schema.schema', "'response_format.json_schema.schema' must be a JSON Schema object");
      if (given(j['strict']) && typeof j['strict'] !== 'boolean')
        bad('response_format.json_schema.strict', "'response_format.json_schema.strict' must be a boolean");
      return;
    }
    case 'grammar':
      only(rf, 'response_format', ['type', 'grammar']);
      if (typeof rf['grammar'] !== 'string' || rf['grammar'].length === 0)
        bad('response_format.grammar', "'response_format.grammar' must be GBNF text");
      return;
    default:
      bad('response_format.type', "'response_format.type' must be 'text', 'json_object', 'json_schema' or 'grammar'");
  }
}

/** The core's "grammar" field for a response_format (undefined: unconstrained). */
export function grammarOf(format: unknown): Record<string, unknown> | undefined {
  if (!isObject(format)) return undefined;
  switch (format['type']) {
    case 'json_object': return { type: 'json_object' };
    case 'json_schema': {
      const schema = (format['json_schema'] as Record<string, unknown>)['schema'];
      return { type: 'json_schema', schema: schema ?? {} };
    }
    case 'grammar': return { type: 'gbnf', grammar: format['grammar'] };
    default: return undefined;
  }
}

const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function tools(r: Record<string, unknown>): void {
  const list = r['tools'];
  const bad = (param: string, why: string): never => { throw new InvalidRequestError(param, why); };
  if (given(list)) {
    if (!Array.isArray(list)) bad('tools', "'tools' must be an array of {type: 'function', function: {name, description?, parameters?}}");
    const names = new Set<string>();
    (list as unknown[]).forEach((t, i) => {
      const at = `tools[${i}]`;
      if (!isObject(t) || t['type'] !== 'function') bad(`${at}.type`, `'${at}.type' must be 'function'`);
      const f = (t as Record<string, unknown>)['function'];
      if (!isObject(f)) bad(`${at}.function`, `'${at}.function' must be an object {name, description?, parameters?}`);
      const fn = f as Record<string, unknown>;
      for (const k of Object.keys(fn))
        if (!['name', 'description', 'parameters', 'strict'].includes(k)) bad(`${at}.function.${k}`, `unknown field '${at}.function.${k}'`);
      if (typeof fn['name'] !== 'string' || !FUNCTION_NAME.test(fn['name']))
        bad(`${at}.function.name`, `'${at}.function.name' must be 1-64 letters, digits, '_' or '-'`);
      if (names.has(fn['name'] as string)) bad(`${at}.function.name`, `'${at}.function.name' repeats the name '${fn['name']}'`);
      names.add(fn['name'] as string);
      if (given(fn['description']) && typeof fn['description'] !== 'string') bad(`${at}.function.description`, `'${at}.function.description' must be a string`);
      if (given(fn['parameters']) && !isObject(fn['parameters'])) bad(`${at}.function.parameters`, `'${at}.function.parameters' must be a JSON Schema object`);
      if (given(fn['strict']) && typeof fn['strict'] !== 'boolean') bad(`${at}.function.strict`, `'${at}.function.strict' must be a boolean`);
    });
  }
  bool(r, 'parallel_tool_calls');
  const choice = r['tool_choice'];
  const hasTools = Array.isArray(list) && list.length > 0;
  const format = r['response_format'];
  if (hasTools && choice !== 'none' && isObject(format) && format['type'] !== 'text')
    bad('response_format', "'response_format' cannot be combined with 'tools' (unless tool_choice is 'none'): a reply has one grammar");
  if (!given(choice)) return;
  if (choice === 'none' || choice === 'auto' || choice === 'required') {
    if (choice === 'required' && !hasTools) bad('tool_choice', "'tool_choice' 'required' needs 'tools'");
  } else if (isObject(choice) && choice['type'] === 'function' && isObject(choice['function']) && typeof choice['function']['name'] === 'string') {
    const name = choice['function']['name'];
    if (!hasTools || !(list as { function: { name: string } }[]).some((t) => t.function.name === name))
      bad('tool_choice', `'tool_choice' names the function '${name}', which is not in 'tools'`);
  } else {
    bad('tool_choice', "'tool_choice' must be 'none', 'auto', 'required' or {type: 'function', function: {name}}");
  }
}

function toolCalls(v: unknown, at: string, role: unknown): void {
  if (role !== 'assistant') throw new InvalidRequestError(at, `'${at}' is only allowed on assistant messages`);
  if (!Array.isArray(v)) throw new InvalidRequestError(at, `'${at}' must be an array of {id, type: 'function', function: {name, arguments}}`);
  v.forEach((c: unknown, i) => {
    const f = isObject(c) ? c['function'] : undefined;
    if (!isObject(c) || typeof c['id'] !== 'string' || c['type'] !== 'function' || !isObject(f) ||
        typeof f['name'] !== 'string' || typeof f['arguments'] !== 'string')
      throw new InvalidRequestError(`${at}[${i}]`, `'${at}[${i}]' must be {id, type: 'function', function: {name, arguments (JSON text)}}`);
  });
}

/** Returns the request typed; throws InvalidRequestError naming the first bad field. */
export function validateChatRequest(request: unknown): ChatCompletionRequest {
  if (!isObject(request)) throw new InvalidRequestError(null, 'the request must be an object');
  sampling(request, CHAT_KEYS);
  number(request, 'max_completion_tokens', 0, 2 ** 31 - 1, { integer: true });
  string(request, 'chat_template');
  const kwargs = request['chat_template_kwargs'];
  if (given(kwargs) && !isObject(kwargs))
    throw new InvalidRequestError('chat_template_kwargs', "'chat_template_kwargs' must be an object of template variables");
  bool(request, 'logprobs');
  number(request, 'top_logprobs', 0, 20, { integer: true });
  if (given(request['top_logprobs']) && request['logprobs'] !== true)
    throw new InvalidRequestError('top_logprobs', "'top_logprobs' needs 'logprobs': true");
  const overflow = request['context_overflow'];
  if (given(overflow) && overflow !== 'error' && overflow !== 'drop_oldest')
    throw new InvalidRequestError('context_overflow', "'context_overflow' must be 'error' or 'drop_oldest'");
  tools(request);
  const messages = request['messages'];
  if (!given(messages)) throw new InvalidRequestError('messages', "'messages' is required");
  if (!Array.isArray(messages) || messages.length === 0) throw new InvalidRequestError('messages', "'messages' must be a non-empty array");
  messages.forEach((m: unknown, i) => {
    const at = `messages[${i}]`;
    if (!isObject(m)) throw new InvalidRequestError(at, `'${at}' must be an object`);
    if (typeof m['role'] !== 'string' || !ROLES.has(m['role']))
      throw new InvalidRequestError(`${at}.role`, `'${at}.role' must be one of ${[...ROLES].join(', ')}`);
    const c = m['content'];
    const ok =
      typeof c === 'string' ||
      (c === null && m['role'] === 'assistant') ||
      (c === undefined && m['role'] === 'assistant' && Array.isArray(m['tool_calls'])) ||
      (Array.isArray(c) && c.every((p: unknown) => isObject(p) && p['type'] === 'text' && typeof p['text'] === 'string'));
    if (!ok) throw new InvalidRequestError(`${at}.content`, `'${at}.content' must be a string or an array of {type: 'text', text} parts`);
    if (given(m['tool_calls'])) toolCalls(m['tool_calls'], `${at}.tool_calls`, m['role']);
    if (m['role'] === 'tool' && typeof m['tool_call_id'] !== 'string')
      throw new InvalidRequestError(`${at}.tool_call_id`, `'${at}.tool_call_id' must be the id of the call this message answers`);
  });
  return request as unknown as ChatCompletionRequest;
}

export function validateCompletionRequest(request: unknown): CompletionRequest {
  if (!isObject(request)) throw new InvalidRequestError(null, 'the request must be an object');
  sampling(request, COMPLETION_KEYS);
  if (!given(request['prompt'])) throw new InvalidRequestError('prompt', "'prompt' is required");
  if (typeof request['prompt'] !== 'string') throw new InvalidRequestError('prompt', "'prompt' must be a string");
  number(request, 'logprobs', 0, 20, { integer: true });
  return request as unknown as CompletionRequest;
}

export type { SamplingFields };
