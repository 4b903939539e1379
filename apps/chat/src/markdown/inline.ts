// Inline Markdown (code spans, emphasis, links, autolinks, escapes, breaks) for one block's text.
// Follows CommonMark's delimiter-stack algorithm in spirit: nodes live in a linked list so that
// wrapping a run in <strong> or a link is O(1), and every scan either consumes what it reads or
// is bounded, so hostile input (200 KB of `*`, `[` or backticks) stays linear-ish.
// Raw HTML is not a construct here: `<` is literal text unless it starts an autolink.

import type { Inline } from './ast.ts';
import { newNode, toInlines, type Node, type NodeKind } from './inline_nodes.ts';
import { decodeEntity, indexBacktickRuns, isAlnum, isAsciiPunct, isPunct, isWhitespace, parseLinkTail } from './inline_syntax.ts';

const DELIMITER_CHARS = '*_~';

interface Delimiter {
  node: Node;
  char: string;
  count: number;
  orig: number;
  canOpen: boolean;
  canClose: boolean;
  prev: Delimiter | null;
  next: Delimiter | null;
}

interface Bracket {
  node: Node;
  image: boolean;
  delimBottom: Delimiter | null;
  prev: Bracket | null;
}

/** Parses one block's inline content (lines joined by "\n"). */
export function parseInlines(src: string): Inline[] {
  return new InlineParser(src).run();
}

class InlineParser {
  private pos = 0;
  private readonly root = newNode('strong');
  private delimTop: Delimiter | null = null;
  private bracketTop: Bracket | null = null;
  // Backtick runs by length, for finding a code span's closer without rescanning.
  private runsByLength: Map<number, number[]> | null = null;
  private readonly runCursor = new Map<number, number>();

  constructor(private readonly src: string) {}

  run(): Inline[] {
    const src = this.src;
    while (this.pos < src.length) {
      const ch = src[this.pos]!;
      switch (ch) {
        case '\\': this.backslash(); break;
        case '`': this.backticks(); break;
        case '*': case '_': case '~': this.delimiterRun(ch); break;
        case '[': this.openBracket(false, 1); break;
        case '!':
          if (src[this.pos + 1] === '[') this.openBracket(true, 2);
          else this.plainText();
          break;
        case ']': this.closeBracket(); break;
        case '<': if (!this.autolink()) { this.addText('<'); this.pos++; } break;
        case '\n': this.lineBreak(); break;
        case '&': this.entity(); break;
        default: if (!this.bareUrl()) this.plainText();
      }
    }
    this.processEmphasis(null);
    return toInlines(this.root);
  }

  // ---- node list ----

  private append(node: Node): void {
    const root = this.root;
    node.prev = root.last;
    node.next = null;
    if (root.last) root.last.next = node;
    else root.first = node;
    root.last = node;
  }

  private remove(node: Node): void {
    const root = this.root;
    if (node.prev) node.prev.next = node.next;
    else root.first = node.next;
    if (node.next) node.next.prev = node.prev;
    else root.last = node.prev;
    node.prev = node.next = null;
  }

  private addText(text: string): void {
    const last = this.root.last;
    if (last && last.kind === 'text' && !last.special) last.text += text;
    else this.append(newNode('text', text));
  }

  // ---- simple constructs ----

  private plainText(): void {
    const src = this.src;
    const start = this.pos;
    let end = start + 1;
    // Stop at anything that might start a construct; 'h' may start a bare URL.
    while (end < src.length && !'\\`*_~[]!<\n&h'.includes(src[end]!)) end++;
    this.addText(src.slice(start, end));
    this.pos = end;
  }

  private backslash(): void {
    const next = this.src[this.pos + 1];
    if (next === '\n') {
      this.lineBreak(2);
    } else if (isAsciiPunct(next)) {
      this.addText(next!);
      this.pos += 2;
    } else {
      this.addText('\\');
      this.pos++;
    }
  }

  // Every newline in a chat paragraph shows as a line break (hard or soft alike).
  private lineBreak(width = 1): void {
    const last = this.root.last;
    if (last && last.kind === 'text' && !last.special) last.text = last.text.replace(/[ \t]+$/, '');
    this.append(newNode('break'));
    this.pos += width;
    while (this.src[this.pos] === ' ' || this.src[this.pos] === '\t') this.pos++;
  }

  private entity(): void {
    const src = this.src;
    // Bounded look-ahead: an unterminated "&" must not rescan the rest of the input.
    let semi = this.pos + 1;
    while (semi < src.length && semi - this.pos <= 32 && src[semi] !== ';') semi++;
    if (src[semi] === ';' && semi > this.pos + 1) {
      const body = src.slice(this.pos + 1, semi);
      const decoded = decodeEntity(body);
      if (decoded !== null) {
        this.addText(decoded);
        this.pos = semi + 1;
        return;
      }
    }
    this.addText('&');
    this.pos++;
  }

