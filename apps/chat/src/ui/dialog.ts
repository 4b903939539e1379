// What the app's dialogs share: a frame (a title, a close button, a scrolling body), closing on a
// click on the backdrop, and the form pieces (a labelled field, a select, the values of a form).
import { h, iconButton } from './dom.ts';

/** Closes `dialog` when the click lands on its backdrop (outside its box). */
export function closeOnBackdrop(dialog: HTMLDialogElement): void {
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog) dialog.close();
  });
}

/** Replaces the dialog's contents with its header (`title`, close) and a body holding `body`;
 * returns the body. */
export function dialogFrame(dialog: HTMLDialogElement, title: string, ...body: Node[]): HTMLElement {
  const el = h('div', { class: 'dialog-body' }, ...body);
  dialog.replaceChildren(h('header', { class: 'dialog-head' }, h('h2', { text: title }), iconButton('close', 'Close', () => dialog.close())), el);
  return el;
}

export function showModal(dialog: HTMLDialogElement): void {
  if (!dialog.open) dialog.showModal();
}

export function field(label: string, control: HTMLElement, hint = ''): HTMLElement {
  return h('label', { class: 'field' }, h('span', { class: 'field-label', text: label }), control, hint ? h('span', { class: 'field-hint', text: hint }) : null);
}

export function select(name: string, value: string, options: readonly (readonly [string, string])[], testid?: string): HTMLSelectElement {
  const el = h('select', { attrs: { name, 'data-testid': testid } }, ...options.map(([v, t]) => h('option', { attrs: { value: v, selected: v === value }, text: t })));
  el.value = value;
  return el;
}

/** A form's named values (the last of each name). */
export function formValues(form: HTMLFormElement): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [k, v] of new FormData(form)) raw[k] = v;
  return raw;
}
