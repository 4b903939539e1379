// A conversation as the app keeps it (IndexedDB, export files), and what is computed from one:
// its title, whether it matches a search, the messages a request sends.
import type { ChatMessage } from 'hearth';

import type { ReplyStats } from './format.ts';
import { sanitizeStructured, type StructuredOptions } from './structured.ts';
import { splitThinking } from './thinking.ts';

/** 'tool': the result of a call, as the person answered it. */
export type TurnRole = 'user' | 'assistant' | 'tool';

/** A function call the model made (arguments: the JSON text the engine returned). */
export interface TurnToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface Turn {
  id: string;
  role: TurnRole;
  content: string;
  /** Replies: what a reasoning model thought first (its <think> block). */
  reasoning?: string;
  /** Replies: the calls it made instead of (or after) its text. */
  toolCalls?: TurnToolCall[];
  /** Tool turns: the call this answers, and its function's name. */
  toolCallId?: string;
  name?: string;
  /** Replies written under a JSON output format: shown as JSON, not Markdown. */
  json?: boolean;
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
  /** The output format and tools every request of this conversation uses (absent: plain chat). */
  structured?: StructuredOptions;
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
    const hay = `${c.title}\n${c.turns.map((t) => [t.content, ...(t.toolCalls ?? []).map((x) => `${x.name} ${x.arguments}`)].join('\n')).join('\n')}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** The OpenAI messages for a request: the system prompt, then every finished turn (failed replies
 * and empty ones are left out: the model never said them). Calls and their results go back as
 * tool_calls and tool messages, reasoning as reasoning_content (templates that drop it drop it). */
export function requestMessages(turns: readonly Turn[], systemPrompt: string): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (systemPrompt.trim()) messages.push({ role: 'system', content: systemPrompt });
  const answered = new Set<string>();
  for (const t of turns) {
    if (t.role === 'user') messages.push({ role: 'user', content: t.content });
    else if (t.role === 'tool') {
      if (t.toolCallId && answered.has(t.toolCallId)) messages.push({ role: 'tool', tool_call_id: t.toolCallId, content: t.content });
    } else {
      const calls = t.toolCalls ?? [];
      if (t.status === 'error' || t.status === 'generating' || (t.content === '' && calls.length === 0)) continue;
      for (const c of calls) answered.add(c.id);
      messages.push({
        role: 'assistant',
        content: t.content === '' && calls.length > 0 ? null : t.content,
        ...(calls.length ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })) } : {}),
        ...(t.reasoning ? { reasoning_content: t.reasoning } : {}),
      });
    }
  }
  return messages;
}

/** The calls of the last reply that have no result yet (the person is asked for them). */
export function pendingToolCalls(turns: readonly Turn[]): TurnToolCall[] {
  let last = turns.length - 1;
  while (last >= 0 && turns[last]!.role !== 'assistant') last--;
  const reply = turns[last];
  if (!reply?.toolCalls?.length || reply.status === 'error' || reply.status === 'generating') return [];
  const done = new Set(turns.slice(last + 1).filter((t) => t.role === 'tool').map((t) => t.toolCallId));
  return reply.toolCalls.filter((c) => !done.has(c.id));
}

/** A stored or imported reply written before the engine split reasoning out: its <think> block
 * moves to `reasoning`. */
export function normalizeTurn(t: Turn): Turn {
  if (t.role !== 'assistant' || t.reasoning !== undefined) return t;
  const { reasoning, answer } = splitThinking(t.content);
  return reasoning === null ? t : { ...t, reasoning, content: answer };
}

/** A conversation as Markdown, for people: a heading, then each turn under its speaker. */
export function toMarkdown(c: Conversation): string {
  const lines = [`# ${c.title}`, '', `_${new Date(c.created).toISOString()}_`, ''];
  for (const t of c.turns) {
    if (t.role === 'tool') {
      lines.push(`## Result of ${t.name ?? 'a tool'}`, '', fenced(t.content), '');
      continue;
    }
    lines.push(`## ${t.role === 'user' ? 'You' : 'Assistant'}`, '');
    if (t.reasoning) lines.push(...t.reasoning.split('\n').map((l) => `> ${l}`), '');
    lines.push(t.json ? fenced(t.content, 'json') : t.content, '');
    for (const call of t.toolCalls ?? []) lines.push(`Calls \`${call.name}\`:`, '', fenced(call.arguments, 'json'), '');
  }
  return lines.join('\n');
}

/** `text` in a code fence longer than any backtick run inside it. */
function fenced(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
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
      const bad = new Error(`conversation ${i + 1}, message ${j + 1} is malformed`);
      if (!isObj(t) || (t.role !== 'user' && t.role !== 'assistant' && t.role !== 'tool') || typeof t.content !== 'string') throw bad;
      const turn: Turn = { id: typeof t.id === 'string' ? t.id : newId(), role: t.role, content: t.content };
      if (t.status === 'done' || t.status === 'stopped' || t.status === 'error') turn.status = t.status;
      if (t.status === 'generating') turn.status = 'stopped';
      if (typeof t.error === 'string') turn.error = t.error;
      if (isObj(t.stats)) turn.stats = t.stats as unknown as ReplyStats;
      if (t.role === 'assistant') {
        if (typeof t.reasoning === 'string') turn.reasoning = t.reasoning;
        if (t.json === true) turn.json = true;
        if (t.toolCalls !== undefined) {
          if (!Array.isArray(t.toolCalls) || !t.toolCalls.every((x) => isObj(x) && typeof x.id === 'string' && typeof x.name === 'string' && typeof x.arguments === 'string')) throw bad;
          turn.toolCalls = t.toolCalls.map((x) => ({ id: x.id as string, name: x.name as string, arguments: x.arguments as string }));
        }
      }
      if (t.role === 'tool') {
        if (typeof t.toolCallId !== 'string') throw bad;
        turn.toolCallId = t.toolCallId;
        if (typeof t.name === 'string') turn.name = t.name;
      }
      return normalizeTurn(turn);
    });
    const created = typeof c.created === 'number' ? c.created : Date.now();
    return {
      id: c.id,
      title: typeof c.title === 'string' && c.title.trim() ? c.title : titleFrom(turns[0]?.content ?? ''),
      created,
      updated: typeof c.updated === 'number' ? c.updated : created,
      turns,
      ...(c.structured !== undefined ? { structured: sanitizeStructured(c.structured) } : {}),
    };
  });
}
