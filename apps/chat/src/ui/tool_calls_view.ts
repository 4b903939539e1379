// What structured replies look like: a JSON reply as a highlighted JSON block, the calls a reply made
// as cards (the function and its arguments), a tool turn as the result it carried, and under the
// last reply a form where the person answers its calls (hearth runs no tools itself: the person, or
// the page embedding the engine, is the tool).
import type { Turn, TurnToolCall } from '../logic/conversation.ts';
import { renderMarkdown } from '../markdown/render.ts';
import { h } from './dom.ts';

/** JSON text pretty-printed when it parses (a streaming reply does not yet: shown as written). */
export function prettyJson(text: string): string {
  return isJson(text) ? JSON.stringify(JSON.parse(text), null, 2) : text;
}

/** A reply's calls as the Copy button gives them: [{name, arguments}] with the arguments parsed
 * where they parse (an imported file may hold any string). */
export function callsText(calls: readonly TurnToolCall[]): string {
  return JSON.stringify(calls.map((c) => ({ name: c.name, arguments: isJson(c.arguments) ? JSON.parse(c.arguments) as unknown : c.arguments })), null, 2);
}

/** `text` as a JSON code block (with its Copy button). */
export function jsonBlock(text: string, closed: boolean, onCopy: (text: string) => void): Node {
  return renderMarkdown([{ kind: 'code', lang: 'json', text: closed ? prettyJson(text) : text, closed }], document, { onCopy });
}

export function toolCallCards(calls: readonly TurnToolCall[], onCopy: (text: string) => void): HTMLElement {
  return h('div', { class: 'tool-calls', attrs: { 'data-testid': 'tool-calls' } }, ...calls.map((c) =>
    h('div', { class: 'tool-call', attrs: { 'data-call-id': c.id } },
      h('div', { class: 'tool-call-head' }, h('span', { class: 'tool-call-label', text: 'Calls' }), h('code', { class: 'tool-call-name', text: c.name })),
      jsonBlock(c.arguments, true, onCopy))));
}

/** A tool turn: which call it answers and what it said. */
export function toolResultBody(t: Turn, onCopy: (text: string) => void): HTMLElement {
  return h('div', { class: 'turn-body markdown tool-result' },
    h('div', { class: 'tool-call-head' }, h('span', { class: 'tool-call-label', text: 'Result of' }), h('code', { class: 'tool-call-name', text: t.name ?? 'a call' })),
    isJson(t.content) ? jsonBlock(t.content, true, onCopy) : h('div', { class: 'user-text', text: t.content }));
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** One box a pending call, then "Send results": the model continues with them. */
export function toolResultsForm(calls: readonly TurnToolCall[], send: (results: { call: TurnToolCall; content: string }[]) => void): HTMLElement {
  const areas = calls.map((c) => {
    const area = h('textarea', { class: 'tool-result-input', attrs: { rows: 2, placeholder: 'e.g. {"temperature": 21, "sky": "clear"}', 'aria-label': `Result of ${c.name}`, 'data-testid': 'tool-result-input' } });
    return { call: c, area };
  });
  const form = h('form', { class: 'tool-results', attrs: { 'data-testid': 'tool-results' } },
    h('p', { class: 'tool-results-hint', text: calls.length === 1 ? 'The model asked for a result. Write what the call returns and send it:' : `The model asked for ${calls.length} results. Write what each call returns and send them:` }),
    ...areas.map(({ call, area }) => h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Result of ', h('code', { text: call.name })), area)),
    h('div', { class: 'edit-buttons' }, h('button', { class: 'button primary', attrs: { type: 'submit', 'data-testid': 'send-tool-results' }, text: calls.length === 1 ? 'Send result' : 'Send results' })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    send(areas.map(({ call, area }) => ({ call, content: area.value.trim() || '{}' })));
  });
  return form;
}
