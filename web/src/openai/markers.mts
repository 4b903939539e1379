// Finding marker strings (stop strings, </think>, tool-call openings) in text that streams in
// pieces: where the first one starts, and how much of the end must be held back because it may
// still grow into one.

/** Where the earliest occurrence of any of `markers` starts in `text`, or -1. */
export function firstMarker(text: string, markers: readonly string[]): number {
  let first = -1;
  for (const m of markers) {
    const at = text.indexOf(m);
    if (at >= 0 && (first < 0 || at < first)) first = at;
  }
  return first;
}

/** Where `text` stops being safe to emit: the start of its longest suffix that is a proper prefix
 * of a marker (text.length when none is). Never inside a UTF-16 surrogate pair. */
export function heldFrom(text: string, markers: readonly string[]): number {
  let keep = 0;
  for (const m of markers) {
    for (let n = Math.min(m.length - 1, text.length); n > keep; n--) {
      if (text.endsWith(m.slice(0, n))) {
        keep = n;
        break;
      }
    }
  }
  let cut = text.length - keep;
  if (cut > 0 && cut < text.length) {
    const c = text.charCodeAt(cut - 1);
    if (c >= 0xd800 && c <= 0xdbff) cut--;
  }
  return cut;
}
