// The errors WebLLM throws where hearth's WebLLM layer meets the same case, by WebLLM's class
// names (error.name), so code that checks `err.name === 'ModelNotFoundError'` keeps working. Each is
// also a HearthError with a `type` (instanceof HearthError, err.type), as every hearth error is.
// Errors from the engine itself (invalid requests, load failures) stay hearth's: InvalidRequestError
// names the bad field in `param`.
import { HearthError, type HearthErrorType } from '../errors.mjs';

class WebLLMError extends HearthError {
  constructor(name: string, type: HearthErrorType, message: string) {
    super(type, message);
    this.name = name;
  }
}

export class ModelNotFoundError extends WebLLMError {
  constructor(modelId: string) {
    super('ModelNotFoundError', 'invalid_argument',
      `Cannot find model record in appConfig for ${modelId}. Please check if the model ID is correct and included in the model_list ` +
      "configuration (hearth's prebuiltAppConfig lists WebLLM's ids of the models it has as GGUF files; any other GGUF file can be " +
      'given as a record whose `model` is its URL).');
  }
}

export class ModelNotLoadedError extends WebLLMError {
  constructor(requestName: string) {
    super('ModelNotLoadedError', 'invalid_argument',
      `Model not loaded before trying to complete ${requestName}. Please ensure you have called \`MLCEngine.reload(model)\` to load the model.`);
  }
}

export class UnclearModelToUseError extends WebLLMError {
  constructor(loaded: readonly string[], requestName: string) {
    super('UnclearModelToUseError', 'invalid_argument',
      `Multiple models are loaded in engine. Please specify the model in ${requestName}. Currently loaded models are: ${loaded.join(', ')}`);
  }
}

export class SpecifiedModelNotFoundError extends WebLLMError {
  constructor(loaded: readonly string[], requested: string, requestName: string) {
    super('SpecifiedModelNotFoundError', 'invalid_argument',
      `Specified model ${requested} for ${requestName} is not found in loaded models. Currently loaded models are: ${loaded.join(', ')}`);
  }
}

export class ReloadArgumentSizeUnmatchedError extends WebLLMError {
  constructor(models: number, chatOpts: number) {
    super('ReloadArgumentSizeUnmatchedError', 'invalid_argument',
      `Expect chatOpts, if specified, to match the size of modelId. However, got ${models} modelId, but ${chatOpts} chatOpts.`);
  }
}

export class EmbeddingUnsupportedModelError extends WebLLMError {
  constructor(modelId: string) {
    super('EmbeddingUnsupportedModelError', 'not_implemented',
      `Trying to run embeddings.create() with ${modelId}, which is a language model: load an embedding model (a GGUF with a pooling type, e.g. bge, nomic-embed-text, Qwen3-Embedding).`);
  }
}

export class MLCWeightsNotSupportedError extends WebLLMError {
  constructor(modelId: string, url: string) {
    super('MLCWeightsNotSupportedError', 'unsupported',
      `The record of ${modelId} points at ${url}, MLC-compiled weights; hearth runs GGUF files. Give the record a \`model\` that is a ` +
      '.gguf URL (e.g. https://huggingface.co/<user>/<repo>/resolve/main/<file>.gguf) or use one of prebuiltAppConfig\'s ids.');
  }
}
