// highlight(): tokens tile the input exactly, in every language family, and the classes that
// matter (keywords, strings, comments, numbers) land where they should.
import test from 'node:test';
import assert from 'node:assert/strict';
import { highlight } from '../build-test/markdown/highlight.js';

const CLASSES = new Set(['kw', 'str', 'num', 'com', 'fn', 'type', 'op', 'punct', 'plain', 'tag', 'attr', 'var', 'ins', 'del']);

function assertTiles(code, lang) {
  const tokens = highlight(code, lang);
  assert.equal(tokens.map((t) => t.text).join(''), code, `${lang}: ${JSON.stringify(code)}`);
  for (const t of tokens) {
    assert.ok(t.text.length > 0, `${lang}: empty token`);
    assert.ok(CLASSES.has(t.cls), `${lang}: class ${t.cls}`);
  }
  return tokens;
}

/** The first token whose text is exactly `text`, as "cls". */
function classOf(tokens, text) {
  const token = tokens.find((t) => t.text === text);
  assert.ok(token, `no token ${JSON.stringify(text)} in ${JSON.stringify(tokens)}`);
  return token.cls;
}

// One language name per lexer family, plus aliases.
const LANGS = [
  'js', 'javascript', 'jsx', 'ts', 'typescript', 'tsx', 'json', 'python', 'py', 'c', 'cpp', 'c++', 'rust', 'rs', 'go', 'java',
  'c#', 'cs', 'kotlin', 'swift', 'php', 'ruby', 'lua', 'sh', 'bash', 'zsh', 'shell', 'html', 'xml', 'svg', 'css', 'scss', 'sql',
  'yaml', 'yml', 'toml', 'ini', 'diff', 'text', 'markdown', '', 'unknown-lang', 'PYTHON', ' Rust ',
];

const SNIPPETS = [
  'const s = `a ${b + `c ${d}`} e`; // done\nlet re = /[/]\\//gi, x = a / b / c;',
  'function f<T>(x: T): Promise<void> { return x?.y ?? null; } /* block\ncomment */',
  '{"key": [1, 2.5e-3, true, null, "s\\"q"], "k2": {}}',
  'def f(x):\n    """doc\n    string"""\n    return f"{x!r}" + r\'\\d\' # comment\n@decorator\nclass A(B): pass',
  '#include <stdio.h>\nint main(void) { char c = \'\\n\'; printf("%d\\n", 0x1F); return 0; } // end',
  "fn main<'a>(s: &'a str) -> Result<u32, E> { let c = 'x'; println!(\"{}\", 1_000u32); }",
  'package main\nimport "fmt"\nfunc main() { s := `raw\nstring`; fmt.Println(s) }',
  'for f in *.txt; do echo "$f ${HOME}" $1 \'lit $x\' | grep -v x && ls --all; done # c\n$ npm i',
  '<!DOCTYPE html><div class="a" id=b data-x=\'y\'>Hi &amp; bye<!-- c --><script>if (a < b) alert("</div>")</script><style>a { color: red }</style></div>',
  '<?xml version="1.0"?><a:b x="1"><![CDATA[ <raw> ]]></a:b>',
  '@media (max-width: 600px) { .a > #b:hover::before { color: #fff !important; margin: -1.5em 10%; content: "\\"" } }',
  "SELECT id, COUNT(*) AS n FROM t WHERE s = 'it''s' -- c\n/* b */ GROUP BY id;",
  'key: value # c\nlist:\n  - "a"\n  - 1.5\n  - &anchor yes\n---\n[section]\nk = """multi\nline"""\n; ini comment',
  'diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-old\n+new\n ctx',
  "It's a test: don't 'quote' me # not a comment? // maybe\n",
  '', '\n', ' ', '"', "'", '`', '/', '/*', '<', '<a', '<a b="', '#', '$', '${', '\\', '0x', '1e', '.5', "r'", '"""', "'''", '@', '&', '---',
];

test('tokens concatenate to the input for every family and snippet', () => {
  for (const lang of LANGS) for (const code of SNIPPETS) assertTiles(code, lang);
});

test('random strings tile in every family (seeded fuzz)', () => {
  let seed = 0x9e3779b9;
  const random = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
  const pieces = ['"', "'", '`', '/', '*', '\\', '#', '<', '>', '!', '-', '$', '{', '}', '(', ')', '[', ']', ':', '=', ';', '&', '@', '.', '\n', ' ', '\t',
    'a', 'Z', '_', '0', '9', 'x', 'e', 'if', 'def', '//', '/*', '*/', '<!--', '-->', '"""', '${', '<script>', '</script>', '<style>', 'é', '😀', '\r'];
  let cases = 0;
  for (let n = 0; n < 150; n++) {
    let code = '';
    const len = Math.floor(random() * 80);
    for (let i = 0; i < len; i++) code += pieces[Math.floor(random() * pieces.length)];
    for (const lang of LANGS) {
      assertTiles(code, lang);
      cases++;
    }
  }
  assert.ok(cases >= 3000);
});

