// WebLLM's OpenAI request and response types (its openai_api_protocols), by its names, over
// hearth's own (openai/types.mts). Requests take WebLLM's fields (response_format's schema as JSON
// text, extra_body.enable_thinking, image parts, which hearth refuses) and hearth's extensions (top_k,
// min_p, chat_template, chat_template_kwargs, context_overflow, ...); responses are hearth's, with
// WebLLM's usage.extra fields added.
import type * as H from '../openai/types.mjs';
import type { ResponseFormat } from './config.mjs';

export type { ResponseFormat };
export type ChatCompletionRole = 'system' | 'user' | 'assistant' | 'tool';

export interface ChatCompletionContentPartText {
  type: 'text';
  text: string;
}
/** Accepted by the types; hearth runs text models and refuses a request with an image. */
export interface ChatCompletionContentPartImage {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}
export type ChatCompletionContentPart = ChatCompletionContentPartText | ChatCompletionContentPartImage;

export interface ChatCompletionSystemMessageParam {
  role: 'system';
  content: string;
}
export interface ChatCompletionUserMessageParam {
  role: 'user';
  content: string | ChatCompletionContentPart[];
  name?: string;
}
export type ChatCompletionMessageToolCall = H.ToolCall;
export interface ChatCompletionAssistantMessageParam {
  role: 'assistant';
  content?: string | null;
  name?: string;
  tool_calls?: ChatCompletionMessageToolCall[];
  reasoning_content?: string;
}
export interface ChatCompletionToolMessageParam {
  role: 'tool';
  content: string;
  tool_call_id: string;
}
export type ChatCompletionMessageParam =
  | ChatCompletionSystemMessageParam
  | ChatCompletionUserMessageParam
  | ChatCompletionAssistantMessageParam
  | ChatCompletionToolMessageParam;

export type FunctionParameters = Record<string, unknown>;
export interface FunctionDefinition {
  name: string;
  description?: string;
  parameters?: FunctionParameters;
}
export interface ChatCompletionTool {
  type: 'function';
  function: FunctionDefinition;
}
export interface ChatCompletionNamedToolChoice {
  type: 'function';
  function: { name: string };
}
export type ChatCompletionToolChoiceOption = 'none' | 'auto' | 'required' | ChatCompletionNamedToolChoice;

/** The fields of a request both APIs share (sampling, stopping, streaming). */
interface GenerationFields {
  model?: string | null;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  frequency_penalty?: number | null;
  presence_penalty?: number | null;
  repetition_penalty?: number | null;
  logit_bias?: Record<string, number> | null;
  max_tokens?: number | null;
  n?: number | null;
  seed?: number | null;
  stop?: string | string[] | null;
  temperature?: number | null;
  top_p?: number | null;
  ignore_eos?: boolean | null;
  user?: string;
  /** Accepted; hearth's usage.extra carries no per-step latency breakdown. */
  enable_latency_breakdown?: boolean | null;
  /** hearth extensions. */
  top_k?: number | null;
  min_p?: number | null;
}

export interface ChatCompletionRequestBase extends GenerationFields {
  messages: ChatCompletionMessageParam[];
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  tools?: ChatCompletionTool[] | null;
  tool_choice?: ChatCompletionToolChoiceOption | null;
  response_format?: ResponseFormat | null;
  /** Qwen3-style thinking switch: false renders the template with enable_thinking false. */
  enable_thinking?: boolean | null;
  extra_body?: { enable_thinking?: boolean | null; enable_latency_breakdown?: boolean | null } | null;
  /** hearth extensions. */
  max_completion_tokens?: number | null;
  parallel_tool_calls?: boolean | null;
  chat_template?: string | null;
  chat_template_kwargs?: Record<string, unknown> | null;
  context_overflow?: H.ContextOverflow | null;
}
export interface ChatCompletionRequestStreaming extends ChatCompletionRequestBase {
  stream: true;
}
export interface ChatCompletionRequestNonStreaming extends ChatCompletionRequestBase {
  stream?: false | null;
}
export type ChatCompletionRequest = ChatCompletionRequestStreaming | ChatCompletionRequestNonStreaming;
/** WebLLM lists the fields it refuses; hearth refuses its own unknown fields by name instead. */
export const ChatCompletionRequestUnsupportedFields: string[] = [];

export type ChatCompletionFinishReason = H.FinishReason;
export type TopLogprob = H.ChatTokenLogprob['top_logprobs'][number];
export type ChatCompletionTokenLogprob = H.ChatTokenLogprob;
export type ChatCompletionMessage = H.AssistantMessage;

/** hearth's usage with WebLLM's extra fields: the request's wall time and seconds per output token. */
export interface CompletionUsage extends H.CompletionUsage {
  extra: H.CompletionUsage['extra'] & { e2e_latency_s: number; time_per_output_token_s: number };
}

export interface ChatCompletion extends Omit<H.ChatCompletion, 'usage'> {
  usage: CompletionUsage;
}
export interface ChatCompletionChunk extends Omit<H.ChatCompletionChunk, 'usage'> {
  usage?: CompletionUsage;
}

export interface CompletionCreateParamsBase extends GenerationFields {
  prompt: string;
  /** Log-probabilities of each token, with top_logprobs alternatives (returned in the legacy
   * completions shape: tokens, token_logprobs, top_logprobs, text_offset). */
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  /** Refused by WebLLM too: hearth accepts only null / false / absent. */
  echo?: boolean | null;
  suffix?: string | null;
  best_of?: number | null;
}
export interface CompletionCreateParamsStreaming extends CompletionCreateParamsBase {
  stream: true;
}
export interface CompletionCreateParamsNonStreaming extends CompletionCreateParamsBase {
  stream?: false | null;
}
export type CompletionCreateParams = CompletionCreateParamsStreaming | CompletionCreateParamsNonStreaming;
export type CompletionChoice = H.Completion['choices'][number];
export interface Completion extends Omit<H.Completion, 'usage'> {
  usage?: CompletionUsage;
}

export interface EmbeddingCreateParams {
  input: string | string[] | number[] | number[][];
  encoding_format?: 'float' | 'base64';
  dimensions?: number;
  model?: string | null;
  user?: string;
}
export interface Embedding {
  embedding: number[];
  index: number;
  object: 'embedding';
}
export interface CreateEmbeddingResponse {
  data: Embedding[];
  model: string;
  object: 'list';
  usage: { prompt_tokens: number; total_tokens: number; extra: { prefill_tokens_per_s: number } };
}