  private backticks(): void {
    const src = this.src;
    const start = this.pos;
    let end = start;
    while (src[end] === '`') end++;
    const length = end - start;
    const closer = this.findBacktickCloser(length, end);
    if (closer < 0) {
      this.addText(src.slice(start, end));
      this.pos = end;
      return;
    }
    let text = src.slice(end, closer).replace(/\n/g, ' ');
    if (text.length >= 2 && text[0] === ' ' && text[text.length - 1] === ' ' && text.trim() !== '') {
      text = text.slice(1, -1);
    }
    this.append(newNode('code', text));
    this.pos = closer + length;
  }

  /** Start of the first backtick run of exactly `length` at or after `from`, or -1. */
  private findBacktickCloser(length: number, from: number): number {
    if (!this.runsByLength) this.runsByLength = indexBacktickRuns(this.src);
    const runs = this.runsByLength.get(length);
    if (!runs) return -1;
    // Lookups only move forward, so a cursor per length keeps the total work linear.
    let i = this.runCursor.get(length) ?? 0;
    while (i < runs.length && runs[i]! < from) i++;
    this.runCursor.set(length, i);
    return i < runs.length ? runs[i]! : -1;
  }

  private delimiterRun(ch: string): void {
    const src = this.src;
    const start = this.pos;
    let end = start;
    while (src[end] === ch) end++;
    const count = end - start;
    this.pos = end;
    // Only `~~` strikes through: a lone `~` is common in chat ("~5 min").
    if (ch === '~' && count !== 2) {
      this.addText(src.slice(start, end));
      return;
    }
    const before = start > 0 ? src[start - 1]! : ' ';
    const after = end < src.length ? src[end]! : ' ';
    const leftFlanking = !isWhitespace(after) && (!isPunct(after) || isWhitespace(before) || isPunct(before));
    const rightFlanking = !isWhitespace(before) && (!isPunct(before) || isWhitespace(after) || isPunct(after));
    let canOpen = leftFlanking;
    let canClose = rightFlanking;
    if (ch === '_') {
      // No emphasis inside words: snake_case_names stay as written.
      canOpen = leftFlanking && (!rightFlanking || isPunct(before));
      canClose = rightFlanking && (!leftFlanking || isPunct(after));
    }
    const node = newNode('text', src.slice(start, end), true);
    this.append(node);
    if (!canOpen && !canClose) return;
    const delim: Delimiter = { node, char: ch, count, orig: count, canOpen, canClose, prev: this.delimTop, next: null };
    if (this.delimTop) this.delimTop.next = delim;
    this.delimTop = delim;
  }

  private removeDelimiter(d: Delimiter): void {
    if (d.prev) d.prev.next = d.next;
    if (d.next) d.next.prev = d.prev;
    if (this.delimTop === d) this.delimTop = d.prev;
  }

  // ---- links ----

  private openBracket(image: boolean, width: number): void {
    const node = newNode('text', image ? '![' : '[', true);
    this.append(node);
    this.bracketTop = { node, image, delimBottom: this.delimTop, prev: this.bracketTop };
    this.pos += width;
  }

  private closeBracket(): void {
    this.pos++;
    const opener = this.bracketTop;
    if (!opener) {
      this.addText(']');
      return;
    }
    const tail = parseLinkTail(this.src, this.pos);
    if (!tail) {
      this.bracketTop = opener.prev;
      this.addText(']');
      return;
    }
    this.processEmphasis(opener.delimBottom);
    // Everything after the bracket becomes the link's text.
    const link = newNode('link');
    link.href = tail.href;
    const first = opener.node.next;
    if (first) {
      link.first = first;
      link.last = this.root.last;
      first.prev = null;
      opener.node.next = null;
      this.root.last = opener.node;
    }
    this.remove(opener.node);
    this.append(link);
    // No links inside links (an image's alt text may hold one, as in CommonMark).
    this.bracketTop = opener.image ? opener.prev : null;
    this.pos = tail.end;
  }

