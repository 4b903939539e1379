// WebLLM's cache functions over hearth's download cache. A model is one GGUF file in hearth, so
// there is no separate chat config or wasm library to keep: deleteChatConfigInCache and
// deleteModelWasmInCache have nothing to delete and resolve.
import { deleteModelFromCache, hasModelInCache as hearthHasModel } from '../download/index.mjs';
import type { AppConfig } from './config.mjs';
import { modelLoad } from './model_load.mjs';

/** Whether `modelId`'s file (from appConfig's model_list, else prebuiltAppConfig's) is completely
 * in the cache. */
export async function hasModelInCache(modelId: string, appConfig?: AppConfig): Promise<boolean> {
  return hearthHasModel(modelLoad(modelId, appConfig, undefined).record);
}

/** Removes `modelId`'s file from the cache, a partial download included. */
export async function deleteModelInCache(modelId: string, appConfig?: AppConfig): Promise<void> {
  await deleteModelFromCache(modelLoad(modelId, appConfig, undefined).record);
}

/** Everything cached for `modelId`: in hearth, its file. */
export async function deleteModelAllInfoInCache(modelId: string, appConfig?: AppConfig): Promise<void> {
  await deleteModelInCache(modelId, appConfig);
}

export async function deleteChatConfigInCache(modelId: string, appConfig?: AppConfig): Promise<void> {
  modelLoad(modelId, appConfig, undefined); // an unknown id is still an error
}

export async function deleteModelWasmInCache(modelId: string, appConfig?: AppConfig): Promise<void> {
  modelLoad(modelId, appConfig, undefined);
}
