// The message box: Enter sends, Shift+Enter starts a new line; while a reply is written the send
// button is a stop button. Beside it, "Output & tools", and above it a chip naming the format and
// tools in force (a click edits them).
import { h, icon, iconButton } from './dom.ts';

export class Composer {
  readonly #area: HTMLTextAreaElement;
  readonly #button: HTMLButtonElement;
  readonly #chip: HTMLButtonElement;
  #generating = false;

  constructor(root: HTMLFormElement, send: (text: string) => void, stop: () => void, openStructured: () => void) {
    this.#area = h('textarea', { class: 'composer-input', attrs: { rows: 1, placeholder: 'Message', 'aria-label': 'Message', 'data-testid': 'composer-input' } });
    this.#button = h('button', { class: 'send-button', attrs: { type: 'submit', 'data-testid': 'send' } });
    this.#chip = h('button', { class: 'structured-chip', attrs: { type: 'button', hidden: true, 'data-testid': 'structured-chip', title: 'Output & tools' }, on: { click: openStructured } });
    const tools = iconButton('braces', 'Output & tools', openStructured, { class: 'composer-tools', testid: 'open-structured' });
    root.replaceChildren(this.#chip, h('div', { class: 'composer-box' }, tools, this.#area, this.#button));
    const submit = (): void => {
      if (this.#generating) {
        stop();
        return;
      }
      const text = this.#area.value.trim();
      if (!text || this.#button.disabled) return;
      this.#area.value = '';
      this.#grow();
      send(text);
    };
    root.addEventListener('submit', (e) => {
      e.preventDefault();
      submit();
    });
    this.#area.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        if (!this.#generating) submit();
      }
    });
    this.#area.addEventListener('input', () => this.#grow());
    this.set(false, false);
  }

  #grow(): void {
    this.#area.style.height = 'auto';
    this.#area.style.height = `${Math.min(this.#area.scrollHeight, 220)}px`;
  }

  /** ready: a model is loaded; generating: a reply is being written (the button stops it). */
  set(ready: boolean, generating: boolean): void {
    this.#generating = generating;
    this.#button.disabled = !ready && !generating;
    this.#button.replaceChildren(icon(generating ? 'stop' : 'send'), h('span', { class: 'visually-hidden', text: generating ? 'Stop' : 'Send' }));
    this.#button.setAttribute('aria-label', generating ? 'Stop' : 'Send');
    this.#button.title = generating ? 'Stop' : 'Send';
    this.#button.classList.toggle('is-stop', generating);
    this.#button.dataset.testid = generating ? 'stop' : 'send';
    this.#area.placeholder = ready || generating ? 'Message' : 'Load a model to start chatting';
  }

  /** The chip's text ("JSON schema · 1 tool"), or null to hide it (plain chat). */
  setStructured(label: string | null): void {
    this.#chip.hidden = label === null;
    this.#chip.replaceChildren(icon('braces'), h('span', { text: label ?? '' }));
  }

  focus(): void {
    this.#area.focus();
  }
}
