// The table-driven lexer for "code" languages (C family, JS/TS, Python, shell, SQL, ...): one
// loop, configured per language by a CodeSpec. Every branch consumes at least one character
// and never rescans what it consumed, so the lexer is linear and the tokens tile the input.

import { TokenSink, indexInLine, isDigit, isLetter, isSpace, scanNumber, type TokenClass } from './highlight_tokens.ts';

export interface StringRule {
  open: string;
  close: string;
  escape: boolean;
  multiline: boolean;
  // JS template literal: `${...}` may hold the closing quote.
  template?: boolean;
}

export interface CodeSpec {
  lineComments: string[];
  blockComments: [string, string][];
  // Longer openers first ('"""' before '"').
  strings: StringRule[];
  keywords: Set<string>;
  types: Set<string>;
  literals: Set<string>;
  caseInsensitive?: boolean;
  // Identifier characters beyond letters, digits and '_' ('$' in JS, '-' in shell words).
  identStartExtra?: string;
  identPartExtra?: string;
  // CapitalizedNames are types (C#, Java, Rust, TS...).
  capitalizedTypes?: boolean;
  regexLiterals?: boolean;
  preprocessor?: boolean;
  // `$name` is a variable: 'shell' also knows ${...}, $1, $@; 'php' only $name.
  dollarVariables?: 'shell' | 'php';
  decorators?: boolean;
  rustLifetimes?: boolean;
  macroBang?: boolean;
  // '#'/'//' start a comment only at a word boundary (shell "a#b", URLs in prose).
  commentNeedsSpace?: boolean;
  // An apostrophe inside a word ("don't") does not open a string.
  apostrophesInWords?: boolean;
  // Python's r"", b"", f"" ...
  stringPrefixes?: string;
  // The first word of a shell command is a function name; -flags are attributes.
  shellWords?: boolean;
  // JSON: a string followed by ':' is a key.
  objectKeys?: boolean;
}

const FN_DECL = new Set(['def', 'function', 'fn', 'func', 'fun', 'sub', 'proc']);
const TYPE_DECL = new Set(['class', 'struct', 'enum', 'interface', 'trait', 'type', 'union', 'impl', 'record', 'object', 'protocol', 'extension']);
// After these, a '/' starts a regular expression rather than a division.
const REGEX_AFTER_KEYWORD = new Set(['return', 'typeof', 'case', 'in', 'of', 'new', 'delete', 'void', 'throw', 'yield', 'await', 'else', 'do']);
// Shell keywords after which the next word is a command.
const SHELL_COMMAND_AFTER = new Set(['then', 'do', 'else', 'elif', 'if', 'while', 'until', 'time', 'exec', 'sudo', 'xargs', '!']);
const OPERATORS = '+-*/%=<>!&|^~?:@';
const PUNCTUATION = '()[]{},;.\\';

export function lexCode(code: string, spec: CodeSpec, out: TokenSink): void {
  new CodeLexer(code, spec, out).run();
}

class CodeLexer {
  private i = 0;
  private lineStart = true;
  private commandStart = true;
  private pendingDecl: TokenClass | null = null;
  private lastCls: TokenClass | null = null;
  private lastText = '';
  // A failed regex scan reached here: later '/' before it are divisions (no rescanning).
  private noRegexBefore = -1;
  private noBraceBefore = -1;

  constructor(private readonly code: string, private readonly spec: CodeSpec, private readonly out: TokenSink) {}

  private emit(end: number, cls: TokenClass): void {
    const text = this.code.slice(this.i, end);
    this.out.push(text, cls);
    this.i = end;
    if (cls !== 'plain' || text.trim() !== '') {
      this.lastCls = cls;
      this.lastText = text;
      this.lineStart = false;
    }
  }

  run(): void {
    const { code, spec } = this;
    while (this.i < code.length) {
      const i = this.i;
      const c = code[i]!;
      if (isSpace(c)) {
        let j = i + 1;
        while (j < code.length && isSpace(code[j])) j++;
        const text = code.slice(i, j);
        this.out.push(text, 'plain');
        this.i = j;
        if (text.includes('\n')) {
          this.lineStart = true;
          this.commandStart = true;
        }
        continue;
      }
      if (this.comment() || this.string()) {
        this.pendingDecl = null;
        continue;
      }
      if (isDigit(c) || (c === '.' && isDigit(code[i + 1]))) {
        this.emit(scanNumber(code, i), 'num');
      } else if (this.isIdentStart(c)) {
        this.identifier();
        continue;
      } else if (!this.special(c)) {
        this.emit(i + 1, OPERATORS.includes(c) ? 'op' : PUNCTUATION.includes(c) ? 'punct' : 'plain');
        if (spec.shellWords && '|;&(`'.includes(c)) this.commandStart = true;
      }
      this.pendingDecl = null;
    }
  }

