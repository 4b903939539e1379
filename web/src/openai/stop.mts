// Stop strings: cuts generated text at the first occurrence of any stop string and never lets out
// a piece of one. Text that could still become the start of a stop string (a suffix of what was
// pushed that is a prefix of some stop string) is held back until later text resolves it.
// Done here, over the text of each step, so it works the same whatever executes the model.
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
    let first = -1;
    for (const s of this.#stops) {
      const i = held.indexOf(s);
      if (i >= 0 && (first < 0 || i < first)) first = i;
    }
    if (first >= 0) {
      this.#held = '';
      this.#matched = true;
      return held.slice(0, first);
    }
    // keep the longest suffix of held that is a proper prefix of some stop string
    let keep = 0;
    for (const s of this.#stops) {
      for (let n = Math.min(s.length - 1, held.length); n > keep; n--) {
        if (held.endsWith(s.slice(0, n))) {
          keep = n;
          break;
        }
      }
    }
    // never split a UTF-16 surrogate pair: hold its high half too
    let cut = held.length - keep;
    if (cut > 0 && cut < held.length) {
      const c = held.charCodeAt(cut - 1);
      if (c >= 0xd800 && c <= 0xdbff) cut--;
    }
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
