// Context overflow: a prompt that does not fit the context (with room for max_tokens) is an
// OpenAI-style error, code 'context_length_exceeded', before anything is evaluated. Chat requests
// may opt into 'drop_oldest': the oldest non-system turn (a message and what follows it up to the
// next user message) is dropped, and the prompt rendered again, until it fits; a conversation whose
// last turn alone does not fit is still an error.
import type { ChatPrompt, Engine } from '../engine.mjs';
import { InvalidRequestError } from './errors.mjs';
import type { ChatMessage, ContextOverflow } from './types.mjs';

/** Tokens the prompt encodes to, as generate() will encode it (special tokens parsed). */
export function promptTokenCount(engine: Engine, prompt: string, addSpecial: boolean): number {
  return engine.tokenize(prompt, { addSpecial, parseSpecial: true }).length;
}

/** Whether `promptTokens` plus max_tokens (at least one token) fit the engine's context. */
function fits(engine: Engine, promptTokens: number, maxTokens: number | undefined): boolean {
  return promptTokens + Math.max(1, maxTokens ?? 1) <= contextSize(engine);
}

function contextSize(engine: Engine): number {
  const nCtx = engine.info?.n_ctx;
  if (!nCtx) throw new InvalidRequestError(null, 'no model is loaded');
  return nCtx;
}

/** Throws context_length_exceeded (naming `param`) unless the prompt fits. */
export function checkFits(engine: Engine, promptTokens: number, maxTokens: number | undefined, param: string): void {
  if (fits(engine, promptTokens, maxTokens)) return;
  const nCtx = contextSize(engine);
  const asked = maxTokens === undefined ? 'at least 1 token to generate' : `max_tokens ${maxTokens}`;
  throw new InvalidRequestError(
    param,
    `This model's maximum context length is ${nCtx} tokens. However, the prompt is ${promptTokens} tokens and ${asked} ` +
      `(${promptTokens + Math.max(1, maxTokens ?? 1)} in all). Shorten the prompt or max_tokens` +
      (param === 'messages' ? ", or set context_overflow: 'drop_oldest'." : '.'),
    'context_length_exceeded',
  );
}

export interface ChatFit {
  prompt: ChatPrompt;
  /** Messages dropped to make it fit. */
  dropped: number;
}

/** Renders the chat prompt; under 'drop_oldest' drops the oldest turns until it fits. */
export function fitChat(engine: Engine, messages: readonly ChatMessage[], render: (m: readonly ChatMessage[]) => ChatPrompt,
  maxTokens: number | undefined, policy: ContextOverflow): ChatFit {
  let kept = messages;
  for (;;) {
    const prompt = render(kept);
    const n = promptTokenCount(engine, prompt.prompt, prompt.addSpecial);
    if (fits(engine, n, maxTokens)) return { prompt, dropped: messages.length - kept.length };
    const next = policy === 'drop_oldest' ? dropOldestTurn(kept) : null;
    if (!next) checkFits(engine, n, maxTokens, 'messages');
    kept = next!;
  }
}

/** The messages less their oldest non-system turn; null when only the last turn is left. */
function dropOldestTurn(messages: readonly ChatMessage[]): ChatMessage[] | null {
  const first = messages.findIndex((m) => m.role !== 'system' && m.role !== 'developer');
  if (first < 0) return null;
  let end = first + 1;
  while (end < messages.length && messages[end]!.role !== 'user') end++;
  if (end >= messages.length) return null; // the turn to drop is the last one
  return [...messages.slice(0, first), ...messages.slice(end)];
}