  private isIdentStart(c: string): boolean {
    return isLetter(c) || (this.spec.identStartExtra?.includes(c) ?? false);
  }

  private isIdentPart(c: string | undefined): boolean {
    return c !== undefined && (isLetter(c) || isDigit(c) || (this.spec.identPartExtra?.includes(c) ?? false) || (this.spec.identStartExtra?.includes(c) ?? false));
  }

  private atWordBoundary(): boolean {
    return this.i === 0 || isSpace(this.code[this.i - 1]) || '(;|&'.includes(this.code[this.i - 1]!);
  }

  private comment(): boolean {
    const { code, spec, i } = this;
    for (const [open, close] of spec.blockComments) {
      if (code.startsWith(open, i)) {
        const end = code.indexOf(close, i + open.length);
        this.emit(end < 0 ? code.length : end + close.length, 'com');
        return true;
      }
    }
    for (const open of spec.lineComments) {
      if (code.startsWith(open, i) && (!spec.commentNeedsSpace || this.atWordBoundary())) {
        const end = code.indexOf('\n', i);
        this.emit(end < 0 ? code.length : end, 'com');
        return true;
      }
    }
    return false;
  }

  private string(): boolean {
    const { code, spec, i } = this;
    for (const rule of spec.strings) {
      if (!code.startsWith(rule.open, i)) continue;
      if (rule.open === "'" && spec.apostrophesInWords && i > 0 && this.isIdentPart(code[i - 1])) return false;
      const end = scanString(code, i, rule);
      this.emit(end, spec.objectKeys && isKey(code, end) ? 'attr' : 'str');
      return true;
    }
    return false;
  }

  private identifier(): void {
    const { code, spec } = this;
    const start = this.i;
    let j = start + 1;
    while (j < code.length && this.isIdentPart(code[j])) j++;
    const word = code.slice(start, j);
    const next = code[j];
    // Python string prefixes: r"...", f'...', rb"..."
    if (spec.stringPrefixes && word.length <= 2 && (next === '"' || next === "'") && [...word].every((ch) => spec.stringPrefixes!.includes(ch))) {
      const rule = spec.strings.find((r) => code.startsWith(r.open, j));
      if (rule) {
        this.emit(scanString(code, j, rule), 'str');
        return;
      }
    }
    const key = spec.caseInsensitive ? word.toLowerCase() : word;
    let cls: TokenClass = 'plain';
    const decl = this.pendingDecl;
    this.pendingDecl = null;
    if (spec.keywords.has(key)) {
      cls = 'kw';
      if (FN_DECL.has(key)) this.pendingDecl = 'fn';
      else if (TYPE_DECL.has(key)) this.pendingDecl = 'type';
    } else if (spec.literals.has(key)) {
      cls = 'kw';
    } else if (decl) {
      cls = decl;
    } else if (spec.types.has(key)) {
      cls = 'type';
    } else if (next === '(' || (spec.macroBang && next === '!' && code[j + 1] !== '=')) {
      cls = 'fn';
    } else if (spec.shellWords && this.commandStart) {
      cls = 'fn';
    } else if (spec.capitalizedTypes && /^[A-Z][A-Z0-9_]*[a-z]/.test(word)) {
      cls = 'type';
    }
    if (spec.shellWords) this.commandStart = cls === 'kw' ? SHELL_COMMAND_AFTER.has(key) : false;
    this.emit(j, cls);
  }

