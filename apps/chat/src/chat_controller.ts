// The chat side of the app: the conversations (one owner: this), the reply being written, and the
// actions on turns. Replies stream from the model controller's engine; every change is saved.
import {
  importConversations, newConversation, newId, normalizeTurn, requestMessages, titleFrom, toExportJson, toMarkdown, type Conversation, type Turn,
} from './logic/conversation.ts';
import { explainError } from './logic/errors.ts';
import type { ReplyStats } from './logic/format.ts';
import { samplingFields, type Settings } from './logic/settings.ts';
import { checkStructured, PLAIN, repliesAreJson, structuredFields, type StructuredOptions } from './logic/structured.ts';
import type { ModelController } from './model_controller.ts';
import type { ConversationStore } from './store/conversations_db.ts';
import type { Composer } from './ui/composer.ts';
import { h } from './ui/dom.ts';
import { MessagesView } from './ui/messages_view.ts';
import { SidebarView } from './ui/sidebar_view.ts';
import type { StatusView } from './ui/status_view.ts';

export class ChatController {
  #conversations: Conversation[] = [];
  #current: Conversation | null = null;
  #reply: { controller: AbortController; turn: Turn } | null = null;
  #frame = 0;
  readonly #store: ConversationStore;
  readonly #models: ModelController;
  readonly #status: StatusView;
  readonly #settings: () => Settings;
  readonly #messages: MessagesView;
  readonly #sidebar: SidebarView;
  #composer: Composer | null = null;
  /** The output and tools the next new chat starts with (a conversation keeps its own). */
  #nextStructured: StructuredOptions = { ...PLAIN };
  readonly #onStructured: () => void;
  readonly #empty: () => Node;
  readonly #onSelect: () => void;

