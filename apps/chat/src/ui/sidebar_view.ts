// The conversation list: new chat, search, one row a conversation (newest first), and import /
// export of all of them. On phones it is a drawer over the chat.
import { searchConversations, type Conversation } from '../logic/conversation.ts';
import { h, icon, iconButton } from './dom.ts';

export interface SidebarActions {
  newChat(): void;
  select(id: string): void;
  delete(id: string): void;
  exportJson(): void;
  exportMarkdown(): void;
  importFile(file: File): void;
}

export class SidebarView {
  readonly #list: HTMLElement;
  readonly #search: HTMLInputElement;
  #conversations: readonly Conversation[] = [];
  #current: string | null = null;
  readonly #actions: SidebarActions;

  constructor(root: HTMLElement, actions: SidebarActions) {
    this.#actions = actions;
    this.#search = h('input', {
      class: 'search',
      attrs: { type: 'search', placeholder: 'Search chats', 'aria-label': 'Search chats', 'data-testid': 'search' },
      on: { input: () => this.#draw() },
    });
    this.#list = h('nav', { class: 'conversation-list', attrs: { 'aria-label': 'Conversations', 'data-testid': 'conversation-list' } });
    const importInput = h('input', { class: 'visually-hidden', attrs: { type: 'file', accept: '.json,application/json', 'data-testid': 'import-input', tabindex: -1 } });
    importInput.addEventListener('change', () => {
      const f = importInput.files?.[0];
      if (f) actions.importFile(f);
      importInput.value = '';
    });
    root.replaceChildren(
      h('div', { class: 'brand' }, h('span', { class: 'brand-mark', attrs: { 'aria-hidden': 'true' } }), h('span', { text: 'hearth' })),
      h('button', { class: 'button primary new-chat', attrs: { type: 'button', 'data-testid': 'new-chat' }, on: { click: () => actions.newChat() } }, icon('plus'), h('span', { text: 'New chat' })),
      h('label', { class: 'search-box' }, icon('search'), this.#search),
      this.#list,
      h('div', { class: 'sidebar-foot' },
        h('button', { class: 'link-button', attrs: { type: 'button', 'data-testid': 'export-json' }, text: 'Export JSON', on: { click: () => actions.exportJson() } }),
        h('button', { class: 'link-button', attrs: { type: 'button', 'data-testid': 'export-md' }, text: 'Export Markdown', on: { click: () => actions.exportMarkdown() } }),
        h('button', { class: 'link-button', attrs: { type: 'button', 'data-testid': 'import' }, text: 'Import', on: { click: () => importInput.click() } }),
        importInput,
      ),
    );
  }

  show(conversations: readonly Conversation[], current: string | null): void {
    this.#conversations = conversations;
    this.#current = current;
    this.#draw();
  }

  #draw(): void {
    const found = searchConversations(this.#conversations, this.#search.value);
    if (found.length === 0) {
      this.#list.replaceChildren(h('p', { class: 'muted small', text: this.#search.value ? 'No chat matches.' : 'No chats yet.' }));
      return;
    }
    this.#list.replaceChildren(...found.map((c) => {
      const row = h('div', { class: `conversation${c.id === this.#current ? ' is-current' : ''}`, attrs: { 'data-conversation-id': c.id } });
      row.append(
        h('button', { class: 'conversation-open', attrs: { type: 'button', title: c.title, 'aria-current': c.id === this.#current ? 'page' : undefined }, on: { click: () => this.#actions.select(c.id) } },
          h('span', { class: 'conversation-title', text: c.title }),
          h('span', { class: 'conversation-date', text: relativeDay(c.updated) })),
        iconButton('trash', `Delete "${c.title}"`, () => this.#actions.delete(c.id), { class: 'conversation-delete' }),
      );
      return row;
    }));
  }
}

function relativeDay(ms: number): string {
  const d = new Date(ms);
  const today = new Date();
  if (d.toDateString() === today.toDateString()) return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return d.toLocaleDateString([], { month: 'short', day: 'numeric' });
}
