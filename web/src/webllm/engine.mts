// WebLLM's MLCEngine and CreateMLCEngine: the engine in the page (or Node), one HearthEngine per
// loaded model. Several models can be loaded at once (requests name one in `model`).
import { HearthEngine } from '../openai/hearth_engine.mjs';
import { samplingOptions } from '../openai/openai_engine.mjs';
import type { ChatOptions, MLCEngineConfig } from './config.mjs';
import { EngineFront, type BackendOptions, type ModelBackend } from './front.mjs';
import type { ModelLoad } from './model_load.mjs';

export class MLCEngine extends EngineFront {
  protected readonly maxModels = Number.POSITIVE_INFINITY;
  readonly #engines = new Map<string, HearthEngine>();

  constructor(engineConfig: MLCEngineConfig = {}) {
    super(engineConfig);
  }

  protected async loadBackend(load: ModelLoad, options: BackendOptions): Promise<ModelBackend> {
    const engine = new HearthEngine(options);
    await engine.reload(load.record);
    this.#engines.set(load.modelId, engine);
    return engine;
  }

  override async unload(): Promise<void> {
    await super.unload();
    this.#engines.clear();
  }

  /**
   * WebLLM's low-level step: feeds `inputIds` after the tokens fed so far (since the load or the
   * last resetChat) and samples the next token with the model's chat options (temperature, top_p,
   * penalties). The sampled token is not fed: pass it back in the next call to continue. Returns
   * the model's end-of-generation token id when it samples one.
   */
  async forwardTokensAndSample(inputIds: number[], isPrefill: boolean, modelId?: string): Promise<number> {
    void isPrefill; // WebLLM uses it for its statistics only
    const m = this.model(modelId, 'forwardTokensAndSample');
    const engine = this.#engines.get(m.load.modelId)!.engine;
    if (!Array.isArray(inputIds) || inputIds.length === 0 || !inputIds.every((t) => Number.isInteger(t) && t >= 0 && t < (engine.info?.n_vocab ?? 0)))
      throw new TypeError('forwardTokensAndSample needs a non-empty array of token ids of this model\'s vocabulary');
    const { value, release } = await this.exclusive(m, async () => {
      const prompt = [...m.tokens, ...inputIds];
      const generation = engine.generate({ prompt, maxTokens: 1, ...samplingOptions(m.load.chatOptions) });
      for await (const _ of generation); // eslint-disable-line @typescript-eslint/no-unused-vars
      m.tokens = prompt;
      return generation.tokens[0] ?? engine.info!.eos_id;
    });
    release();
    return value;
  }
}

/** Creates an MLCEngine and loads `modelId` (one id or several) into it. */
export async function CreateMLCEngine(modelId: string | string[], engineConfig?: MLCEngineConfig, chatOpts?: ChatOptions | ChatOptions[]): Promise<MLCEngine> {
  const engine = new MLCEngine(engineConfig);
  await engine.reload(modelId, chatOpts);
  return engine;
}
