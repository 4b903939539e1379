// What reload(modelId, chatOpts) loads: the WebLLM record of modelId in the app's model_list (or
// prebuiltAppConfig's), as the hearth catalog record (download/, openModel) plus the engine options
// and sampling defaults its overrides and chatOpts give.
import { modelCatalog } from '../models/catalog.mjs';
import type { ModelRecord as HearthRecord } from '../models/model_record.mjs';
import type { AppConfig, ChatOptions, ModelRecord } from './config.mjs';
import { MLCWeightsNotSupportedError, ModelNotFoundError } from './errors.mjs';
import { prebuiltAppConfig } from './prebuilt.mjs';

export interface ModelLoad {
  /** The WebLLM id requests and responses use. */
  modelId: string;
  record: HearthRecord;
  /** Context size for the engine (0: the engine's default, min(trained, 4096)). */
  nCtx: number;
  chatTemplate?: string;
  /** The record's overrides with chatOpts over them: sampling defaults for requests. */
  chatOptions: ChatOptions;
}

/** An MLC weights repository (not a GGUF file): a Hugging Face repo URL with no file in it, or
 * one ending in -MLC. */
function isMlcRepository(url: string): boolean {
  if (/\.gguf(\?.*)?$/i.test(url)) return false;
  return /-MLC\/?$/i.test(url) || /^https?:\/\/huggingface\.co\/[^/]+\/[^/]+\/?$/i.test(url) || /\/resolve\/[^/]+\/?$/i.test(url);
}

/** A URL relative to the page made absolute, so a worker (whose base is its script) fetches the same. */
function absolute(url: string): string {
  const base = (globalThis as { location?: { href?: string } }).location?.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url) || !base) return url;
  return new URL(url, base).href;
}

export function modelLoad(modelId: string, appConfig: AppConfig | undefined, chatOpts: ChatOptions | undefined): ModelLoad {
  const list = appConfig?.model_list ?? prebuiltAppConfig.model_list;
  const record = list.find((r) => r.model_id === modelId);
  if (!record) throw new ModelNotFoundError(modelId);
  return loadOf(record, chatOpts);
}

function loadOf(record: ModelRecord, chatOpts: ChatOptions | undefined): ModelLoad {
  if (typeof record.model !== 'string' || record.model === '') throw new ModelNotFoundError(record.model_id);
  if (isMlcRepository(record.model)) throw new MLCWeightsNotSupportedError(record.model_id, record.model);
  const url = absolute(record.model);
  const catalog = modelCatalog.find((r) => r.url === url);
  const chatOptions: ChatOptions = { ...(record.overrides ?? {}), ...(chatOpts ?? {}) };
  const sha256 = record.sha256 ?? catalog?.sha256;
  const hearth: HearthRecord = {
    model_id: record.model_id,
    url,
    size: catalog?.size ?? 0,
    family: catalog?.family ?? '',
    quantization: catalog?.quantization ?? '',
    context_length: catalog?.context_length ?? 0,
    vram_required_MB: record.vram_required_MB ?? catalog?.vram_required_MB ?? 0,
    ...(sha256 !== undefined ? { sha256 } : {}),
  };
  const window = chatOptions.context_window_size;
  const chatTemplate = chatOptions.chat_template ?? record.chat_template;
  return {
    modelId: record.model_id,
    record: hearth,
    nCtx: typeof window === 'number' && window > 0 ? Math.floor(window) : 0,
    ...(chatTemplate !== undefined ? { chatTemplate } : {}),
    chatOptions,
  };
}
