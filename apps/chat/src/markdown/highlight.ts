// Syntax highlighting for code blocks in chat: highlight(code, lang) splits code into classed
// tokens whose texts concatenate back to the input exactly. Pure and linear-time; the output is
// only ever rendered as text nodes, so a lexer mistake can mis-colour but never inject markup.

import { lexCode } from './highlight_code.ts';
import { CODE_SPECS, type CodeSpecName } from './highlight_langs.ts';
import { lexConfig, lexCss, lexDiff, lexMarkup } from './highlight_markup.ts';
import { TokenSink, type Token } from './highlight_tokens.ts';

export type { Token, TokenClass } from './highlight_tokens.ts';

type Lexer = CodeSpecName | 'html' | 'xml' | 'css' | 'config' | 'diff' | 'none';

// Fence info strings as models write them, lowercased, to the lexer that handles them.
const ALIASES: Record<string, Lexer> = {};
const alias = (lexer: Lexer, names: string): void => {
  for (const name of names.split(' ')) ALIASES[name] = lexer;
};
alias('js', 'js javascript mjs cjs jsx node es6 ecmascript');
alias('ts', 'ts typescript tsx mts cts deno');
alias('json', 'json jsonc json5 jsonl ndjson geojson');
alias('python', 'py python python3 py3 ipython pycon gyp bzl starlark sage');
alias('c', 'c h objc objective-c');
alias('cpp', 'cpp c++ cc cxx hpp hh hxx h++ cuda cu metal glsl hlsl wgsl arduino ino');
alias('rust', 'rs rust');
alias('go', 'go golang');
alias('java', 'java scala groovy gradle dart');
alias('csharp', 'cs c# csharp fsharp f#');
alias('kotlin', 'kt kts kotlin');
alias('swift', 'swift');
alias('php', 'php');
alias('ruby', 'rb ruby rake gemspec crystal');
alias('lua', 'lua luau');
alias('shell', 'sh bash zsh shell console shellsession terminal fish ksh powershell ps1 pwsh dockerfile docker makefile make cmake nix');
alias('sql', 'sql mysql postgres postgresql psql sqlite plsql tsql pgsql');
alias('html', 'html htm xhtml vue svelte');
alias('xml', 'xml svg xsl xslt plist rss atom');
alias('css', 'css scss sass less');
alias('config', 'yaml yml toml ini cfg conf properties env dotenv editorconfig gitconfig');
alias('diff', 'diff patch');
alias('none', 'text txt plaintext plain markdown md log output');

function lexerFor(lang: string): Lexer {
  const name = lang.trim().toLowerCase().replace(/^(?:language-|lang-|\.)/, '');
  return Object.hasOwn(ALIASES, name) ? ALIASES[name]! : 'generic';
}

/** Tokens of `code` in `lang` (any fence info word; unknown ones get the generic lexer). */
export function highlight(code: string, lang: string): Token[] {
  const out = new TokenSink();
  const lexer = lexerFor(lang);
  switch (lexer) {
    case 'none': out.push(code, 'plain'); break;
    case 'html': lexMarkup(code, out, true); break;
    case 'xml': lexMarkup(code, out, false); break;
    case 'css': lexCss(code, out); break;
    case 'config': lexConfig(code, out); break;
    case 'diff': lexDiff(code, out); break;
    default: lexCode(code, CODE_SPECS[lexer], out);
  }
  return out.tokens;
}