  /** Language-specific constructs that start with punctuation; true if one was emitted. */
  private special(c: string): boolean {
    const { code, spec, i } = this;
    const next = code[i + 1];
    if (c === '#' && spec.preprocessor && this.lineStart) {
      let j = i + 1;
      while (code[j] === ' ' || code[j] === '\t') j++;
      while (isLetter(code[j])) j++;
      this.emit(j, 'kw');
      // #include <stdio.h>
      let k = j;
      while (code[k] === ' ') k++;
      const close = code[k] === '<' ? indexInLine(code, '>', k) : -1;
      if (close > 0) {
        this.out.push(code.slice(j, k), 'plain');
        this.i = k;
        this.emit(close + 1, 'str');
      }
      return true;
    }
    if (c === '$' && spec.dollarVariables) return this.dollar();
    if (c === '@' && spec.decorators && isLetter(next)) {
      let j = i + 1;
      while (this.isIdentPart(code[j]) || code[j] === '.') j++;
      this.emit(j, 'fn');
      return true;
    }
    if (c === "'" && spec.rustLifetimes) {
      // 'a is a lifetime; 'x' and '\n' are characters.
      if (next === '\\' || code[i + 2] === "'") {
        this.emit(scanString(code, i, { open: "'", close: "'", escape: true, multiline: false }), 'str');
      } else if (isLetter(next)) {
        let j = i + 1;
        while (this.isIdentPart(code[j])) j++;
        this.emit(j, 'type');
      } else {
        this.emit(i + 1, 'op');
      }
      return true;
    }
    if (c === '/' && spec.regexLiterals && this.regexAllowed()) {
      const end = scanRegex(code, i);
      if (end > 0) {
        this.emit(end, 'str');
        return true;
      }
      const eol = code.indexOf('\n', i);
      this.noRegexBefore = eol < 0 ? code.length : eol;
    }
    if (c === '-' && spec.shellWords && this.atWordBoundary() && (isLetter(next) || next === '-')) {
      let j = i + 1;
      while (j < code.length && !isSpace(code[j]) && !'=;|&)"\''.includes(code[j]!)) j++;
      this.emit(j, 'attr');
      return true;
    }
    return false;
  }

  private regexAllowed(): boolean {
    if (this.i < this.noRegexBefore) return false;
    const cls = this.lastCls;
    if (cls === null) return true;
    if (cls === 'kw') return REGEX_AFTER_KEYWORD.has(this.lastText);
    if (cls === 'op') return true;
    return cls === 'punct' && !')]}'.includes(this.lastText[this.lastText.length - 1]!);
  }

  private dollar(): boolean {
    const { code, i } = this;
    const next = code[i + 1];
    if (this.spec.dollarVariables === 'shell') {
      if (next === '{' && i >= this.noBraceBefore) {
        const close = indexInLine(code, '}', i);
        if (close > 0) {
          this.emit(close + 1, 'var');
          return true;
        }
        // No '}' on this line: later "${" on it need not look again.
        const eol = code.indexOf('\n', i);
        this.noBraceBefore = eol < 0 ? code.length : eol;
      } else if (next !== undefined && (isDigit(next) || '@*#?$!-'.includes(next))) {
        this.emit(i + 2, 'var');
        return true;
      } else if (next === '(') {
        this.emit(i + 1, 'op');
        return true;
      }
    }
    if (!isLetter(next)) return false;
    let j = i + 1;
    while (isLetter(code[j]) || isDigit(code[j])) j++;
    this.emit(j, 'var');
    return true;
  }
}

/** End of a string literal opening at i; an unterminated one runs to the line's or input's end. */
export function scanString(code: string, i: number, rule: StringRule): number {
  let j = i + rule.open.length;
  while (j < code.length) {
    const c = code[j];
    if (rule.escape && c === '\\') {
      j += 2;
      continue;
    }
    if (code.startsWith(rule.close, j)) return j + rule.close.length;
    if (c === '\n' && !rule.multiline) return j;
    if (rule.template && c === '$' && code[j + 1] === '{') {
      // Braces are counted so a quote inside ${...} does not end the literal.
      let depth = 1;
      j += 2;
      while (j < code.length && depth > 0) {
        if (code[j] === '{') depth++;
        else if (code[j] === '}') depth--;
        j++;
      }
      continue;
    }
    j++;
  }
  return code.length;
}

/** Whether a ':' follows (after spaces): the string before it is an object key. */
function isKey(code: string, end: number): boolean {
  let j = end;
  while (code[j] === ' ' || code[j] === '\t') j++;
  return code[j] === ':';
}

/** End of a /regex/flags at i, or -1 if the line ends first. */
function scanRegex(code: string, i: number): number {
  let inClass = false;
  for (let j = i + 1; j < code.length; j++) {
    const c = code[j];
    if (c === '\n') return -1;
    if (c === '\\') j++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) {
      if (j === i + 1) return -1;
      let k = j + 1;
      while (isLetter(code[k])) k++;
      return k;
    }
  }
  return -1;
}
