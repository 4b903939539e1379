// The model side of the app: which model is loaded or loading, from where, and the picker that
// chooses it. The one owner of the EngineClient and the model's state; the chat asks it for the
// engine and is told when the state changes.
import { deleteModelFromCache, listCachedModels, modelCatalog, type WorkerModel } from 'hearth';
import { EngineClient, type LoadProgress } from './engine/engine_client.ts';
import { explainError, type Explained } from './logic/errors.ts';
import { formatBytes } from './logic/format.ts';
import { budgetMB, fitOf, type DeviceInfo, type PickerRecord } from './logic/models.ts';
import type { Settings } from './logic/settings.ts';
import { saveLastModel } from './store/settings_store.ts';
import { ModelsDialog, type CachedEntry } from './ui/models_dialog.ts';
import type { StatusView } from './ui/status_view.ts';

export type ModelState =
  | { kind: 'none' }
  | { kind: 'loading'; label: string; progress: LoadProgress }
  | { kind: 'ready'; label: string; backend: 'cpu' | 'webgpu'; nCtx: number }
  | { kind: 'error'; label: string; error: Explained };

/** What a load names: kept so a failed or lost model can be loaded again. */
type ModelRef = { kind: 'record'; record: PickerRecord } | { kind: 'url'; url: string } | { kind: 'file'; file: File };

export class ModelController {
  readonly engine = new EngineClient();
  state: ModelState = { kind: 'none' };
  #ref: ModelRef | null = null;
  readonly #dialog: ModelsDialog;
  readonly #status: StatusView;
  readonly #onChange: () => void;
  readonly #settings: () => Settings;
  readonly defaultModel: PickerRecord | null;
  readonly device: DeviceInfo;

  constructor(opts: { dialog: HTMLDialogElement; status: StatusView; defaultModel: PickerRecord | null; device: DeviceInfo; settings: () => Settings; onChange: () => void }) {
    this.#status = opts.status;
    this.#onChange = opts.onChange;
    this.#settings = opts.settings;
    this.defaultModel = opts.defaultModel;
    this.device = opts.device;
    this.#dialog = new ModelsDialog(opts.dialog, {
      loadRecord: (r) => this.#confirmFit(r),
      loadUrl: (url) => void this.load({ kind: 'url', url }),
      loadFile: (file) => void this.load({ kind: 'file', file }),
      deleteCached: (c) => void this.#deleteCached(c),
    });
  }

  get ready(): boolean {
    return this.state.kind === 'ready';
  }

  /** The default model, or the last one used where it is a catalog model already downloaded. */
  async loadInitial(lastModel: string | null): Promise<void> {
    const record = lastModel ? [this.defaultModel, ...modelCatalog].find((r) => r && (r.model_id === lastModel || r.url === lastModel)) : null;
    if (record && record !== this.defaultModel) {
      const cached = await this.#cached();
      if (cached.some((c) => c.complete && c.url === record.url)) return this.load({ kind: 'record', record });
    }
    if (this.defaultModel) return this.load({ kind: 'record', record: this.defaultModel });
    this.#setState({ kind: 'none' });
  }

  async openPicker(): Promise<void> {
    this.#dialog.open(await this.#dialogData());
  }

  async #dialogData() {
    const [cached, storage] = await Promise.all([this.#cached(), navigator.storage?.estimate?.().catch(() => null) ?? null]);
    return {
      defaultModel: this.defaultModel,
      catalog: modelCatalog,
      device: this.device,
      cached,
      storage: storage && storage.quota ? { usage: storage.usage ?? 0, quota: storage.quota } : null,
      loadedId: this.state.kind === 'ready' ? this.state.label : null,
    };
  }

  async #cached(): Promise<CachedEntry[]> {
    try {
      return await listCachedModels();
    } catch {
      return [];
    }
  }

  /** Too little memory is said before a download starts, from the catalog's numbers. */
  #confirmFit(record: PickerRecord): void {
    if (fitOf(record, this.device) !== 'too_big') {
      void this.load({ kind: 'record', record });
      return;
    }
    this.#dialog.close();
    this.#status.error({
      title: `${record.model_id} is likely too large for this device`,
      detail: `It needs about ${formatBytes(record.vram_required_MB * 1e6)} of memory; this device looks like it has about ${formatBytes(budgetMB(this.device) * 1e6)} for it (an estimate: browsers do not report GPU memory).`,
      reload: false,
    }, [
      { label: 'Download anyway', testid: 'load-anyway', run: () => void this.load({ kind: 'record', record }) },
      { label: 'Choose another', primary: true, run: () => void this.openPicker() },
    ]);
  }

  async #deleteCached(c: CachedEntry): Promise<void> {
    try {
      await deleteModelFromCache(c.url);
      this.#status.toast(`Deleted ${c.model_id ?? 'the download'}`);
    } catch (e) {
      this.#status.toast(`Could not delete: ${(e as Error).message}`);
    }
    if (this.#dialog.isOpen) this.#dialog.render(await this.#dialogData());
  }

  /** Loads the last model again (after a lost GPU, a dropped download, a changed backend). */
  reloadCurrent(): void {
    if (this.#ref) void this.load(this.#ref);
    else void this.openPicker();
  }

  async load(ref: ModelRef): Promise<void> {
    this.#dialog.close();
    this.#ref = ref;
    const label = ref.kind === 'record' ? ref.record.model_id : ref.kind === 'file' ? ref.file.name : decodeURIComponent(ref.url.split('/').pop() ?? ref.url);
    const model: WorkerModel = ref.kind === 'record' ? { ...ref.record } : ref.kind === 'file' ? ref.file : ref.url;
    const s = this.#settings();
    this.#setState({ kind: 'loading', label, progress: { fraction: 0, text: 'Starting' } });
    try {
      const info = await this.engine.load(model, { backend: s.backend, nCtx: s.contextSize }, (progress) => {
        if (this.state.kind === 'loading') this.#setState({ kind: 'loading', label, progress });
      });
      saveLastModel(ref.kind === 'record' ? ref.record.model_id : ref.kind === 'url' ? ref.url : null);
      this.#setState({ kind: 'ready', label: info.model_id === 'model' ? label : info.model_id, backend: info.backend, nCtx: info.n_ctx });
    } catch (e) {
      if (this.#ref !== ref) return; // a newer load replaced this one
      this.#setState({ kind: 'error', label, error: explainError(e) });
    }
  }

  /** The GPU was lost mid-reply: the worker is replaced at the next load. */
  deviceLost(e: unknown): void {
    this.engine.reset();
    this.#setState({ kind: 'error', label: this.state.kind === 'ready' ? this.state.label : 'the model', error: explainError(e) });
  }

  #setState(s: ModelState): void {
    this.state = s;
    this.#render();
    this.#onChange();
  }

  #render(): void {
    const s = this.state;
    switch (s.kind) {
      case 'none':
        this.#status.message('idle', 'No model loaded', 'Choose one from the catalog, open a .gguf file, or paste a link to one.', [
          { label: 'Choose a model', primary: true, testid: 'choose-model', run: () => void this.openPicker() }]);
        return;
      case 'loading':
        this.#status.loading(s.label, s.progress, () => this.engine.cancelLoad());
        return;
      case 'ready':
        this.#status.clear();
        return;
      case 'error':
        this.#status.error(s.error, [
          ...(s.error.reload ? [{ label: 'Load again', primary: true, testid: 'reload-model', run: () => this.reloadCurrent() }] : []),
          { label: 'Choose a model', testid: 'choose-model', run: () => void this.openPicker() },
        ]);
    }
  }
}
