// OpenAI's logprobs shapes from the core's per-step log-probabilities (token ids with raw bytes):
// chat's choices[].logprobs.content[] and the legacy completions' {tokens, token_logprobs, ...}.
// A token's text is its bytes decoded as UTF-8; a token holding part of a character decodes to
// U+FFFD, which is why `bytes` is given too.
import type { StepLogprobs, TokenLogprob } from '../engine.mjs';
import type { ChatLogprobs, CompletionLogprobs } from './types.mjs';

const decoder = new TextDecoder('utf-8', { fatal: false });
const tokenText = (t: TokenLogprob): string => decoder.decode(new Uint8Array(t.bytes));

export function chatLogprobs(steps: readonly StepLogprobs[]): ChatLogprobs {
  return {
    content: steps.map((s) => ({
      token: tokenText(s),
      logprob: s.logprob,
      bytes: s.bytes,
      top_logprobs: s.top.map((t) => ({ token: tokenText(t), logprob: t.logprob, bytes: t.bytes })),
    })),
    refusal: null,
  };
}

/** text_offset: where each token's text starts in the completion text (characters, UTF-16). */
export function completionLogprobs(steps: readonly StepLogprobs[], startOffset = 0): CompletionLogprobs {
  const out: CompletionLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
  let offset = startOffset;
  for (const s of steps) {
    const text = tokenText(s);
    out.tokens.push(text);
    out.token_logprobs.push(s.logprob);
    const top: Record<string, number> = {};
    for (const t of s.top) {
      const k = tokenText(t);
      if (!(k in top)) top[k] = t.logprob; // best first: a later token with the same text keeps the first
    }
    out.top_logprobs.push(top);
    out.text_offset.push(offset);
    offset += text.length;
  }
  return out;
}
