// Block-level Markdown for model output: a CommonMark-ish subset (paragraphs, ATX headings,
// fenced code, lists, quotes, rules, GFM tables) that tolerates a message cut off mid-stream.
// Pure: no DOM. Deliberate differences from CommonMark: no indented code blocks and no setext
// headings (LLMs rarely mean them), list nesting by any deeper indentation, and no raw HTML.

import type { Align, Block } from './ast.ts';
import { parseInlines } from './inline.ts';

export type { Align, Block, Inline } from './ast.ts';
export { safeHref } from './href.ts';

// Quotes and lists nest at most this deep; deeper markers stay text. Bounds both the
// recursion and the line copying each level does.
const MAX_BLOCK_DEPTH = 16;

export function parseMarkdown(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, '\n').replace(/\0/g, '\ufffd').split('\n');
  return parseBlocks(lines, 0);
}

function parseBlocks(lines: string[], depth: number): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    if (isBlank(lines[i]!)) i++;
    else i = parseBlockAt(lines, i, depth, blocks);
  }
  return blocks;
}

/** Parses the block starting at line i into `blocks`; returns the next unread line. */
function parseBlockAt(lines: string[], i: number, depth: number, blocks: Block[]): number {
  const line = lines[i]!;
  const fence = fenceOpening(line);
  if (fence) return parseFence(lines, i, fence, blocks);
  const heading = headingOf(line);
  if (heading) {
    blocks.push(heading);
    return i + 1;
  }
  if (isRule(line)) {
    blocks.push({ kind: 'rule' });
    return i + 1;
  }
  if (depth < MAX_BLOCK_DEPTH) {
    if (isQuoteLine(line)) return parseQuote(lines, i, depth, blocks);
    const marker = listMarker(line);
    if (marker) return parseList(lines, i, marker, depth, blocks);
  }
  const table = tableAt(lines, i);
  if (table) return parseTable(lines, i, table, blocks);
  return parseParagraph(lines, i, depth, blocks);
}

// ---- lines ----

function isBlank(line: string): boolean {
  return /^[ \t]*$/.test(line);
}

/** Leading whitespace in columns (tabs to the next multiple of 4). */
function indentOf(line: string): number {
  let col = 0;
  for (let p = 0; p < line.length; p++) {
    const c = line[p];
    if (c === ' ') col++;
    else if (c === '\t') col += 4 - (col % 4);
    else break;
  }
  return col;
}

/** Removes up to `cols` columns of leading whitespace. */
function stripColumns(line: string, cols: number): string {
  let p = 0;
  let col = 0;
  while (p < line.length && col < cols) {
    const c = line[p];
    if (c === ' ') col++;
    else if (c === '\t') col += 4 - (col % 4);
    else break;
    p++;
  }
  return line.slice(p);
}

/** Whether a line ends a paragraph by starting another block. */
function interruptsParagraph(lines: string[], j: number, depth: number): boolean {
  const line = lines[j]!;
  if (fenceOpening(line) || headingOf(line) || isRule(line)) return true;
  if (depth < MAX_BLOCK_DEPTH) {
    if (isQuoteLine(line)) return true;
    const marker = listMarker(line);
    // As in CommonMark: "2." or an empty item does not break a sentence that wraps onto it.
    if (marker && marker.content !== '' && (!marker.ordered || marker.start === 1)) return true;
  }
  return tableAt(lines, j) !== null;
}

/** Whether a line may be followed by a lazy continuation line (it is paragraph text). */
function continuesParagraph(line: string): boolean {
  return !isBlank(line) && !fenceOpening(line) && !headingOf(line) && !isRule(line);
}

// ---- leaf blocks ----

interface Fence { char: string; length: number; indent: number; lang: string }

function fenceOpening(line: string): Fence | null {
  const m = /^([ \t]*)(`{3,}|~{3,})(.*)$/.exec(line);
  if (!m) return null;
  const marks = m[2]!;
  const info = m[3]!;
  // "```x```" on one line is inline code, not a fence.
  if (marks[0] === '`' && info.includes('`')) return null;
  const lang = info.trim().split(/[ \t]/, 1)[0] ?? '';
  return { char: marks[0]!, length: marks.length, indent: indentOf(m[1]!), lang };
}

function isFenceClose(line: string, fence: Fence): boolean {
  const m = /^[ \t]*(`{3,}|~{3,})[ \t]*$/.exec(line);
  return m !== null && m[1]![0] === fence.char && m[1]!.length >= fence.length;
}

