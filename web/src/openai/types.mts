// The OpenAI shapes hearth accepts and returns (the subset WebLLM's OpenAI-compatible API uses).
export type Role = 'system' | 'developer' | 'user' | 'assistant' | 'tool';

export interface TextContentPart {
  type: 'text';
  text: string;
}

export interface ChatMessage {
  role: Role;
  content: string | TextContentPart[] | null;
  name?: string;
  tool_call_id?: string;
  tool_calls?: ToolCall[];
  /** A reasoning model's thoughts in an earlier assistant turn (templates may drop them). */
  reasoning_content?: string;
}

/** A function the model may call; `parameters` is a JSON Schema of its arguments object. */
export interface FunctionTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean | null };
}

/** 'none': no calls (tools left out of the prompt); 'auto' (default with tools): prose or calls;
 * 'required': one or more calls; a named function: exactly one call to it. */
export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export interface ToolCall {
  id: string;
  type: 'function';
  /** arguments: the JSON text of the arguments object. */
  function: { name: string; arguments: string };
}

/** A streamed tool call: hearth sends each call whole, in one delta, once it is complete. */
export interface ToolCallDelta extends ToolCall {
  index: number;
}

export interface AssistantMessage {
  role: 'assistant';
  content: string | null;
  tool_calls?: ToolCall[];
  /** What a reasoning model wrote in its <think> block. */
  reasoning_content?: string;
}

/** Sampling and stopping fields shared by chat and text completions. */
/** The output's shape. json_object: any JSON object; json_schema: JSON validating against `schema`;
 * grammar (hearth extension): GBNF text. Every token is constrained, so the output always parses. */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name: string; description?: string; schema?: Record<string, unknown> | boolean; strict?: boolean | null } }
  | { type: 'grammar'; grammar: string };

export interface SamplingFields {
  model?: string;
  max_tokens?: number | null;
  temperature?: number | null; // [0, 2], default 1
  top_p?: number | null; // (0, 1], default 1
  top_k?: number | null; // hearth/WebLLM extension; 0 = off
  min_p?: number | null;
  frequency_penalty?: number | null; // [-2, 2]
  presence_penalty?: number | null; // [-2, 2]
  repetition_penalty?: number | null; // (0, 100]; 1 = off
  logit_bias?: Record<string, number> | null;
  seed?: number | null;
  stop?: string | string[] | null;
  n?: number | null; // choices: sequential generations of the same prompt, choice i seeded seed + i
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  ignore_eos?: boolean | null; // WebLLM extension
  user?: string; // accepted, unused
  response_format?: ResponseFormat | null;
}

export interface ChatCompletionRequest extends SamplingFields {
  messages: ChatMessage[];
  max_completion_tokens?: number | null;
  tools?: FunctionTool[] | null;
  tool_choice?: ToolChoice | null;
  /** Whether a reply may hold several calls (default true; at most MAX_PARALLEL_CALLS). */
  parallel_tool_calls?: boolean | null;
  /** hearth extension: a Jinja chat template to use instead of the model's. */
  chat_template?: string | null;
  /** hearth extension (vLLM's and llama.cpp's name): more variables for the chat template, e.g.
   * `{ enable_thinking: false }` for Qwen3's. The template's own variables (messages, tools,
   * add_generation_prompt, bos_token, ...) cannot be replaced. */
  chat_template_kwargs?: Record<string, unknown> | null;
  /** Report each generated token's log-probability (choices[].logprobs.content). */
  logprobs?: boolean | null;
  /** With logprobs: this many most likely alternatives per token, in [0, 20]. */
  top_logprobs?: number | null;
  /** hearth extension: what to do when the prompt does not fit the context (default: the engine's
   * contextOverflow option, else 'error'). */
  context_overflow?: ContextOverflow | null;
}

export interface CompletionRequest extends SamplingFields {
  prompt: string;
  /** Legacy completions: log-probabilities of each token and of this many alternatives, in [0, 20]. */
  logprobs?: number | null;
}

/** 'error' (context_length_exceeded) or 'drop_oldest' (drop the oldest non-system turns until it fits). */
export type ContextOverflow = 'error' | 'drop_oldest';

/** OpenAI's chat logprobs: one entry per generated token. */
export interface ChatTokenLogprob {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs: { token: string; logprob: number; bytes: number[] }[];
}

export interface ChatLogprobs {
  content: ChatTokenLogprob[];
  refusal: null;
}

/** The legacy completions' logprobs shape. */
export interface CompletionLogprobs {
  tokens: string[];
  token_logprobs: number[];
  top_logprobs: Record<string, number>[];
  text_offset: number[];
}

export interface RequestOptions {
  /** Aborting ends the generation at the next step with finish_reason 'abort'. */
  signal?: AbortSignal;
}

/** 'tool_calls': the reply ended with calls (choices[].message.tool_calls). */
export type FinishReason = 'stop' | 'length' | 'abort' | 'tool_calls';

export interface CompletionUsage {
  /** All prompt tokens, cached or not. */
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** OpenAI's: prompt tokens whose KV cache was reused from the previous request (prefix reuse). */
  prompt_tokens_details: { cached_tokens: number };
  /** hearth's: prompt tokens actually evaluated (prompt_tokens - cached_tokens). */
  prefill_tokens: number;
  extra: {
    time_to_first_token_s: number;
    prefill_tokens_per_s: number;
    decode_tokens_per_s: number;
    /** Chat with context_overflow 'drop_oldest': messages dropped so the prompt fits (0 = none). */
    dropped_messages?: number;
  };
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: { index: number; message: AssistantMessage; finish_reason: FinishReason; logprobs: ChatLogprobs | null }[];
  usage: CompletionUsage;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: {
    index: number;
    delta: { role?: 'assistant'; content?: string; reasoning_content?: string; tool_calls?: ToolCallDelta[] };
    finish_reason: FinishReason | null;
    logprobs: ChatLogprobs | null;
  }[];
  usage?: CompletionUsage;
}

export interface Completion {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: { index: number; text: string; finish_reason: FinishReason; logprobs: CompletionLogprobs | null }[];
  usage: CompletionUsage;
}

export interface CompletionChunk {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: { index: number; text: string; finish_reason: FinishReason | null; logprobs: CompletionLogprobs | null }[];
  usage?: CompletionUsage;
}
export type { CreateEmbeddingResponse, Embedding, EmbeddingCreateParams } from './embeddings.mjs';