test('python: keywords, functions, strings, comments', () => {
  const tokens = assertTiles('def f(x): return "a" # c', 'python');
  assert.equal(classOf(tokens, 'def'), 'kw');
  assert.equal(classOf(tokens, 'f'), 'fn');
  assert.equal(classOf(tokens, 'return'), 'kw');
  assert.equal(classOf(tokens, '"a"'), 'str');
  assert.equal(classOf(tokens, '# c'), 'com');
  const more = assertTiles("x = rb'\\d' + f\"{y}\" + '''multi\nline''' + 42", 'py');
  assert.equal(classOf(more, "rb'\\d'"), 'str');
  assert.equal(classOf(more, 'f"{y}"'), 'str');
  assert.equal(classOf(more, "'''multi\nline'''"), 'str');
  assert.equal(classOf(more, '42'), 'num');
});

test('javascript: template strings, regexes, division, numbers', () => {
  const tokens = assertTiles('const s = `hi ${name} ${`nested`}!`; const r = /a\\/[/]/g; x = a / b / 2.5e3;', 'js');
  assert.equal(classOf(tokens, 'const'), 'kw');
  assert.equal(classOf(tokens, '`hi ${name} ${`nested`}!`'), 'str');
  assert.equal(classOf(tokens, '/a\\/[/]/g'), 'str');
  assert.equal(classOf(tokens, '2.5e3'), 'num');
  assert.ok(tokens.filter((t) => t.text === '/' || t.text === ' / ').every((t) => t.cls !== 'str'));
  const ts = assertTiles('interface A { b: string } // note', 'ts');
  assert.equal(classOf(ts, 'interface'), 'kw');
  assert.equal(classOf(ts, 'A'), 'type');
  assert.equal(classOf(ts, 'string'), 'type');
  assert.equal(classOf(ts, '// note'), 'com');
});

test('C family: block comments, preprocessor, chars, types', () => {
  const c = assertTiles('/* a\n * b */\n#include <stdio.h>\nint main() { return \'x\' + 0xFF; }', 'c');
  assert.equal(classOf(c, '/* a\n * b */'), 'com');
  assert.equal(classOf(c, '#include'), 'kw');
  assert.equal(classOf(c, '<stdio.h>'), 'str');
  assert.equal(classOf(c, 'int'), 'type');
  assert.equal(classOf(c, 'main'), 'fn');
  assert.equal(classOf(c, "'x'"), 'str');
  assert.equal(classOf(c, '0xFF'), 'num');
  const rust = assertTiles("fn run<'a>(s: &'a str) { println!(\"{}\", 'c'); }", 'rust');
  assert.equal(classOf(rust, 'fn'), 'kw');
  assert.equal(classOf(rust, 'run'), 'fn');
  assert.equal(classOf(rust, "'a"), 'type');
  assert.equal(classOf(rust, 'println'), 'fn');
  assert.equal(classOf(rust, "'c'"), 'str');
});

test('unterminated strings and comments run to the end without losing text', () => {
  assert.deepEqual(highlight('x = "open', 'js').at(-1), { text: '"open', cls: 'str' });
  assert.deepEqual(highlight('a /* open\nstill', 'c').at(-1), { text: '/* open\nstill', cls: 'com' });
  assert.deepEqual(highlight("'''open\nmore", 'python'), [{ text: "'''open\nmore", cls: 'str' }]);
  assert.deepEqual(highlight('`tpl ${', 'js'), [{ text: '`tpl ${', cls: 'str' }]);
  // A single-line string stops at the newline; the next line lexes normally.
  const tokens = assertTiles('"open\nlet x', 'js');
  assert.equal(classOf(tokens, '"open'), 'str');
  assert.equal(classOf(tokens, 'let'), 'kw');
  assert.deepEqual(highlight('<!-- open', 'html'), [{ text: '<!-- open', cls: 'com' }]);
});

