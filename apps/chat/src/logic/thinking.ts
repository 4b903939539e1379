// Reasoning models (Qwen3, DeepSeek-R1 distills) write their thoughts between <think> and </think>
// before the answer. The app shows them collapsed; while a reply streams the block may be open.

export interface SplitReply {
  /** The thoughts, or null when the reply has none. */
  reasoning: string | null;
  /** Whether the thoughts are still being written (no </think> yet). */
  thinking: boolean;
  /** The text after the thoughts (all of it when there are none). */
  answer: string;
}

const OPEN = '<think>';
const CLOSE = '</think>';

/** Splits a reply into its reasoning and its answer. Only a <think> at the start (after
 * whitespace) opens a block: the tag quoted later in an answer is text. */
export function splitThinking(text: string): SplitReply {
  const start = text.length - text.trimStart().length;
  if (!text.startsWith(OPEN, start)) return { reasoning: null, thinking: false, answer: text };
  const body = start + OPEN.length;
  const end = text.indexOf(CLOSE, body);
  if (end < 0) return { reasoning: text.slice(body).trim(), thinking: true, answer: '' };
  return { reasoning: text.slice(body, end).trim(), thinking: false, answer: text.slice(end + CLOSE.length).replace(/^\s+/, '') };
}
