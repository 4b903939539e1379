// Settings: system prompt, sampling, context, backend and theme. Saved when the dialog's form is
// submitted; the backend and context size apply at the next model load (the dialog says so).
import { DEFAULT_SETTINGS, LIMITS, sanitizeSettings, type Settings } from '../logic/settings.ts';
import { closeOnBackdrop, dialogFrame, field, formValues, select, showModal } from './dialog.ts';
import { h } from './dom.ts';

type NumberKey = keyof typeof LIMITS;

const STEPS: Record<NumberKey, number> = { temperature: 0.05, topP: 0.01, topK: 1, minP: 0.01, maxTokens: 1, contextSize: 256 };
const LABELS: Record<NumberKey, [string, string]> = {
  temperature: ['Temperature', '0 always picks the likeliest token; higher is more varied'],
  topP: ['Top-p', 'keep the likeliest tokens that make up this much probability'],
  topK: ['Top-k', 'keep this many likeliest tokens (0 = all)'],
  minP: ['Min-p', 'drop tokens less likely than this fraction of the likeliest'],
  maxTokens: ['Max tokens', 'the longest a reply may be'],
  contextSize: ['Context size', 'tokens the model can see; 0 = the model\'s own up to 4096 (applies at the next load)'],
};

export class SettingsDialog {
  readonly #dialog: HTMLDialogElement;
  readonly #onSave: (s: Settings) => void;

  constructor(dialog: HTMLDialogElement, onSave: (s: Settings) => void) {
    this.#dialog = dialog;
    this.#onSave = onSave;
    closeOnBackdrop(dialog);
  }

  open(s: Settings): void {
    const form = h('form', { class: 'settings-form', attrs: { method: 'dialog', 'data-testid': 'settings-form' } });
    const system = h('textarea', { attrs: { name: 'systemPrompt', rows: 3, placeholder: 'e.g. You are a concise assistant.' } });
    system.value = s.systemPrompt;
    form.append(field('System prompt', system, 'sent before every conversation'));
    const grid = h('div', { class: 'settings-grid' });
    for (const key of Object.keys(LIMITS) as NumberKey[]) {
      const [lo, hi] = LIMITS[key];
      const input = h('input', { attrs: { type: 'number', name: key, min: lo, max: hi, step: STEPS[key], value: String(s[key]) } });
      grid.append(field(LABELS[key][0], input, LABELS[key][1]));
    }
    form.append(grid);
    form.append(h('div', { class: 'settings-grid' },
      field('When the context is full', select('contextOverflow', s.contextOverflow, [['drop_oldest', 'drop the oldest messages'], ['error', 'stop with an error']]), 'what a long conversation does'),
      field('Backend', select('backend', s.backend, [['auto', 'Auto (WebGPU, else CPU)'], ['webgpu', 'WebGPU'], ['cpu', 'CPU']]), 'applies at the next load'),
      field('Theme', select('theme', s.theme, [['system', 'As the system'], ['light', 'Light'], ['dark', 'Dark']]), ''),
    ));
    form.append(h('div', { class: 'dialog-buttons' },
      h('button', { class: 'button', attrs: { type: 'button' }, text: 'Reset to defaults', on: { click: () => this.open({ ...DEFAULT_SETTINGS }) } }),
      h('button', { class: 'button primary', attrs: { type: 'submit', 'data-testid': 'settings-save' }, text: 'Save' })));
    form.addEventListener('submit', () => this.#onSave(sanitizeSettings(formValues(form))));
    dialogFrame(this.#dialog, 'Settings', form);
    showModal(this.#dialog);
  }
}