  private autolink(): boolean {
    const src = this.src;
    let p = this.pos + 1;
    const schemeStart = p;
    if (/[A-Za-z]/.test(src[p] ?? '')) {
      while (p < src.length && p - schemeStart < 32 && /[A-Za-z0-9+.-]/.test(src[p]!)) p++;
      if (src[p] === ':' && p - schemeStart >= 2) {
        let q = p + 1;
        while (q < src.length && src[q]! > ' ' && src[q] !== '<' && src[q] !== '>') q++;
        if (src[q] === '>') return this.addAutolink(src.slice(schemeStart, q), src.slice(schemeStart, q), q + 1);
      }
    }
    // <user@example.com>
    p = schemeStart;
    while (p < src.length && /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]/.test(src[p]!)) p++;
    if (p === schemeStart || src[p] !== '@') return false;
    const domainStart = ++p;
    while (p < src.length && /[A-Za-z0-9.-]/.test(src[p]!)) p++;
    if (src[p] !== '>' || p === domainStart) return false;
    const address = src.slice(schemeStart, p);
    return this.addAutolink('mailto:' + address, address, p + 1);
  }

  private addAutolink(href: string, text: string, end: number): true {
    const link = newNode('link');
    link.href = href;
    link.first = link.last = newNode('text', text);
    this.append(link);
    this.pos = end;
    return true;
  }

  /** GFM-style bare http(s):// URLs, trimmed of trailing punctuation. */
  private bareUrl(): boolean {
    const src = this.src;
    const start = this.pos;
    if (src[start] !== 'h') return false;
    if (!src.startsWith('http://', start) && !src.startsWith('https://', start)) return false;
    const before = start > 0 ? src[start - 1]! : ' ';
    if (!isWhitespace(before) && !'*_~(\'"'.includes(before)) return false;
    let end = start;
    let opens = 0;
    let closes = 0;
    while (end < src.length) {
      const c = src[end]!;
      if (c <= ' ' || '<>[]`'.includes(c) || isWhitespace(c)) break;
      if (c === '(') opens++;
      else if (c === ')') closes++;
      end++;
    }
    for (;;) {
      const c = src[end - 1]!;
      if ('?!.,:;*_~\'"'.includes(c)) end--;
      else if (c === ')' && closes > opens) { end--; closes--; }
      else break;
    }
    const url = src.slice(start, end);
    if (!isAlnum(url[url.indexOf('//') + 2])) return false;
    return this.addAutolink(url, url, end);
  }

  // ---- emphasis ----

  /** Matches `*`, `_` and `~~` delimiters above `bottom`, then drops them from the stack. */
  private processEmphasis(bottom: Delimiter | null): void {
    let closer = this.delimTop;
    if (closer === bottom) closer = null;
    while (closer && closer.prev !== bottom) closer = closer.prev;
    // Where the search for an opener may stop, per kind of closer (CommonMark's openers_bottom).
    const openersBottom: (Delimiter | null | undefined)[] = [];
    while (closer) {
      if (!closer.canClose) {
        closer = closer.next;
        continue;
      }
      const key = DELIMITER_CHARS.indexOf(closer.char) * 6 + (closer.canOpen ? 3 : 0) + (closer.orig % 3);
      const floor = openersBottom[key];
      let opener = closer.prev;
      while (opener && opener !== bottom && opener !== floor) {
        if (opener.char === closer.char && opener.canOpen) {
          // The "rule of 3": keeps `*foo**bar*` from pairing the wrong runs.
          const both = closer.canOpen || opener.canClose;
          const odd = both && (opener.orig + closer.orig) % 3 === 0 && !(opener.orig % 3 === 0 && closer.orig % 3 === 0);
          if (!odd) break;
        }
        opener = opener.prev;
      }
      if (opener && opener !== bottom && opener !== floor) {
        this.wrap(opener, closer);
        if (opener.count === 0) {
          this.remove(opener.node);
          this.removeDelimiter(opener);
        }
        if (closer.count === 0) {
          const next = closer.next;
          this.remove(closer.node);
          this.removeDelimiter(closer);
          closer = next;
        }
      } else {
        openersBottom[key] = closer.prev;
        const next = closer.next;
        if (!closer.canOpen) this.removeDelimiter(closer);
        closer = next;
      }
    }
    while (this.delimTop && this.delimTop !== bottom) this.removeDelimiter(this.delimTop);
  }

  /** Wraps the nodes between a matched opener and closer in strong/em/del. */
  private wrap(opener: Delimiter, closer: Delimiter): void {
    const use = opener.char === '~' ? 2 : opener.count >= 2 && closer.count >= 2 ? 2 : 1;
    const kind: NodeKind = opener.char === '~' ? 'del' : use === 2 ? 'strong' : 'em';
    opener.count -= use;
    closer.count -= use;
    opener.node.text = opener.node.text.slice(0, opener.count);
    closer.node.text = closer.node.text.slice(0, closer.count);
    const wrapper = newNode(kind);
    const first = opener.node.next;
    if (first && first !== closer.node) {
      const last = closer.node.prev!;
      wrapper.first = first;
      wrapper.last = last;
      first.prev = null;
      last.next = null;
    }
    opener.node.next = wrapper;
    wrapper.prev = opener.node;
    wrapper.next = closer.node;
    closer.node.prev = wrapper;
    // Delimiters inside the wrapped span can no longer match anything outside it.
    opener.next = closer;
    closer.prev = opener;
  }
}
