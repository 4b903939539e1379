// WebLLM's configuration types (its config.ts and types.ts, 0.2.8x): what an app passes to
// CreateMLCEngine and friends. Field names and shapes are WebLLM's, so an app written against WebLLM
// type-checks; what each field does in hearth is said beside it (README, "Coming from WebLLM").
import type { CacheKind } from '../download/cache_backend.mjs';
import type { ThreadsOption } from '../core.mjs';
import type { ContextOverflow, ResponseFormat as HearthResponseFormat } from '../openai/types.mjs';

/** MLC's conversation template. hearth renders the GGUF file's own Jinja chat template (or a
 * record's `chat_template`) instead: a conv_template is accepted and not used. */
export interface ConvTemplateConfig {
  system_template: string;
  system_message: string;
  roles: Record<string, string>;
  role_templates?: Partial<Record<string, string>>;
  seps: string[];
  role_content_sep?: string;
  role_empty_sep?: string;
  stop_str: string[];
  system_prefix_token_ids?: number[];
  stop_token_ids: number[];
  add_role_after_system_message?: boolean;
}

/** `mlc-chat-config.json`'s chat fields. In hearth the GGUF file says what the tokenizer and
 * template are; of these, the context size and the sampling defaults are used. */
export interface ChatConfig {
  /** Not used: the tokenizer is in the GGUF file. */
  tokenizer_files: string[];
  tokenizer_info?: { token_postproc_method: string; prepend_space_in_encode: boolean; strip_space_in_decode: boolean };
  token_table_postproc_method?: string;
  vocab_size: number;
  /** Not used (see ConvTemplateConfig). */
  conv_config?: Partial<ConvTemplateConfig>;
  conv_template: ConvTemplateConfig;
  /** The context size hearth allocates (its KV cache); -1 or absent: min(trained context, 4096). */
  context_window_size: number;
  /** Not used: a model's sliding window comes from its GGUF metadata. */
  sliding_window_size: number;
  /** Not used. */
  attention_sink_size: number;
  /** Sampling defaults for requests that do not set them. */
  repetition_penalty: number;
  frequency_penalty: number;
  presence_penalty: number;
  top_p: number;
  temperature: number;
  bos_token_id?: number;
  /** hearth extension: a Jinja chat template used instead of the file's (e.g. for a model without one). */
  chat_template?: string;
}

/** Options that override a model's ChatConfig (reload's chatOpts, a record's overrides). */
export type ChatOptions = Partial<ChatConfig>;

/** WebLLM's model kinds. hearth runs LLMs and embedding models (whatever the record says, the GGUF
 * file's pooling type decides); vision-language models are not supported. */
export enum ModelType {
  'LLM',
  'embedding',
  'VLM',
}

/**
 * A model an app can load by its model_id. In hearth `model` is a GGUF file: an http(s) URL (a
 * Hugging Face `resolve/main/....gguf` link), a URL relative to the page, or under Node a file path.
 * An MLC weights repository (`https://huggingface.co/mlc-ai/...-MLC`) is refused with a clear error:
 * those are not GGUF files.
 */
export interface ModelRecord {
  model: string;
  model_id: string;
  /** Not used: hearth needs no per-model wasm library (the same engine runs every GGUF). */
  model_lib: string;
  overrides?: ChatOptions;
  /** GPU memory the model needs, as the catalog states it (informational, as in WebLLM). */
  vram_required_MB?: number;
  low_resource_required?: boolean;
  /** Informational. */
  buffer_size_required_bytes?: number;
  /** Informational: hearth needs no optional WebGPU feature (shader-f16 is used where present). */
  required_features?: string[];
  model_type?: ModelType;
  /** hearth extension: a Jinja chat template used instead of the file's. */
  chat_template?: string;
  /** hearth extension: hex sha256 of the file; a download is verified against it. */
  sha256?: string;
  /** hearth extension: the file's indicative size in bytes (prebuiltAppConfig's, from the catalog). */
  size?: number;
}

export interface AppConfig {
  model_list: ModelRecord[];
  /** Accepted; hearth keeps downloads in Cache Storage in browsers (resumable, in chunks) and in a
   * directory under Node whatever this says. MLCEngineConfig.cache (hearth) picks another store. */
  useIndexedDBCache?: boolean;
  /** Accepted, as useIndexedDBCache. */
  cacheBackend?: string;
}

/** Loading progress, as WebLLM reports it (hearth also gives the download's bytes). */
export interface InitProgressReport {
  progress: number;
  timeElapsed: number;
  text: string;
}
export type InitProgressCallback = (report: InitProgressReport) => void;

/** WebLLM's CPU-side logit hook. Not supported: an engine given a non-empty registry refuses it. */
export interface LogitProcessor {
  processLogits: (logits: Float32Array) => Float32Array;
  processSampledToken: (token: number) => void;
  resetState: () => void;
}

export const LOG_LEVELS = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, SILENT: 5 } as const;
export type LogLevel = keyof typeof LOG_LEVELS;

/** CreateMLCEngine's options; the last group is hearth's own. */
export interface MLCEngineConfig {
  appConfig?: AppConfig;
  initProgressCallback?: InitProgressCallback;
  /** Refused when non-empty (LogitProcessor). */
  logitProcessorRegistry?: Map<string, LogitProcessor>;
  logLevel?: LogLevel;
  /** hearth: 'auto' (WebGPU when an adapter can be had, else the CPU), 'webgpu' or 'cpu'. */
  backend?: 'auto' | 'webgpu' | 'cpu';
  /** hearth: CPU threads where the CPU runs the model. */
  threads?: ThreadsOption;
  /** hearth: where downloads are kept ('auto', 'cache-storage', 'opfs', 'fs', 'none'). */
  cache?: CacheKind | 'auto';
  /** hearth: the fs cache's directory (Node). */
  cacheDir?: string;
  /** hearth: what a chat that outgrows the context does ('error', as WebLLM, or 'drop_oldest'). */
  contextOverflow?: ContextOverflow;
}

/** WebLLM's response_format: JSON mode with an optional schema given as JSON text, or an EBNF
 * grammar (hearth reads it as GBNF, the llama.cpp dialect XGrammar's EBNF also accepts). hearth's
 * own shapes (json_schema with an object schema) are accepted too. */
export type ResponseFormat =
  | { type: 'text'; schema?: undefined; grammar?: undefined }
  | { type: 'json_object'; schema?: string | null; grammar?: undefined }
  | { type: 'grammar'; grammar: string; schema?: undefined }
  | Exclude<HearthResponseFormat, { type: 'text' } | { type: 'json_object' } | { type: 'grammar' }>;

/** Per-request generation fields (WebLLM's GenerationConfig), as the request types have them. */
export interface GenerationConfig {
  repetition_penalty?: number | null;
  ignore_eos?: boolean;
  top_p?: number | null;
  temperature?: number | null;
  max_tokens?: number | null;
  frequency_penalty?: number | null;
  presence_penalty?: number | null;
  stop?: string | null | string[];
  n?: number | null;
  logit_bias?: Record<string, number> | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  response_format?: ResponseFormat | null;
  enable_thinking?: boolean | null;
  enable_latency_breakdown?: boolean | null;
}

/** The version string of WebLLM's prebuilt model libraries; hearth has none (kept so code that
 * prints it still runs). */
export const modelVersion = 'hearth-gguf';
/** WebLLM's model-library URL prefix; hearth loads no model libraries. */
export const modelLibURLPrefix = '';
