// Lexers for languages whose structure is not "code": HTML/XML, CSS, config files
// (YAML, TOML, INI) and diffs. Same contract as the code lexer: linear, tokens tile the input.

import { lexCode } from './highlight_code.ts';
import { CODE_SPECS } from './highlight_langs.ts';
import { TokenSink, indexInLine, isDigit, isLetter, isSpace, scanNumber } from './highlight_tokens.ts';

const isNameChar = (c: string | undefined): boolean => c !== undefined && (isLetter(c) || isDigit(c) || '-:._'.includes(c));

/** Index of `needle` (ASCII lowercase) at or after `from`, ignoring case; -1 if absent. */
function indexOfIgnoreCase(code: string, needle: string, from: number): number {
  for (let k = code.indexOf(needle[0]!, from); k >= 0; k = code.indexOf(needle[0]!, k + 1)) {
    if (code.slice(k, k + needle.length).toLowerCase() === needle) return k;
  }
  return -1;
}

/** HTML or XML; in HTML, <script> and <style> bodies are lexed as JS and CSS. */
export function lexMarkup(code: string, out: TokenSink, html: boolean): void {
  let i = 0;
  const take = (end: number, cls: Parameters<TokenSink['push']>[1]): void => {
    out.push(code.slice(i, end), cls);
    i = end;
  };
  while (i < code.length) {
    const c = code[i]!;
    if (code.startsWith('<!--', i)) {
      const end = code.indexOf('-->', i + 4);
      take(end < 0 ? code.length : end + 3, 'com');
    } else if (code.startsWith('<![CDATA[', i)) {
      const end = code.indexOf(']]>', i);
      take(end < 0 ? code.length : end + 3, 'str');
    } else if (c === '<' && (isLetter(code[i + 1]) || '/!?'.includes(code[i + 1] ?? ' '))) {
      let j = i + 1;
      if ('/!?'.includes(code[j]!)) j++;
      take(j, 'punct');
      const closing = code[j - 1] === '/';
      while (isNameChar(code[j])) j++;
      const name = code.slice(i, j).toLowerCase();
      take(j, 'tag');
      i = lexAttributes(code, i, out);
      if (html && !closing && (name === 'script' || name === 'style') && code[i - 1] === '>') {
        const end = indexOfIgnoreCase(code, '</' + name, i);
        const body = code.slice(i, end < 0 ? code.length : end);
        if (name === 'script') lexCode(body, CODE_SPECS.js, out);
        else lexCss(body, out);
        i += body.length;
      }
    } else if (c === '&') {
      const m = /^&#?[A-Za-z0-9]{1,31};/.exec(code.slice(i, i + 34));
      take(m ? i + m[0].length : i + 1, m ? 'kw' : 'plain');
    } else {
      let j = i + 1;
      while (j < code.length && code[j] !== '<' && code[j] !== '&') j++;
      take(j, 'plain');
    }
  }
}

/** Attributes up to and including the tag's '>' (or a stray '<', or the end); returns the index after. */
function lexAttributes(code: string, start: number, out: TokenSink): number {
  let i = start;
  let afterEquals = false;
  while (i < code.length) {
    const c = code[i]!;
    let j = i + 1;
    if (c === '>') {
      out.push('>', 'punct');
      return i + 1;
    }
    if (c === '<') return i;
    if (isSpace(c)) {
      while (isSpace(code[j])) j++;
      out.push(code.slice(i, j), 'plain');
    } else if (c === '"' || c === "'") {
      const close = code.indexOf(c, i + 1);
      j = close < 0 ? code.length : close + 1;
      out.push(code.slice(i, j), 'str');
      afterEquals = false;
    } else if (c === '=') {
      out.push('=', 'op');
      afterEquals = true;
    } else if (c === '/' || c === '?') {
      out.push(c, 'punct');
    } else {
      while (j < code.length && !isSpace(code[j]) && !'=>/<"\''.includes(code[j]!)) j++;
      out.push(code.slice(i, j), afterEquals ? 'str' : 'attr');
      afterEquals = false;
    }
    i = j;
  }
  return i;
}

export function lexCss(code: string, out: TokenSink): void {
  let i = 0;
  let depth = 0;
  const take = (end: number, cls: Parameters<TokenSink['push']>[1]): void => {
    out.push(code.slice(i, end), cls);
    i = end;
  };
  const identEnd = (from: number): number => {
    let j = from;
    while (j < code.length && (isLetter(code[j]) || isDigit(code[j]) || code[j] === '-' || code[j] === '_')) j++;
    return j;
  };
  while (i < code.length) {
    const c = code[i]!;
    const next = code[i + 1];
    if (code.startsWith('/*', i)) {
      const end = code.indexOf('*/', i + 2);
      take(end < 0 ? code.length : end + 2, 'com');
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < code.length && code[j] !== c && code[j] !== '\n') j += code[j] === '\\' ? 2 : 1;
      take(Math.min(code[j] === c ? j + 1 : j, code.length), 'str');
    } else if (isSpace(c)) {
      let j = i + 1;
      while (isSpace(code[j])) j++;
      take(j, 'plain');
    } else if (isDigit(c) || (c === '.' && isDigit(next))) {
      const j = scanNumber(code, i);
      take(code[j] === '%' ? j + 1 : j, 'num');
    } else if (c === '@' && isLetter(next)) {
      take(identEnd(i + 1), 'kw');
    } else if (c === '!' && code.slice(i + 1, i + 10).toLowerCase() === 'important') {
      take(i + 10, 'kw');
    } else if (c === '#' && isNameChar(next)) {
      take(identEnd(i + 1), depth > 0 ? 'num' : 'type');
    } else if (c === '.' && depth === 0 && (isLetter(next) || next === '-')) {
      take(identEnd(i + 1), 'type');
    } else if (isLetter(c) || (c === '-' && (isLetter(next) || next === '-'))) {
      const j = identEnd(i + 1);
      let k = j;
      while (code[k] === ' ' || code[k] === '\t') k++;
      const cls = code[j] === '(' ? 'fn' : depth === 0 ? 'tag' : code[k] === ':' ? 'attr' : 'plain';
      take(j, cls);
    } else if (c === ':' && depth === 0) {
      // :hover, ::before
      take(identEnd(next === ':' ? i + 2 : i + 1), 'kw');
    } else {
      if (c === '{') depth++;
      else if (c === '}') depth = Math.max(0, depth - 1);
      take(i + 1, '{};,()[]'.includes(c) ? 'punct' : 'op');
    }
  }
}

