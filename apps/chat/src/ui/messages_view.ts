// The conversation: one article a turn. User turns are plain text; replies are Markdown (built as
// DOM nodes, never HTML) with their reasoning collapsed and their numbers underneath. Streaming
// updates re-render only the reply being written.
import { renderMarkdownInto } from '../markdown/render.ts';
import { pendingToolCalls, type Conversation, type Turn, type TurnToolCall } from '../logic/conversation.ts';
import { statsLine } from '../logic/format.ts';
import { h, iconButton } from './dom.ts';
import { callsText, jsonBlock, toolCallCards, toolResultBody, toolResultsForm } from './tool_calls_view.ts';

export interface TurnActions {
  copy(text: string): void;
  /** A user turn edited: the conversation continues from it (later turns replaced). */
  edit(turn: Turn, text: string): void;
  regenerate(turn: Turn): void;
  delete(turn: Turn): void;
  /** The person's results for the last reply's calls. */
  sendToolResults(results: { call: TurnToolCall; content: string }[]): void;
}

export class MessagesView {
  readonly #root: HTMLElement;
  readonly #actions: TurnActions;
  readonly #articles = new Map<string, HTMLElement>();
  #editing: string | null = null;
  readonly #copy = (text: string): void => this.#actions.copy(text);

  constructor(root: HTMLElement, actions: TurnActions) {
    this.#root = root;
    this.#actions = actions;
  }

  /** Whether the view is scrolled (nearly) to the end: streaming keeps it there, else leaves it. */
  #atEnd(): boolean {
    const r = this.#root;
    return r.scrollHeight - r.scrollTop - r.clientHeight < 80;
  }

  scrollToEnd(): void {
    this.#root.scrollTop = this.#root.scrollHeight;
  }

  render(conv: Conversation | null, generating: boolean, empty: Node): void {
    this.#articles.clear();
    if (!conv || conv.turns.length === 0) {
      this.#root.replaceChildren(empty);
      return;
    }
    const lastReply = [...conv.turns].reverse().find((t) => t.role === 'assistant');
    const column = h('div', { class: 'turns' });
    for (const t of conv.turns) {
      const a = this.#article(t, generating, t === lastReply);
      this.#articles.set(t.id, a);
      column.append(a);
    }
    const pending = generating ? [] : pendingToolCalls(conv.turns);
    if (pending.length) column.append(toolResultsForm(pending, (r) => this.#actions.sendToolResults(r)));
    this.#root.replaceChildren(column);
    this.scrollToEnd();
  }

  /** Re-renders one turn (a reply as it streams). */
  update(turn: Turn, generating: boolean, isLastReply: boolean): void {
    const old = this.#articles.get(turn.id);
    if (!old) return;
    const stick = this.#atEnd();
    const a = this.#article(turn, generating, isLastReply);
    old.replaceWith(a);
    this.#articles.set(turn.id, a);
    if (stick) this.scrollToEnd();
  }

  #article(t: Turn, generating: boolean, isLastReply: boolean): HTMLElement {
    const a = h('article', { class: `turn turn-${t.role}${t.status ? ` is-${t.status}` : ''}`, attrs: { 'data-turn-id': t.id, 'data-role': t.role } });
    a.append(h('div', { class: 'turn-who', text: t.role === 'user' ? 'You' : t.role === 'tool' ? 'Tool' : 'Assistant' }));
    if (this.#editing === t.id) {
      a.append(this.#editor(t));
      return a;
    }
    a.append(t.role === 'user' ? h('div', { class: 'turn-body user-text', text: t.content }) : t.role === 'tool' ? toolResultBody(t, this.#copy) : this.#replyBody(t));
    if (t.status === 'error' && t.error) a.append(h('div', { class: 'turn-error', attrs: { role: 'alert' }, text: t.error }));
    if (t.stats) a.append(h('div', { class: 'turn-stats', attrs: { 'data-testid': 'reply-stats' }, text: statsLine(t.stats) }));
    else if (t.status === 'generating') a.append(h('div', { class: 'turn-stats pending', text: 'Writing…' }));
    if (!generating || t.status !== 'generating') a.append(this.#toolbar(t, generating, isLastReply));
    return a;
  }

  #replyBody(t: Turn): HTMLElement {
    const body = h('div', { class: 'turn-body markdown' });
    if (t.reasoning) {
      const thinking = t.status === 'generating' && t.content === '' && !t.toolCalls;
      const details = h('details', { class: 'reasoning' }, h('summary', { text: thinking ? 'Thinking…' : 'Reasoning' }));
      details.append(h('div', { class: 'reasoning-text', text: t.reasoning.trim() }));
      body.append(details);
    }
    const answer = h('div', { class: 'answer' });
    if (t.json && t.content) answer.append(jsonBlock(t.content, t.status !== 'generating', this.#copy));
    else renderMarkdownInto(answer, t.content, { onCopy: this.#copy });
    body.append(answer);
    if (t.toolCalls?.length) body.append(toolCallCards(t.toolCalls, this.#copy));
    if (t.status === 'generating') body.append(h('span', { class: 'cursor', attrs: { 'aria-hidden': 'true' } }));
    return body;
  }

  #toolbar(t: Turn, generating: boolean, isLastReply: boolean): HTMLElement {
    const bar = h('div', { class: 'turn-actions' });
    bar.append(iconButton('copy', 'Copy', () => this.#actions.copy(t.content || (t.toolCalls ? callsText(t.toolCalls) : '')), { testid: 'copy' }));
    if (t.role === 'user' && !generating)
      bar.append(iconButton('edit', 'Edit', () => this.#startEdit(t), { testid: 'edit' }));
    if (t.role === 'assistant' && isLastReply && !generating)
      bar.append(iconButton('retry', 'Regenerate', () => this.#actions.regenerate(t), { testid: 'regenerate' }));
    if (!generating) bar.append(iconButton('trash', 'Delete', () => this.#actions.delete(t), { testid: 'delete' }));
    return bar;
  }

  #startEdit(t: Turn): void {
    this.#editing = t.id;
    this.update(t, false, false);
    this.#articles.get(t.id)?.querySelector('textarea')?.focus();
  }

  #editor(t: Turn): HTMLElement {
    const area = h('textarea', { class: 'edit-area', attrs: { rows: 3, 'aria-label': 'Edit your message' } });
    area.value = t.content;
    const done = (): void => {
      this.#editing = null;
    };
    const save = (): void => {
      const text = area.value.trim();
      done();
      if (text) this.#actions.edit(t, text);
      else this.update(t, false, false);
    };
    area.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        save();
      } else if (e.key === 'Escape') {
        done();
        this.update(t, false, false);
      }
    });
    return h('div', { class: 'turn-edit' }, area, h('div', { class: 'edit-buttons' },
      h('button', { class: 'button', attrs: { type: 'button' }, text: 'Cancel', on: { click: () => { done(); this.update(t, false, false); } } }),
      h('button', { class: 'button primary', attrs: { type: 'button', 'data-testid': 'save-edit' }, text: 'Save & send', on: { click: save } }),
    ));
  }
}
