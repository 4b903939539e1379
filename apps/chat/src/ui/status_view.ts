// What the app is doing, in plain words, above the conversation: no model yet, a load in progress
// (bytes, speed, time left, cancel), a load that failed (why, and what to do), and standing notices
// (offline, no WebGPU, chats kept for this tab only). Toasts say that something small happened.
import type { LoadProgress } from '../engine/engine_client.ts';
import type { Explained } from '../logic/errors.ts';
import { downloadLine } from '../logic/format.ts';
import { h } from './dom.ts';

export interface StatusButton {
  label: string;
  primary?: boolean;
  testid?: string;
  run(): void;
}

export class StatusView {
  readonly #status: HTMLElement;
  readonly #notices: HTMLElement;
  readonly #toasts: HTMLElement;
  readonly #standing = new Map<string, HTMLElement>();

  constructor(status: HTMLElement, notices: HTMLElement, toasts: HTMLElement) {
    this.#status = status;
    this.#notices = notices;
    this.#toasts = toasts;
  }

  clear(): void {
    this.#status.replaceChildren();
    this.#status.hidden = true;
  }

  #show(kind: string, ...children: (Node | null)[]): void {
    this.#status.hidden = false;
    this.#status.className = `status status-${kind}`;
    this.#status.dataset.state = kind;
    this.#status.replaceChildren(...children.filter((c): c is Node => c !== null));
  }

  message(kind: 'idle' | 'info', title: string, detail: string, buttons: StatusButton[] = []): void {
    this.#show(kind, h('div', { class: 'status-text' }, h('strong', { text: title }), h('span', { text: detail })), buttonRow(buttons));
  }

  loading(label: string, p: LoadProgress, onCancel: () => void): void {
    const pct = Math.round(100 * Math.min(1, Math.max(0, p.fraction)));
    const bar = h('div', { class: 'progress', attrs: { role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': pct, 'aria-label': `Loading ${label}` } },
      h('div', { class: 'progress-fill', attrs: { style: `width: ${pct}%` } }));
    const d = p.download;
    const line = d && d.total > 0 && d.loaded < d.total ? downloadLine(d.loaded, d.total, d.bytesPerSecond, d.etaSeconds) : p.text;
    this.#show('loading',
      h('div', { class: 'status-text' }, h('strong', { text: `${d && d.loaded < d.total ? 'Downloading' : 'Loading'} ${label} · ${pct}%` }),
        h('span', { attrs: { 'data-testid': 'load-progress' }, text: line })),
      bar,
      buttonRow([{ label: 'Cancel', testid: 'cancel-load', run: onCancel }]));
  }

  error(e: Explained, buttons: StatusButton[]): void {
    this.#show('error', h('div', { class: 'status-text', attrs: { role: 'alert' } },
      h('strong', { attrs: { 'data-testid': 'error-title' }, text: e.title }), h('span', { attrs: { 'data-testid': 'error-detail' }, text: e.detail })), buttonRow(buttons));
  }

  /** A notice that stays until removed (by key). */
  notice(key: string, text: string | null, buttons: StatusButton[] = []): void {
    this.#standing.get(key)?.remove();
    this.#standing.delete(key);
    if (text === null) return;
    const el = h('div', { class: 'notice', attrs: { 'data-notice': key, role: 'status' } }, h('span', { text }), buttonRow(buttons));
    this.#standing.set(key, el);
    this.#notices.append(el);
  }

  toast(text: string): void {
    const el = h('div', { class: 'toast', attrs: { role: 'status' }, text });
    this.#toasts.append(el);
    setTimeout(() => el.remove(), 2500);
  }
}

function buttonRow(buttons: StatusButton[]): HTMLElement | null {
  if (buttons.length === 0) return null;
  return h('div', { class: 'status-buttons' }, ...buttons.map((b) =>
    h('button', { class: `button${b.primary ? ' primary' : ''}`, attrs: { type: 'button', 'data-testid': b.testid }, text: b.label, on: { click: () => b.run() } })));
}