  constructor(opts: {
    store: ConversationStore; models: ModelController; status: StatusView; settings: () => Settings;
    messagesRoot: HTMLElement; sidebarRoot: HTMLElement; empty: () => Node; onSelect: () => void;
    /** The current conversation's output and tools changed (or another conversation was chosen). */
    onStructured: () => void;
  }) {
    this.#onStructured = opts.onStructured;
    this.#store = opts.store;
    this.#models = opts.models;
    this.#status = opts.status;
    this.#settings = opts.settings;
    this.#empty = opts.empty;
    this.#onSelect = opts.onSelect;
    this.#messages = new MessagesView(opts.messagesRoot, {
      copy: (text) => void this.copy(text),
      edit: (t, text) => void this.#edit(t, text),
      regenerate: (t) => void this.#regenerate(t),
      delete: (t) => void this.#deleteTurn(t),
      sendToolResults: (results) => void this.#sendToolResults(results),
    });
    this.#sidebar = new SidebarView(opts.sidebarRoot, {
      newChat: () => this.newChat(),
      select: (id) => this.select(id),
      delete: (id) => void this.#deleteConversation(id),
      exportJson: () => download('hearth-chats.json', 'application/json', toExportJson(this.#conversations)),
      exportMarkdown: () => download('hearth-chats.md', 'text/markdown', this.#conversations.map(toMarkdown).join('\n---\n\n')),
      importFile: (f) => void this.#import(f),
    });
  }

  set composer(c: Composer) {
    this.#composer = c;
  }

  get generating(): boolean {
    return this.#reply !== null;
  }

  async start(): Promise<void> {
    this.#conversations = await this.#store.all();
    // a reply cut off by a closed tab is not still being written
    for (const c of this.#conversations) {
      c.turns = c.turns.map(normalizeTurn);
      for (const t of c.turns) if (t.status === 'generating') t.status = 'stopped';
    }
    this.#current = [...this.#conversations].sort((a, b) => b.updated - a.updated)[0] ?? null;
    this.#draw();
  }

  newChat(): void {
    if (this.generating) this.stop();
    this.#current = null;
    this.#draw();
    this.#onSelect();
  }

  select(id: string): void {
    if (this.generating) this.stop();
    this.#current = this.#conversations.find((c) => c.id === id) ?? null;
    this.#draw();
    this.#onSelect();
  }

  #draw(): void {
    this.#messages.render(this.#current, this.generating, this.#empty());
    this.#sidebar.show(this.#conversations, this.#current?.id ?? null);
    this.#composer?.set(this.#models.ready, this.generating);
    this.#onStructured();
  }

  /** The output format and tools of the conversation shown (or of the next new one). */
  get structured(): StructuredOptions {
    return this.#current?.structured ?? this.#nextStructured;
  }

  /** Sets them for the conversation shown (checked by the dialog first: see checkStructured). */
  setStructured(o: StructuredOptions): void {
    const c = this.#current;
    if (c) {
      c.structured = { ...o };
      void this.#save(c);
    } else this.#nextStructured = { ...o };
    this.#onStructured();
  }

  refreshComposer(): void {
    this.#composer?.set(this.#models.ready, this.generating);
  }

  async #save(c: Conversation): Promise<void> {
    c.updated = Date.now();
    try {
      await this.#store.put(c);
    } catch (e) {
      this.#status.toast(`Could not save the chat: ${(e as Error).message}`);
    }
  }

  async send(text: string): Promise<void> {
    if (this.generating) return;
    if (!this.#models.ready) {
      void this.#models.openPicker();
      return;
    }
    let c = this.#current;
    if (!c) {
      c = newConversation();
      // the options set before the first message belong to this chat; the next new chat starts plain
      if (this.#nextStructured.output !== 'text' || this.#nextStructured.tools.trim()) c.structured = { ...this.#nextStructured };
      this.#nextStructured = { ...PLAIN };
      this.#conversations.push(c);
      this.#current = c;
    }
    if (c.turns.length === 0) c.title = titleFrom(text);
    c.turns.push({ id: newId(), role: 'user', content: text });
    await this.#writeReply(c);
  }

  stop(): void {
    this.#reply?.controller.abort();
  }

  /** Writes a new reply at the end of `c`. */
  async #writeReply(c: Conversation): Promise<void> {
    const s = this.#settings();
    const messages = requestMessages(c.turns, s.systemPrompt);
    const structured = c.structured ?? PLAIN;
    const turn: Turn = { id: newId(), role: 'assistant', content: '', status: 'generating', ...(repliesAreJson(structured) ? { json: true } : {}) };
    c.turns.push(turn);
    const controller = new AbortController();
    this.#reply = { controller, turn };
    this.#draw();
    void this.#save(c);
    const loaded = this.#models.engine.loaded;
    try {
      // a fresh seed a reply: the engine's default seed is fixed, and regenerate must give another reply
      const seed = Math.floor(Math.random() * 2 ** 31);
      const problems = checkStructured(structured);
      if (problems.length) throw new Error(`${problems[0]!.message} (Output & tools)`);
      const request = { messages, ...samplingFields(s), ...structuredFields(structured), seed };
      const stream = await this.#models.engine.chat(request, controller.signal);
      let finish: ReplyStats['finish'] = 'stop';
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        const delta = choice?.delta;
        if (delta?.reasoning_content) turn.reasoning = (turn.reasoning ?? '') + delta.reasoning_content;
        if (delta?.content) turn.content += delta.content;
        for (const call of delta?.tool_calls ?? []) (turn.toolCalls ??= []).push({ id: call.id, name: call.function.name, arguments: call.function.arguments });
        if (delta?.reasoning_content || delta?.content || delta?.tool_calls) this.#scheduleUpdate(c, turn);
        if (choice?.finish_reason) finish = choice.finish_reason;
        if (chunk.usage && loaded) {
          const u = chunk.usage;
          turn.stats = {
            backend: loaded.backend, model: loaded.model_id, finish,
            prompt_tokens: u.prompt_tokens, cached_tokens: u.prompt_tokens_details.cached_tokens, completion_tokens: u.completion_tokens,
            time_to_first_token_s: u.extra.time_to_first_token_s, prefill_tokens_per_s: u.extra.prefill_tokens_per_s,
            decode_tokens_per_s: u.extra.decode_tokens_per_s,
            ...(u.extra.dropped_messages ? { dropped_messages: u.extra.dropped_messages } : {}),
          };
        }
      }
      turn.status = finish === 'abort' ? 'stopped' : 'done';
    } catch (e) {
      const why = explainError(e);
      turn.status = 'error';
      turn.error = `${why.title}. ${why.detail}`;
      if ((e as { type?: string }).type === 'device_lost') this.#models.deviceLost(e);
    } finally {
      this.#reply = null;
      // the frame pending, if any, is replaced by the full draw; 0 lets the next reply schedule its own
      cancelAnimationFrame(this.#frame);
      this.#frame = 0;
      this.#draw();
      await this.#save(c);
    }
  }

  /** Streaming re-renders the reply at most once a frame. */
  #scheduleUpdate(c: Conversation, turn: Turn): void {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      if (this.#current === c) this.#messages.update(turn, true, true);
    });
  }

  /** The person's answers to the last reply's calls: each becomes a tool turn, then the model goes on. */
  async #sendToolResults(results: { call: { id: string; name: string }; content: string }[]): Promise<void> {
    const c = this.#current;
    if (!c || this.generating || results.length === 0) return;
    if (!this.#models.ready) return void this.#models.openPicker();
    for (const r of results) c.turns.push({ id: newId(), role: 'tool', toolCallId: r.call.id, name: r.call.name, content: r.content });
    await this.#writeReply(c);
  }

  async #regenerate(t: Turn): Promise<void> {
    const c = this.#current;
    if (!c || this.generating) return;
    if (!this.#models.ready) return void this.#models.openPicker();
    const i = c.turns.indexOf(t);
    if (i < 0) return;
    c.turns.splice(i);
    await this.#writeReply(c);
  }

  async #edit(t: Turn, text: string): Promise<void> {
    const c = this.#current;
    if (!c || this.generating) return;
    const i = c.turns.indexOf(t);
    if (i < 0) return;
    t.content = text;
    c.turns.splice(i + 1);
    if (i === 0) c.title = titleFrom(text);
    if (!this.#models.ready) {
      this.#draw();
      await this.#save(c);
      return void this.#models.openPicker();
    }
    await this.#writeReply(c);
  }

  async #deleteTurn(t: Turn): Promise<void> {
    const c = this.#current;
    if (!c || this.generating) return;
    c.turns = c.turns.filter((x) => x !== t);
    this.#draw();
    await this.#save(c);
  }

  async #deleteConversation(id: string): Promise<void> {
    if (this.#current?.id === id && this.generating) this.stop();
    this.#conversations = this.#conversations.filter((c) => c.id !== id);
    if (this.#current?.id === id) this.#current = null;
    this.#draw();
    await this.#store.delete(id).catch(() => undefined);
  }

  async #import(file: File): Promise<void> {
    try {
      const list = importConversations(await file.text());
      for (const c of list) {
        this.#conversations = this.#conversations.filter((x) => x.id !== c.id);
        this.#conversations.push(c);
        await this.#store.put(c);
      }
      this.#current = list[0] ?? this.#current;
      this.#draw();
      this.#status.toast(`Imported ${list.length} chat${list.length === 1 ? '' : 's'}`);
    } catch (e) {
      this.#status.toast(`Could not import ${file.name}: ${(e as Error).message}`);
    }
  }

  async copy(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.#status.toast('Copied');
    } catch {
      this.#status.toast('The browser refused the clipboard');
    }
  }
}

function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { attrs: { href: url, download: name } });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