const CONFIG_LITERALS = new Set(['true', 'false', 'null', 'yes', 'no', 'on', 'off', '~', 'True', 'False', 'Null', 'NULL']);
const CONFIG_NUMBER = /^[-+]?(?:\d[\d_]*(?:\.\d*)?(?:[eE][-+]?\d+)?|0x[0-9a-fA-F_]+|\.inf|\.nan)$/;

/** YAML, TOML and INI, line by line: keys, [sections], scalars, comments. */
export function lexConfig(code: string, out: TokenSink): void {
  let i = 0;
  while (i < code.length) {
    let eol = code.indexOf('\n', i);
    if (eol < 0) eol = code.length;
    i = lexConfigLine(code, i, eol, out);
    if (i < code.length && code[i] === '\n') {
      out.push('\n', 'plain');
      i++;
    }
  }
}

function lexConfigLine(code: string, start: number, eol: number, out: TokenSink): number {
  let i = start;
  const take = (end: number, cls: Parameters<TokenSink['push']>[1]): void => {
    out.push(code.slice(i, end), cls);
    i = end;
  };
  const skipSpaces = (): void => {
    let j = i;
    while (j < eol && (code[j] === ' ' || code[j] === '\t' || code[j] === '\r')) j++;
    take(j, 'plain');
  };
  skipSpaces();
  // YAML list items and document markers.
  while (i < eol && code[i] === '-' && (code[i + 1] === ' ' || i + 1 === eol)) {
    take(i + 1, 'punct');
    skipSpaces();
  }
  if (code[i] === '#' || code[i] === ';') {
    take(eol, 'com');
    return i;
  }
  if (code.startsWith('---', i) || code.startsWith('...', i)) {
    take(i + 3, 'punct');
  }
  if (code[i] === '[') {
    let close = eol - 1;
    while (close > i && code[close] !== ']') close--;
    if (close > i) take(close + 1, 'type');
  }
  // key: value   or   key = value
  let j = i;
  const quote = code[j];
  if (quote === '"' || quote === "'") {
    const close = indexInLine(code, quote, j + 1);
    if (close > 0) j = close + 1;
  } else {
    while (j < eol && !' \t:=#'.includes(code[j]!)) j++;
  }
  let k = j;
  while (k < eol && (code[k] === ' ' || code[k] === '\t')) k++;
  const isKey = j > i && ((code[k] === ':' && (k + 1 === eol || isSpace(code[k + 1]))) || code[k] === '=');
  if (isKey) {
    take(j, 'attr');
    take(k, 'plain');
    take(k + 1, 'punct');
  }
  return lexConfigValue(code, i, eol, out);
}

function lexConfigValue(code: string, start: number, eol: number, out: TokenSink): number {
  let i = start;
  while (i < eol) {
    const c = code[i]!;
    let j = i + 1;
    if (c === '"' || c === "'") {
      // TOML's multi-line strings may run past this line.
      const triple = code.startsWith(c.repeat(3), i);
      if (triple) {
        const close = code.indexOf(c.repeat(3), i + 3);
        const end = close < 0 ? code.length : close + 3;
        out.push(code.slice(i, end), 'str');
        if (end > eol) return end;
        i = end;
        continue;
      }
      while (j < eol && code[j] !== c) j += code[j] === '\\' && c === '"' ? 2 : 1;
      j = Math.min(j + 1, eol);
      out.push(code.slice(i, j), 'str');
    } else if (c === '#' && (i === start || isSpace(code[i - 1]))) {
      j = eol;
      out.push(code.slice(i, j), 'com');
    } else if (isSpace(c)) {
      while (j < eol && isSpace(code[j])) j++;
      out.push(code.slice(i, j), 'plain');
    } else if ('[]{},'.includes(c)) {
      out.push(c, 'punct');
    } else {
      while (j < eol && !isSpace(code[j]) && !'[]{},#'.includes(code[j]!)) j++;
      const word = code.slice(i, j);
      const cls = CONFIG_NUMBER.test(word) ? 'num' : CONFIG_LITERALS.has(word) ? 'kw' : word[0] === '&' || word[0] === '*' ? 'var' : word === '|' || word === '>' ? 'op' : 'plain';
      out.push(word, cls);
    }
    i = j;
  }
  return i;
}

/** Unified diffs: whole lines classed by their first character. */
export function lexDiff(code: string, out: TokenSink): void {
  let i = 0;
  while (i < code.length) {
    let end = code.indexOf('\n', i);
    end = end < 0 ? code.length : end + 1;
    const line = code.slice(i, end);
    const cls = line.startsWith('+++') || line.startsWith('---') || line.startsWith('diff ') || line.startsWith('index ')
      ? 'kw'
      : line.startsWith('@@') ? 'fn' : line[0] === '+' ? 'ins' : line[0] === '-' ? 'del' : 'plain';
    out.push(line, cls);
    i = end;
  }
}
