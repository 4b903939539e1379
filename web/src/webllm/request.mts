// WebLLM requests as hearth requests, and hearth responses with WebLLM's usage fields. Pure
// functions: the engine (engine.mts) calls them around every create().
//
// - response_format {type: 'json_object', schema: '<JSON text>'} becomes hearth's json_schema (the
//   schema parsed; JSON text that does not parse is an InvalidRequestError on response_format.schema);
//   {type: 'grammar', grammar} stays hearth's GBNF grammar.
// - enable_thinking (top level or in extra_body) becomes chat_template_kwargs.enable_thinking.
// - a record's / chatOpts' sampling values (temperature, top_p, repetition_penalty, presence and
//   frequency penalties) fill the fields a request leaves out, as WebLLM's ChatConfig does.
// - completions' logprobs: true becomes hearth's legacy count (top_logprobs alternatives).
import { InvalidRequestError } from '../openai/errors.mjs';
import type * as H from '../openai/types.mjs';
import type { ChatOptions } from './config.mjs';
import type {
  ChatCompletionRequestBase, CompletionCreateParamsBase, CompletionUsage, ResponseFormat,
} from './protocol.mjs';

const SAMPLING_DEFAULTS = ['temperature', 'top_p', 'repetition_penalty', 'presence_penalty', 'frequency_penalty'] as const;
const given = (v: unknown): boolean => v !== undefined && v !== null;

function withDefaults<T extends Record<string, unknown>>(request: T, defaults: ChatOptions): T {
  const out: Record<string, unknown> = { ...request };
  for (const key of SAMPLING_DEFAULTS) if (!given(out[key]) && given(defaults[key])) out[key] = defaults[key];
  if (out['model'] === null) delete out['model'];
  delete out['enable_latency_breakdown'];
  return out as T;
}

function responseFormat(format: ResponseFormat | null | undefined): H.ResponseFormat | null | undefined {
  if (!format || format.type !== 'json_object' || !given(format.schema)) return format as H.ResponseFormat | null | undefined;
  if (typeof format.schema !== 'string') throw new InvalidRequestError('response_format.schema', "'response_format.schema' must be a JSON Schema as JSON text");
  let schema: unknown;
  try {
    schema = JSON.parse(format.schema);
  } catch (e) {
    throw new InvalidRequestError('response_format.schema', `'response_format.schema' is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema)))
    throw new InvalidRequestError('response_format.schema', "'response_format.schema' must be a JSON Schema object");
  return { type: 'json_schema', json_schema: { name: 'schema', schema: schema as Record<string, unknown> | boolean } };
}

/** A WebLLM chat request as hearth's (validated later by the engine, field by field). */
export function chatRequest(request: ChatCompletionRequestBase, defaults: ChatOptions): H.ChatCompletionRequest {
  const { extra_body, enable_thinking, response_format, ...rest } = withDefaults(request as ChatCompletionRequestBase & Record<string, unknown>, defaults);
  if (given(extra_body) && (typeof extra_body !== 'object' || Array.isArray(extra_body)))
    throw new InvalidRequestError('extra_body', "'extra_body' must be an object");
  const { enable_thinking: thinkingInBody, enable_latency_breakdown: _breakdown, ...unknownExtra } = extra_body ?? {};
  const unknown = Object.keys(unknownExtra)[0];
  if (unknown !== undefined) throw new InvalidRequestError(`extra_body.${unknown}`, `unknown field 'extra_body.${unknown}'`);
  const thinking = thinkingInBody ?? enable_thinking;
  const out = { ...rest } as unknown as H.ChatCompletionRequest;
  if (given(thinking)) {
    if (typeof thinking !== 'boolean') throw new InvalidRequestError('enable_thinking', "'enable_thinking' must be a boolean");
    out.chat_template_kwargs = { ...(rest.chat_template_kwargs ?? {}), enable_thinking: thinking };
  }
  const format = responseFormat(response_format);
  if (format !== undefined) out.response_format = format;
  imagesRefused(request.messages);
  return out;
}

function imagesRefused(messages: unknown): void {
  if (!Array.isArray(messages)) return; // the engine's validation names the field
  messages.forEach((m: unknown, i) => {
    const content = (m as { content?: unknown } | null)?.content;
    if (!Array.isArray(content)) return;
    content.forEach((part: unknown, j) => {
      if ((part as { type?: unknown } | null)?.type === 'image_url')
        throw new InvalidRequestError(`messages[${i}].content[${j}]`, 'image inputs are not supported: hearth runs text models only');
    });
  });
}

/** A WebLLM completion request as hearth's. */
export function completionRequest(request: CompletionCreateParamsBase, defaults: ChatOptions): H.CompletionRequest {
  const { logprobs, top_logprobs, echo, suffix, best_of, ...rest } = withDefaults(request as CompletionCreateParamsBase & Record<string, unknown>, defaults);
  if (given(echo) && echo !== false) throw new InvalidRequestError('echo', "'echo' is not supported");
  if (given(suffix)) throw new InvalidRequestError('suffix', "'suffix' is not supported");
  if (given(best_of) && best_of !== 1) throw new InvalidRequestError('best_of', "'best_of' is not supported");
  const out = { ...rest } as unknown as H.CompletionRequest;
  if (given(top_logprobs) && logprobs !== true) throw new InvalidRequestError('top_logprobs', "'top_logprobs' needs 'logprobs': true");
  if (logprobs === true) out.logprobs = (top_logprobs as number | undefined) ?? 0;
  else if (given(logprobs) && logprobs !== false) throw new InvalidRequestError('logprobs', "'logprobs' must be a boolean");
  return out;
}

/** hearth's usage with WebLLM's e2e_latency_s (the request's wall time so far) and
 * time_per_output_token_s. */
export function webllmUsage(usage: H.CompletionUsage, startedMs: number): CompletionUsage {
  const decode = usage.extra.decode_tokens_per_s;
  return {
    ...usage,
    extra: { ...usage.extra, e2e_latency_s: (performance.now() - startedMs) / 1000, time_per_output_token_s: decode > 0 ? 1 / decode : 0 },
  };
}

/** A response (or chunk) with its usage in WebLLM's shape; others unchanged. */
export function withWebllmUsage<T extends { usage?: H.CompletionUsage }>(response: T, startedMs: number): T {
  return response.usage ? { ...response, usage: webllmUsage(response.usage, startedMs) } : response;
}
