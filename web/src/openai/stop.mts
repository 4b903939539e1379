// Stop strings: cuts generated text at the first occurrence of any stop string and never lets out
// a piece of one. Text that could still become the start of a stop string (a suffix of what was
// pushed that is a prefix of some stop string) is held back until later text resolves it.
// Done here, over the text of each step, so it works the same whatever executes the model.
import { firstMarker, heldFrom } from './markers.mjs';

export class StopMatcher {
  readonly #stops: readonly string[];
  #held = '';
  #matched = false;

  constructor(stops: readonly string[]) {
    this.#stops = stops;
  }

  get matched(): boolean {
    return this.#matched;
  }

  /** The text now safe to emit; after a match, the text before the stop string (matched is set). */
  push(text: string): string {
    if (this.#matched) return '';
    const held = this.#held + text;
    const first = firstMarker(held, this.#stops);
    if (first >= 0) {
      this.#held = '';
      this.#matched = true;
      return held.slice(0, first);
    }
    const cut = heldFrom(held, this.#stops);
    this.#held = held.slice(cut);
    return held.slice(0, cut);
  }

  /** The held-back text, once the generation ended without a match. */
  flush(): string {
    const out = this.#held;
    this.#held = '';
    return out;
  }
}
