// The token type shared by the highlighter's lexers, and the sink they write into.

export type TokenClass =
  | 'kw' | 'str' | 'num' | 'com' | 'fn' | 'type' | 'op' | 'punct' | 'plain'
  | 'tag' | 'attr' | 'var' | 'ins' | 'del';

export interface Token {
  text: string;
  cls: TokenClass;
}

/** Collects tokens, merging neighbours of one class so the DOM gets few spans. */
export class TokenSink {
  readonly tokens: Token[] = [];

  push(text: string, cls: TokenClass): void {
    if (text === '') return;
    const last = this.tokens[this.tokens.length - 1];
    if (last && last.cls === cls) last.text += text;
    else this.tokens.push({ text, cls });
  }
}

export function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

export function isLetter(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  if (ch < '\u0080') return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch === '_';
  return /\p{L}/u.test(ch);
}

export function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v';
}

/** End of a numeric literal at i: 0x1F, 1_000, 1.5e-3, suffixes, 2u64. */
export function scanNumber(code: string, i: number): number {
  let j = i;
  if (code[j] === '0' && /[xXbBoO]/.test(code[j + 1] ?? '')) {
    j += 2;
    while (j < code.length && /[0-9a-fA-F_]/.test(code[j]!)) j++;
  } else {
    while (isDigit(code[j]) || code[j] === '_') j++;
    // "1..2" is a range, not a decimal point.
    if (code[j] === '.' && isDigit(code[j + 1])) {
      j++;
      while (isDigit(code[j]) || code[j] === '_') j++;
    }
    if ((code[j] === 'e' || code[j] === 'E') && (isDigit(code[j + 1]) || (/[+-]/.test(code[j + 1] ?? '') && isDigit(code[j + 2])))) {
      j += 2;
      while (isDigit(code[j])) j++;
    }
  }
  // Type suffixes and units (u32, f, L, n, px).
  while (j < code.length && (isLetter(code[j]) || isDigit(code[j]))) j++;
  return j;
}

/** Index of `ch` at or after `from` and before the line ends, or -1 (reads one line at most). */
export function indexInLine(code: string, ch: string, from: number): number {
  for (let j = from; j < code.length; j++) {
    const c = code[j];
    if (c === ch) return j;
    if (c === '\n') return -1;
  }
  return -1;
}
