// A conversation as the app keeps it (IndexedDB, export files), and what is computed from one:
// its title, whether it matches a search, the messages a request sends.
import type { ReplyStats } from './format.ts';

export type TurnRole = 'user' | 'assistant';

export interface Turn {
  id: string;
  role: TurnRole;
  content: string;
  /** Replies: 'done', 'stopped' (the user stopped it), 'error' (see error), 'generating'. */
  status?: 'done' | 'stopped' | 'error' | 'generating';
  error?: string;
  stats?: ReplyStats;
}

export interface Conversation {
  id: string;
  title: string;
  /** ms since the epoch */
  created: number;
  updated: number;
  turns: Turn[];
}

export const newId = (): string => globalThis.crypto.randomUUID();

export function newConversation(now = Date.now()): Conversation {
  return { id: newId(), title: 'New chat', created: now, updated: now, turns: [] };
}

/** A title from the first user message: its first line, at most 60 characters at a word break. */
export function titleFrom(text: string): string {
  const line = text.trim().split(/\r?\n/)[0]?.trim() ?? '';
  if (!line) return 'New chat';
  if (line.length <= 60) return line;
  const cut = line.slice(0, 60);
  const space = cut.lastIndexOf(' ');
  return `${(space > 30 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Conversations whose title or text contains every word of `query` (case-insensitive), newest
 * first; an empty query matches all. */
export function searchConversations(list: readonly Conversation[], query: string): Conversation[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const sorted = [...list].sort((a, b) => b.updated - a.updated);
  if (words.length === 0) return sorted;
  return sorted.filter((c) => {
    const hay = `${c.title}\n${c.turns.map((t) => t.content).join('\n')}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** The OpenAI messages for a request: the system prompt, then every finished turn (failed replies
 * and empty ones are left out: the model never said them). */
export function requestMessages(turns: readonly Turn[], systemPrompt: string): { role: 'system' | TurnRole; content: string }[] {
  const messages: { role: 'system' | TurnRole; content: string }[] = [];
  if (systemPrompt.trim()) messages.push({ role: 'system', content: systemPrompt });
  for (const t of turns) {
    if (t.role === 'assistant' && (t.status === 'error' || t.status === 'generating' || t.content === '')) continue;
    messages.push({ role: t.role, content: t.content });
  }
  return messages;
}

/** A conversation as Markdown, for people: a heading, then each turn under its speaker. */
export function toMarkdown(c: Conversation): string {
  const lines = [`# ${c.title}`, '', `_${new Date(c.created).toISOString()}_`, ''];
  for (const t of c.turns) {
    lines.push(`## ${t.role === 'user' ? 'You' : 'Assistant'}`, '', t.content, '');
  }
  return lines.join('\n');
}

export const EXPORT_FORMAT = 'hearth-chat-export';

/** Conversations as JSON, for moving them between browsers (importConversations reads it back). */
export function toExportJson(list: readonly Conversation[]): string {
  return JSON.stringify({ format: EXPORT_FORMAT, version: 1, conversations: list }, null, 2);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The conversations of an export file; throws an Error saying what is wrong with the file. Every
 * field is checked and copied (an import is untrusted input), ids are kept so re-importing the same
 * file replaces rather than duplicates. */
export function importConversations(text: string): Conversation[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error('the file is not JSON');
  }
  if (!isObj(data) || data.format !== EXPORT_FORMAT || !Array.isArray(data.conversations))
    throw new Error(`the file is not a hearth chat export (expected "format": "${EXPORT_FORMAT}")`);
  return data.conversations.map((c, i) => {
    if (!isObj(c) || typeof c.id !== 'string' || !Array.isArray(c.turns)) throw new Error(`conversation ${i + 1} is malformed`);
    const turns: Turn[] = c.turns.map((t, j) => {
      if (!isObj(t) || (t.role !== 'user' && t.role !== 'assistant') || typeof t.content !== 'string')
        throw new Error(`conversation ${i + 1}, message ${j + 1} is malformed`);
      const turn: Turn = { id: typeof t.id === 'string' ? t.id : newId(), role: t.role, content: t.content };
      if (t.status === 'done' || t.status === 'stopped' || t.status === 'error') turn.status = t.status;
      if (t.status === 'generating') turn.status = 'stopped';
      if (typeof t.error === 'string') turn.error = t.error;
      if (isObj(t.stats)) turn.stats = t.stats as unknown as ReplyStats;
      return turn;
    });
    const created = typeof c.created === 'number' ? c.created : Date.now();
    return {
      id: c.id,
      title: typeof c.title === 'string' && c.title.trim() ? c.title : titleFrom(turns[0]?.content ?? ''),
      created,
      updated: typeof c.updated === 'number' ? c.updated : created,
      turns,
    };
  });
}
