// The model picker: the app's default model, the built-in catalog grouped by family (size, memory
// needed, whether it fits, whether it is downloaded), a local .gguf file, a URL, and the downloads
// in the cache with their sizes and a delete button.
import { formatBytes } from '../logic/format.ts';
import { checkModelUrl, fitOf, groupByFamily, type DeviceInfo, type Fit, type PickerRecord } from '../logic/models.ts';
import { h, icon, iconButton } from './dom.ts';
import { closeOnBackdrop, dialogFrame, showModal } from './dialog.ts';

export interface CachedEntry {
  url: string;
  model_id?: string;
  size: number;
  complete: boolean;
}

export interface ModelsDialogData {
  defaultModel: PickerRecord | null;
  catalog: readonly PickerRecord[];
  device: DeviceInfo;
  cached: readonly CachedEntry[];
  storage: { usage: number; quota: number } | null;
  loadedId: string | null;
}

export interface ModelsDialogActions {
  loadRecord(r: PickerRecord): void;
  loadUrl(url: string): void;
  loadFile(file: File): void;
  deleteCached(entry: CachedEntry): void;
}

const FIT_TEXT: Record<Fit, string> = { fits: 'fits this device', tight: 'may not fit', too_big: 'too large for this device' };

export class ModelsDialog {
  readonly #dialog: HTMLDialogElement;
  readonly #body: HTMLElement;
  readonly #actions: ModelsDialogActions;

  constructor(dialog: HTMLDialogElement, actions: ModelsDialogActions) {
    this.#dialog = dialog;
    this.#actions = actions;
    this.#body = dialogFrame(dialog, 'Models');
    closeOnBackdrop(dialog);
  }

  open(data: ModelsDialogData): void {
    this.render(data);
    showModal(this.#dialog);
  }

  close(): void {
    this.#dialog.close();
  }

  get isOpen(): boolean {
    return this.#dialog.open;
  }

  render(d: ModelsDialogData): void {
    const cachedUrls = new Set(d.cached.filter((c) => c.complete).map((c) => c.url));
    const sections: HTMLElement[] = [];
    if (d.defaultModel) {
      sections.push(h('section', { class: 'model-section' },
        h('h3', { text: 'Included with this app' }),
        h('div', { class: 'model-rows' }, this.#row(d.defaultModel, d, cachedUrls, 'default'))));
    }
    sections.push(this.#ownFile(), this.#fromUrl());
    const groups = groupByFamily(d.catalog);
    sections.push(h('section', { class: 'model-section' },
      h('h3', { text: 'Catalog' }),
      h('p', { class: 'muted small', text: d.device.webgpu
        ? 'Memory needs are estimates at a 4k context; browsers do not report GPU memory, so "fits" is judged from the device\'s memory hint.'
        : 'No WebGPU here: models run on the CPU (in wasm, 4 GB at most), much slower than on a GPU. Small models are the ones to try.' }),
      ...groups.map((g) => h('details', { class: 'family', attrs: { open: g.models.some((m) => cachedUrls.has(m.url)) || undefined } },
        h('summary', {}, h('span', { text: g.label }), h('span', { class: 'muted small', text: `${g.models.length} files` })),
        h('div', { class: 'model-rows' }, ...g.models.map((m) => this.#row(m, d, cachedUrls, null)))))));
    sections.push(this.#cache(d));
    this.#body.replaceChildren(...sections);
  }

  #row(m: PickerRecord, d: ModelsDialogData, cachedUrls: ReadonlySet<string>, badge: string | null): HTMLElement {
    const fit = fitOf(m, d.device);
    const cached = cachedUrls.has(m.url);
    const loaded = d.loadedId === m.model_id;
    return h('div', { class: `model-row fit-${fit}`, attrs: { 'data-model-id': m.model_id } },
      h('div', { class: 'model-main' },
        h('div', { class: 'model-name' }, h('span', { text: m.model_id }), badge ? h('span', { class: 'badge', text: badge }) : null,
          cached ? h('span', { class: 'badge ok', text: 'downloaded' }) : null, loaded ? h('span', { class: 'badge ok', text: 'loaded' }) : null),
        h('div', { class: 'model-facts muted small', text:
          `${m.quantization} · ${formatBytes(m.size)} · needs ~${formatBytes(m.vram_required_MB * 1e6)} · ${m.context_length.toLocaleString()} context` }),
        h('div', { class: `fit fit-${fit} small`, text: FIT_TEXT[fit] })),
      h('button', { class: `button${fit === 'too_big' ? '' : ' primary'}`, attrs: { type: 'button', 'data-testid': 'load-model' }, text: loaded ? 'Reload' : cached ? 'Load' : 'Download',
        on: { click: () => this.#actions.loadRecord(m) } }));
  }

  #ownFile(): HTMLElement {
    const input = h('input', { class: 'visually-hidden', attrs: { type: 'file', accept: '.gguf', 'data-testid': 'file-input', tabindex: -1 } });
    input.addEventListener('change', () => {
      const f = input.files?.[0];
      if (f) this.#actions.loadFile(f);
      input.value = '';
    });
    return h('section', { class: 'model-section' },
      h('h3', { text: 'A .gguf file on this device' }),
      h('div', { class: 'row-gap' },
        h('button', { class: 'button', attrs: { type: 'button' }, on: { click: () => input.click() } }, icon('upload'), h('span', { text: 'Open a .gguf file' })),
        h('span', { class: 'muted small', text: 'or drop one anywhere on the page. It is read in place, not uploaded or copied.' })),
      input);
  }

  #fromUrl(): HTMLElement {
    const field = h('input', { class: 'text-input', attrs: { type: 'url', placeholder: 'https://huggingface.co/…/resolve/main/model.gguf', 'aria-label': 'Model URL', 'data-testid': 'url-input' } });
    const err = h('div', { class: 'field-error small', attrs: { role: 'alert' } });
    const go = (e: Event): void => {
      e.preventDefault();
      const u = checkModelUrl(field.value);
      if (u instanceof Error) {
        err.textContent = u.message;
        return;
      }
      err.textContent = '';
      this.#actions.loadUrl(u.href);
    };
    return h('section', { class: 'model-section' },
      h('h3', { text: 'From a URL' }),
      h('form', { class: 'row-gap', on: { submit: go } }, field, h('button', { class: 'button', attrs: { type: 'submit', 'data-testid': 'url-load' }, text: 'Load' })),
      err);
  }

  #cache(d: ModelsDialogData): HTMLElement {
    const rows = d.cached.map((c) => h('div', { class: 'cache-row', attrs: { 'data-url': c.url } },
      h('div', { class: 'model-main' },
        h('div', { class: 'model-name', text: c.model_id ?? decodeURIComponent(c.url.split('/').pop() ?? c.url) }),
        h('div', { class: 'muted small', text: `${formatBytes(c.size)}${c.complete ? '' : ' · partial download (loading it again resumes)'}` })),
      h('button', { class: 'button danger', attrs: { type: 'button', 'data-testid': 'delete-cached' }, text: 'Delete', on: { click: () => this.#actions.deleteCached(c) } })));
    const storage = d.storage ? `${formatBytes(d.storage.usage)} used of ${formatBytes(d.storage.quota)} this site may use` : '';
    return h('section', { class: 'model-section' },
      h('h3', { text: 'Downloaded' }),
      rows.length ? h('div', { class: 'model-rows' }, ...rows) : h('p', { class: 'muted small', text: 'Nothing downloaded yet.' }),
      storage ? h('p', { class: 'muted small', text: storage }) : null);
  }
}