test('shell, markup, css, sql, config, diff', () => {
  const sh = assertTiles('if [ -f x ]; then echo "$HOME" ${A} $1; fi # c\ngit commit -m msg', 'bash');
  assert.equal(classOf(sh, 'if'), 'kw');
  assert.equal(classOf(sh, 'echo'), 'fn');
  assert.equal(classOf(sh, '"$HOME"'), 'str');
  assert.equal(classOf(sh, '${A}'), 'var');
  assert.equal(classOf(sh, '$1'), 'var');
  assert.equal(classOf(sh, '# c'), 'com');
  assert.equal(classOf(sh, 'git'), 'fn');
  assert.equal(classOf(sh, '-m'), 'attr');
  const html = assertTiles('<a href="x" onclick=go()>t &amp; u</a><!-- c -->', 'html');
  assert.equal(classOf(html, 'a'), 'tag');
  assert.equal(classOf(html, 'href'), 'attr');
  assert.equal(classOf(html, '"x"'), 'str');
  assert.equal(classOf(html, '&amp;'), 'kw');
  assert.equal(classOf(html, '<!-- c -->'), 'com');
  const css = assertTiles('.btn:hover { color: #fff; width: 50%; } /* c */', 'css');
  assert.equal(classOf(css, '.btn'), 'type');
  assert.equal(classOf(css, 'color'), 'attr');
  assert.equal(classOf(css, '#fff'), 'num');
  assert.equal(classOf(css, '50%'), 'num');
  assert.equal(classOf(css, '/* c */'), 'com');
  const sql = assertTiles("select name from users where id = 1 -- c", 'sql');
  assert.equal(classOf(sql, 'select'), 'kw');
  assert.equal(classOf(sql, '1'), 'num');
  assert.equal(classOf(sql, '-- c'), 'com');
  const yaml = assertTiles('name: "x" # c\nn: 3\nok: true', 'yaml');
  assert.equal(classOf(yaml, 'name'), 'attr');
  assert.equal(classOf(yaml, '"x"'), 'str');
  assert.equal(classOf(yaml, '# c'), 'com');
  assert.equal(classOf(yaml, '3'), 'num');
  assert.equal(classOf(yaml, 'true'), 'kw');
  const toml = assertTiles('[package]\nname = "hearth"', 'toml');
  assert.equal(classOf(toml, '[package]'), 'type');
  assert.equal(classOf(toml, 'name'), 'attr');
  const diff = assertTiles('-a\n+b\n c', 'diff');
  assert.equal(classOf(diff, '-a\n'), 'del');
  assert.equal(classOf(diff, '+b\n'), 'ins');
  const json = assertTiles('{"k": "v", "n": -1}', 'json');
  assert.equal(classOf(json, '"k"'), 'attr');
  assert.equal(classOf(json, '"v"'), 'str');
});

test('generic fallback: strings, numbers, comments, careful with prose', () => {
  const tokens = assertTiles("It's 42 'q' # note", 'no-such-language');
  assert.equal(classOf(tokens, '42'), 'num');
  assert.equal(classOf(tokens, "'q'"), 'str');
  assert.equal(classOf(tokens, '# note'), 'com');
  assert.ok(!tokens.some((t) => t.cls === 'str' && t.text.startsWith("'s")), 'an apostrophe opens no string');
  assert.ok(!assertTiles('see https://x.com/a', 'whatever').some((t) => t.cls === 'com'), 'no comment inside a URL');
  assert.deepEqual(highlight('plain *text*', 'text'), [{ text: 'plain *text*', cls: 'plain' }]);
});

test('pathological inputs are lexed in linear-ish time', () => {
  const N = 200_000;
  const inputs = ['/'.repeat(N), '(/'.repeat(N / 2), '"'.repeat(N), '`${'.repeat(N / 3), '/*'.repeat(N / 2), '<'.repeat(N), '<a '.repeat(N / 3),
    '#'.repeat(N), '$'.repeat(N), "'".repeat(N), 'a'.repeat(N), ' '.repeat(N) + 'x', '-'.repeat(N), '0'.repeat(N), '&'.repeat(N), '@'.repeat(N), ':'.repeat(N)];
  for (const lang of ['js', 'python', 'c', 'rust', 'bash', 'html', 'css', 'sql', 'yaml', 'diff', 'json', 'unknown']) {
    for (const code of inputs) {
      const t0 = performance.now();
      const tokens = highlight(code, lang);
      const ms = performance.now() - t0;
      assert.equal(tokens.reduce((n, t) => n + t.text.length, 0), code.length);
      // A hang guard only: these take a few milliseconds each.
      assert.ok(ms < 2000, `${lang} ${JSON.stringify(code.slice(0, 6))}: ${ms.toFixed(0)} ms`);
    }
  }
});
