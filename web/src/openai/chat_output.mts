// A chat reply's text split, as it streams, into reasoning (a <think> block), content and tool calls.
//
//   reasoning  the output opens with <think> (or the prompt already did): everything up to </think>
//   content    what follows, streamed as it comes, except text that may be the start of a call
//              marker: held back until it is known not to be one
//   calls      from the first call marker (tool_choice 'auto') or from the start ('required' or a
//              named function) to the end, parsed once the reply is complete
//
// Text that looked like a call but does not parse as one goes back into the content: the reply is
// then what the model wrote, never a call invented from it.
import { firstMarker, heldFrom } from './markers.mjs';
import type { ParsedCall, ToolFormat } from './tool_formats.mjs';

export const THINK_OPEN = '<think>';
export const THINK_CLOSE = '</think>';

export interface OutputDelta {
  reasoning?: string;
  content?: string;
}

export interface OutputEnd {
  delta: OutputDelta;
  /** The parsed calls; null when the reply holds none. */
  calls: ParsedCall[] | null;
}

export interface ChatOutputOptions {
  /** The tool format to look for; null: no tools. */
  format: ToolFormat | null;
  /** 'required': the whole reply (after any reasoning) is calls; 'auto': calls open at a trigger. */
  calls: 'auto' | 'required' | null;
  /** The prompt ended inside an open <think> block (DeepSeek-R1's generation prompt). */
  reasoningOpen: boolean;
}

type Phase = 'start' | 'reasoning' | 'content' | 'calls';

export class ChatOutput {
  #opts: ChatOutputOptions;
  #phase: Phase;
  #held = ''; // text not yet emitted (phase start, reasoning, content) or the calls' text
  #reasoning = '';
  #content = '';
  #afterReasoning = false; // strip the blank lines after </think>

  constructor(opts: ChatOutputOptions) {
    this.#opts = opts;
    this.#phase = opts.reasoningOpen ? 'reasoning' : 'start';
  }

  /** All reasoning emitted so far, and all content (for getMessage()). */
  get reasoning(): string { return this.#reasoning; }
  get content(): string { return this.#content; }

  push(text: string): OutputDelta {
    this.#held += text;
    return this.#advance(false);
  }

  finish(): OutputEnd {
    const delta = this.#advance(true);
    let calls: ParsedCall[] | null = null;
    if (this.#phase === 'calls' && this.#opts.format) {
      calls = this.#opts.format.parse(this.#held);
      if (!calls) this.#emitContent(delta, this.#held);
      this.#held = '';
    }
    return { delta, calls };
  }

  #advance(end: boolean): OutputDelta {
    const delta: OutputDelta = {};
    for (;;) {
      const before = this.#phase;
      if (this.#phase === 'start') this.#start(end);
      if (this.#phase === 'reasoning') this.#reason(delta, end);
      if (this.#phase === 'content') this.#contentStep(delta, end);
      if (this.#phase === before || this.#phase === 'calls') break;
    }
    return delta;
  }

  #start(end: boolean): void {
    const t = this.#held.trimStart();
    if (t.startsWith(THINK_OPEN)) {
      this.#held = t.slice(THINK_OPEN.length);
      this.#phase = 'reasoning';
    } else if (end || !(THINK_OPEN.startsWith(t))) {
      this.#phase = this.#callsFromStart() ? 'calls' : 'content';
    }
  }

  #callsFromStart(): boolean {
    return this.#opts.calls === 'required' && this.#opts.format !== null;
  }

  #reason(delta: OutputDelta, end: boolean): void {
    const at = this.#held.indexOf(THINK_CLOSE);
    if (at >= 0) {
      this.#emitReasoning(delta, this.#held.slice(0, at));
      this.#held = this.#held.slice(at + THINK_CLOSE.length);
      this.#afterReasoning = true;
      this.#phase = this.#callsFromStart() ? 'calls' : 'content';
      return;
    }
    const safe = end ? this.#held.length : heldFrom(this.#held, [THINK_CLOSE]);
    this.#emitReasoning(delta, this.#held.slice(0, safe));
    this.#held = this.#held.slice(safe);
  }

  #contentStep(delta: OutputDelta, end: boolean): void {
    if (this.#afterReasoning) {
      const t = this.#held.trimStart();
      if (t === '' && !end) { this.#held = ''; return; }
      this.#held = t;
      this.#afterReasoning = false;
    }
    const triggers = this.#opts.calls === 'auto' && this.#opts.format ? this.#opts.format.triggers : [];
    const first = firstMarker(this.#held, triggers);
    if (first >= 0) {
      this.#emitContent(delta, this.#held.slice(0, first));
      this.#held = this.#held.slice(first);
      this.#phase = 'calls';
      return;
    }
    const safe = end ? this.#held.length : heldFrom(this.#held, triggers);
    this.#emitContent(delta, this.#held.slice(0, safe));
    this.#held = this.#held.slice(safe);
  }

  #emitReasoning(delta: OutputDelta, text: string): void {
    if (!text) return;
    // the newline that opens a <think> block is layout, not thought
    if (this.#reasoning === '') text = text.replace(/^\n/, '');
    if (!text) return;
    this.#reasoning += text;
    delta.reasoning = (delta.reasoning ?? '') + text;
  }

  #emitContent(delta: OutputDelta, text: string): void {
    if (!text) return;
    this.#content += text;
    delta.content = (delta.content ?? '') + text;
  }
}
