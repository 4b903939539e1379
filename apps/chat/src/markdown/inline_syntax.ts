// Stateless scanners and character classes for inline Markdown: link destinations, entities,
// backtick runs. Each scan is bounded by what it reads, which keeps the parser linear-ish.

// CommonMark lets implementations bound parentheses nesting in a link destination.
const MAX_PAREN_DEPTH = 32;

const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', copy: '\u00a9', reg: '\u00ae',
  trade: '\u2122', hellip: '\u2026', mdash: '\u2014', ndash: '\u2013', times: '\u00d7', divide: '\u00f7',
  deg: '\u00b0', middot: '\u00b7', bull: '\u2022', larr: '\u2190', rarr: '\u2192', laquo: '\u00ab', raquo: '\u00bb',
};

const ASCII_PUNCT = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
const UNICODE_PUNCT = /[\p{P}\p{S}]/u;
const UNICODE_SPACE = /\s/u;

export function isAsciiPunct(ch: string | undefined): boolean {
  return ch !== undefined && ch.length === 1 && ASCII_PUNCT.includes(ch);
}
// Called for every delimiter run: the ASCII cases avoid a regex.
export function isPunct(ch: string): boolean {
  return ch.charCodeAt(0) < 128 ? ASCII_PUNCT.includes(ch) : UNICODE_PUNCT.test(ch);
}
export function isWhitespace(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return UNICODE_SPACE.test(ch);
}
export function isAlnum(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z0-9]/.test(ch);
}

/** Start positions of every maximal backtick run, grouped by run length. */
export function indexBacktickRuns(src: string): Map<number, number[]> {
  const runs = new Map<number, number[]>();
  let i = src.indexOf('`');
  while (i >= 0) {
    let end = i;
    while (src[end] === '`') end++;
    const length = end - i;
    let list = runs.get(length);
    if (!list) runs.set(length, (list = []));
    list.push(i);
    i = src.indexOf('`', end);
  }
  return runs;
}

/** `(destination "title")` after a `]`: the href and the index after `)`, or null. */
export function parseLinkTail(src: string, start: number): { href: string; end: number } | null {
  if (src[start] !== '(') return null;
  let p = skipLinkSpace(src, start + 1);
  let href = '';
  if (src[p] === '<') {
    p++;
    while (p < src.length && src[p] !== '>') {
      const c = src[p]!;
      if (c === '\n' || c === '<') return null;
      if (c === '\\' && isAsciiPunct(src[p + 1])) p++;
      href += src[p];
      p++;
    }
    if (src[p] !== '>') return null;
    p++;
  } else {
    let depth = 0;
    while (p < src.length) {
      const c = src[p]!;
      if (c <= ' ') break;
      if (c === '\\' && isAsciiPunct(src[p + 1])) {
        href += src[p + 1];
        p += 2;
        continue;
      }
      if (c === '(') {
        if (++depth > MAX_PAREN_DEPTH) return null;
      } else if (c === ')') {
        if (depth === 0) break;
        depth--;
      }
      href += c;
      p++;
    }
    if (depth !== 0) return null;
  }
  const afterDest = p;
  p = skipLinkSpace(src, p);
  const quote = src[p];
  if ((quote === '"' || quote === "'") && p > afterDest) {
    // A title is accepted and dropped: the renderer has no use for it.
    p++;
    while (p < src.length && src[p] !== quote) p += src[p] === '\\' ? 2 : 1;
    if (p >= src.length) return null;
    p = skipLinkSpace(src, p + 1);
  }
  if (src[p] !== ')') return null;
  // Entities count in destinations too (CommonMark): "&amp;" in a query string is "&".
  href = href.replace(/&(#?[A-Za-z0-9]{1,31});/g, (whole, body: string) => decodeEntity(body) ?? whole);
  return { href, end: p + 1 };
}

function skipLinkSpace(src: string, p: number): number {
  let newlines = 0;
  while (p < src.length) {
    const c = src[p];
    if (c === '\n') {
      if (++newlines > 1) break;
    } else if (c !== ' ' && c !== '\t') break;
    p++;
  }
  return p;
}

export function decodeEntity(body: string): string | null {
  if (body[0] === '#') {
    const hex = body[1] === 'x' || body[1] === 'X';
    const digits = body.slice(hex ? 2 : 1);
    if (!(hex ? /^[0-9a-fA-F]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)) return null;
    const code = parseInt(digits, hex ? 16 : 10);
    const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
    return valid ? String.fromCodePoint(code) : '\ufffd';
  }
  return Object.hasOwn(ENTITIES, body) ? ENTITIES[body]! : null;
}