function parseFence(lines: string[], i: number, fence: Fence, blocks: Block[]): number {
  const content: string[] = [];
  let j = i + 1;
  let closed = false;
  for (; j < lines.length; j++) {
    const line = lines[j]!;
    if (isFenceClose(line, fence)) {
      closed = true;
      j++;
      break;
    }
    content.push(stripColumns(line, fence.indent));
  }
  if (!closed) {
    // Mid-stream: a closing fence arriving a character at a time, or the newline before it,
    // is not code.
    const last = content[content.length - 1];
    const partialClose = fence.char === '`' ? /^[ \t]*`+[ \t]*$/ : /^[ \t]*~+[ \t]*$/;
    if (last !== undefined && partialClose.test(last)) content.pop();
    if (content.length > 0 && content[content.length - 1] === '') content.pop();
  }
  blocks.push({ kind: 'code', lang: fence.lang, text: content.join('\n'), closed });
  return j;
}

function headingOf(line: string): Block | null {
  let p = 0;
  while (line[p] === ' ' || line[p] === '\t') p++;
  if (p > 3) return null;
  let level = 0;
  while (line[p + level] === '#') level++;
  if (level < 1 || level > 6) return null;
  const after = line[p + level];
  // "#hashtag" and "#1" are not headings.
  if (after !== undefined && after !== ' ' && after !== '\t') return null;
  let text = line.slice(p + level).trim();
  // An optional closing run of #s: "## Title ##".
  let end = text.length;
  while (end > 0 && text[end - 1] === '#') end--;
  if (end === 0) text = '';
  else if (end < text.length && (text[end - 1] === ' ' || text[end - 1] === '\t')) text = text.slice(0, end).trimEnd();
  return { kind: 'heading', level, children: parseInlines(text) };
}

/** ---, ***, ___ (spaces allowed between), at most 3 columns indented. */
function isRule(line: string): boolean {
  if (indentOf(line) > 3) return false;
  const body = line.replace(/[ \t]/g, '');
  const c = body[0];
  if (body.length < 3 || (c !== '-' && c !== '*' && c !== '_')) return false;
  for (let k = 1; k < body.length; k++) if (body[k] !== c) return false;
  return true;
}

function parseParagraph(lines: string[], i: number, depth: number, blocks: Block[]): number {
  const parts = [lines[i]!.trimStart()];
  let j = i + 1;
  while (j < lines.length && !isBlank(lines[j]!) && !interruptsParagraph(lines, j, depth)) {
    parts.push(lines[j]!.trimStart());
    j++;
  }
  blocks.push({ kind: 'paragraph', children: parseInlines(parts.join('\n').trimEnd()) });
  return j;
}

// ---- tables (GFM) ----

interface TableHead { header: string[]; align: Align[] }

/** Cells of a table row; `\|` is a literal pipe, outer pipes are optional. */
function splitRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const cells: string[] = [];
  let cellStart = 0;
  let cell = '';
  for (let k = 0; k < s.length; k++) {
    if (s[k] === '\\' && s[k + 1] === '|') {
      cell += s.slice(cellStart, k) + '|';
      cellStart = ++k + 1;
    } else if (s[k] === '|') {
      cells.push((cell + s.slice(cellStart, k)).trim());
      cell = '';
      cellStart = k + 1;
    }
  }
  cells.push((cell + s.slice(cellStart)).trim());
  return cells;
}

/** A header row at line i followed by a matching delimiter row, else null. */
function tableAt(lines: string[], i: number): TableHead | null {
  const head = lines[i]!;
  const delimiter = lines[i + 1];
  if (delimiter === undefined || !head.includes('|') || !delimiter.includes('|')) return null;
  if (!/^[ \t|:-]+$/.test(delimiter) || !delimiter.includes('-')) return null;
  const align: Align[] = [];
  for (const cell of splitRow(delimiter)) {
    if (!/^:?-+:?$/.test(cell)) return null;
    const left = cell.startsWith(':');
    const right = cell.endsWith(':');
    align.push(left && right ? 'center' : right ? 'right' : left ? 'left' : null);
  }
  const header = splitRow(head);
  // GFM: a header that does not match the delimiter row is not a table (yet, when streaming).
  if (header.length !== align.length) return null;
  return { header, align };
}

function parseTable(lines: string[], i: number, head: TableHead, blocks: Block[]): number {
  const width = head.align.length;
  const rows: string[][] = [];
  let j = i + 2;
  for (; j < lines.length; j++) {
    const line = lines[j]!;
    if (isBlank(line) || !line.includes('|') || fenceOpening(line) || headingOf(line) || isQuoteLine(line)) break;
    const cells = splitRow(line).slice(0, width);
    while (cells.length < width) cells.push('');
    rows.push(cells);
  }
  blocks.push({
    kind: 'table',
    align: head.align,
    header: head.header.map((cell) => parseInlines(cell)),
    rows: rows.map((row) => row.map((cell) => parseInlines(cell))),
  });
  return j;
}

// ---- containers ----

function isQuoteLine(line: string): boolean {
  return /^[ \t]*>/.test(line);
}

function stripQuote(line: string): string {
  const rest = line.slice(line.indexOf('>') + 1);
  return rest[0] === ' ' || rest[0] === '\t' ? rest.slice(1) : rest;
}

function parseQuote(lines: string[], i: number, depth: number, blocks: Block[]): number {
  const inner: string[] = [];
  let j = i;
  for (; j < lines.length; j++) {
    const line = lines[j]!;
    if (isQuoteLine(line)) {
      inner.push(stripQuote(line));
      continue;
    }
    // A "lazy" line without ">" continues the quoted paragraph.
    const prev = inner[inner.length - 1]!;
    if (isBlank(line) || !continuesParagraph(prev) || interruptsParagraph(lines, j, depth)) break;
    inner.push(line);
  }
  blocks.push({ kind: 'quote', children: parseBlocks(inner, depth + 1) });
  return j;
}

interface ListMarker {
  indent: number;
  ordered: boolean;
  // The bullet character, or the ordered delimiter ("." or ")"): a change starts a new list.
  symbol: string;
  start: number;
  contentCol: number;
  content: string;
}

function listMarker(line: string): ListMarker | null {
  let p = 0;
  let col = 0;
  for (; line[p] === ' ' || line[p] === '\t'; p++) col = line[p] === '\t' ? col + 4 - (col % 4) : col + 1;
  const indent = col;
  const c = line[p];
  let ordered = false;
  let start = 1;
  let symbol: string;
  if (c === '-' || c === '*' || c === '+') {
    symbol = c;
    p++;
    col++;
  } else {
    let q = p;
    while (q - p < 9 && line[q] !== undefined && line[q]! >= '0' && line[q]! <= '9') q++;
    const d = line[q];
    if (q === p || (d !== '.' && d !== ')')) return null;
    ordered = true;
    start = parseInt(line.slice(p, q), 10);
    symbol = d;
    col += q + 1 - p;
    p = q + 1;
  }
  const after = line[p];
  if (after !== undefined && after !== ' ' && after !== '\t') return null;
  let q = p;
  let contentStart = col;
  for (; line[q] === ' ' || line[q] === '\t'; q++) contentStart = line[q] === '\t' ? contentStart + 4 - (contentStart % 4) : contentStart + 1;
  const content = line.slice(q);
  const contentCol = content === '' || contentStart - col > 4 ? col + 1 : contentStart;
  return { indent, ordered, symbol, start, contentCol, content };
}

/**
 * A list: items of the same kind of marker, each holding every following line indented past
 * its marker (so 2- or 4-space nesting both work), parsed recursively.
 */
function parseList(lines: string[], i: number, first: ListMarker, depth: number, blocks: Block[]): number {
  const items: Block[][] = [];
  let j = i;
  let marker: ListMarker | null = first;
  while (marker) {
    const itemLines = [marker.content];
    // Lines indented less than the content column but past the marker (LLMs often nest
    // "1. " items by two spaces) set the column the rest of the item is measured from.
    let contentCol = marker.contentCol;
    let sawContinuation = false;
    let next: ListMarker | null = null;
    for (j++; j < lines.length; j++) {
      const line = lines[j]!;
      if (isBlank(line)) {
        itemLines.push('');
        continue;
      }
      const indent = indentOf(line);
      if (indent > marker.indent) {
        if (!sawContinuation && indent < contentCol) contentCol = indent;
        sawContinuation = true;
        itemLines.push(stripColumns(line, Math.min(indent, contentCol)));
        continue;
      }
      const other = isRule(line) ? null : listMarker(line);
      if (other) {
        if (other.ordered === first.ordered && other.symbol === first.symbol) next = other;
        break;
      }
      const prev = itemLines[itemLines.length - 1]!;
      if (!continuesParagraph(prev) || interruptsParagraph(lines, j, depth)) break;
      itemLines.push(line.trimStart());
    }
    while (itemLines.length > 0 && isBlank(itemLines[itemLines.length - 1]!)) itemLines.pop();
    items.push(parseBlocks(itemLines, depth + 1));
    marker = next;
  }
  blocks.push({ kind: 'list', ordered: first.ordered, start: first.start, items });
  return j;
}
