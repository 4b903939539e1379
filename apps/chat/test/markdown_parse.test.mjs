// parseMarkdown (blocks and inlines) and safeHref. Run after `tsc -p tsconfig.test.json`.
import test from 'node:test';
import assert from 'node:assert/strict';
import { parseMarkdown, safeHref } from '../build-test/markdown/parse.js';

const text = (s) => ({ kind: 'text', text: s });
const br = { kind: 'break' };
/** The inlines of a single-paragraph document. */
const inlines = (src) => {
  const blocks = parseMarkdown(src);
  assert.equal(blocks.length, 1, `one block for ${JSON.stringify(src)}`);
  assert.equal(blocks[0].kind, 'paragraph');
  return blocks[0].children;
};
/** All text in an inline tree, for "stays literal" checks. */
const flat = (nodes, hrefs = false) => nodes.map((n) => {
  if (n.kind === 'text' || n.kind === 'code') return n.text;
  if (n.kind === 'break') return '\n';
  const inner = flat(n.children, hrefs);
  // With `hrefs`, a link's destination counts too, unless it is the text itself (autolinks).
  return hrefs && n.kind === 'link' && n.href !== inner && n.href !== 'mailto:' + inner ? inner + n.href : inner;
}).join('');
const flatBlocks = (blocks, hrefs = false) => blocks.map((b) => {
  switch (b.kind) {
    case 'paragraph': case 'heading': return flat(b.children, hrefs);
    case 'code': return b.text;
    case 'list': return b.items.map((item) => flatBlocks(item, hrefs)).join('\n');
    case 'quote': return flatBlocks(b.children, hrefs);
    case 'table': return [...b.header, ...b.rows.flat()].map((cell) => flat(cell, hrefs)).join('|');
    default: return '';
  }
}).join('\n');

test('paragraphs split on blank lines; every newline is a break', () => {
  assert.deepEqual(parseMarkdown('a\nb\n\n\nc'), [
    { kind: 'paragraph', children: [text('a'), br, text('b')] },
    { kind: 'paragraph', children: [text('c')] },
  ]);
  // Hard breaks (two spaces, backslash) look the same; trailing spaces are dropped.
  assert.deepEqual(inlines('a  \nb\\\nc   '), [text('a'), br, text('b'), br, text('c')]);
  assert.deepEqual(parseMarkdown(''), []);
  assert.deepEqual(parseMarkdown('\r\n  \n'), []);
});

test('ATX headings', () => {
  for (let level = 1; level <= 6; level++) {
    assert.deepEqual(parseMarkdown('#'.repeat(level) + ' Title'), [{ kind: 'heading', level, children: [text('Title')] }]);
  }
  assert.deepEqual(parseMarkdown('## Closed ##'), [{ kind: 'heading', level: 2, children: [text('Closed')] }]);
  assert.deepEqual(parseMarkdown('# a #b'), [{ kind: 'heading', level: 1, children: [text('a #b')] }]);
  assert.equal(parseMarkdown('#hashtag')[0].kind, 'paragraph');
  assert.equal(parseMarkdown('####### seven')[0].kind, 'paragraph');
  assert.deepEqual(parseMarkdown('text\n# Head\nmore').map((b) => b.kind), ['paragraph', 'heading', 'paragraph']);
});

test('fenced code with backticks and tildes, info string to lang', () => {
  assert.deepEqual(parseMarkdown('```python title="x"\ndef f():\n    pass\n```\nafter'), [
    { kind: 'code', lang: 'python', text: 'def f():\n    pass', closed: true },
    { kind: 'paragraph', children: [text('after')] },
  ]);
  assert.deepEqual(parseMarkdown('~~~\n<b>\n~~~'), [{ kind: 'code', lang: '', text: '<b>', closed: true }]);
  // A shorter fence inside does not close a longer one; a fence interrupts a paragraph.
  assert.deepEqual(parseMarkdown('intro\n````md\n```js\nx\n```\n````'), [
    { kind: 'paragraph', children: [text('intro')] },
    { kind: 'code', lang: 'md', text: '```js\nx\n```', closed: true },
  ]);
  // Markdown inside code is not parsed.
  assert.equal(parseMarkdown('```\n**a** [b](c)\n```')[0].text, '**a** [b](c)');
  // "```x```" on one line is inline code, not a fence.
  assert.deepEqual(inlines('```x```'), [{ kind: 'code', text: 'x' }]);
  // An indented fence loses its indentation from the content.
  assert.equal(parseMarkdown('  ```\n  a\n    b\n  ```')[0].text, 'a\n  b');
});

test('streaming: an unclosed fence is an open code block', () => {
  assert.deepEqual(parseMarkdown('```js\nlet a = 1;'), [{ kind: 'code', lang: 'js', text: 'let a = 1;', closed: false }]);
  assert.deepEqual(parseMarkdown('```js\nlet a = 1;\n'), [{ kind: 'code', lang: 'js', text: 'let a = 1;', closed: false }]);
  // The closing fence arriving one character at a time is not shown as code.
  assert.equal(parseMarkdown('```js\nlet a = 1;\n`')[0].text, 'let a = 1;');
  assert.equal(parseMarkdown('```js\nlet a = 1;\n``')[0].text, 'let a = 1;');
  assert.deepEqual(parseMarkdown('```js\nlet a = 1;\n```')[0].closed, true);
  assert.deepEqual(parseMarkdown('```'), [{ kind: 'code', lang: '', text: '', closed: false }]);
});

test('bullet lists, nesting by indentation', () => {
  const para = (s) => ({ kind: 'paragraph', children: [text(s)] });
  const ul = (...items) => ({ kind: 'list', ordered: false, start: 1, items });
  assert.deepEqual(parseMarkdown('- a\n- b\n  - c\n    - d\n- e'), [ul([para('a')], [para('b'), ul([para('c'), ul([para('d')])])], [para('e')])]);
  // Four-space nesting, and the other bullet characters.
  assert.deepEqual(parseMarkdown('* a\n    * b'), [ul([para('a'), ul([para('b')])])]);
  assert.deepEqual(parseMarkdown('+ a\n+ b'), [ul([para('a')], [para('b')])]);
  // A different bullet starts a new list.
  assert.equal(parseMarkdown('- a\n* b').length, 2);
  // Blank lines between items keep one list; an unindented paragraph after a blank ends it.
  assert.deepEqual(parseMarkdown('- a\n\n- b\n\nafter'), [ul([para('a')], [para('b')]), para('after')]);
  // Lazy continuation and indented continuation belong to the item.
  assert.deepEqual(parseMarkdown('- a\nb\n  c'), [ul([{ kind: 'paragraph', children: [text('a'), br, text('b'), br, text('c')] }])]);
  // A list may interrupt a paragraph (LLMs rarely leave a blank line before one).
  assert.deepEqual(parseMarkdown('Items:\n- x'), [para('Items:'), ul([para('x')])]);
  // "- - -" is a rule, "-x" is text.
  assert.deepEqual(parseMarkdown('- - -'), [{ kind: 'rule' }]);
  assert.equal(parseMarkdown('-x')[0].kind, 'paragraph');
});

test('ordered lists keep their start and delimiter', () => {
  const blocks = parseMarkdown('3. c\n4. d\n\n1) x');
  assert.deepEqual(blocks.map((b) => [b.kind, b.ordered, b.start, b.items.length]), [['list', true, 3, 2], ['list', true, 1, 1]]);
  // Sub-items under "1. " nested by two spaces (short of the content column) still nest,
  // and code inside keeps its relative indentation.
  const [list] = parseMarkdown('1. Run:\n  ```py\n  def f():\n      return 1\n  ```\n  - note\n2. Next');
  assert.equal(list.items.length, 2);
  assert.deepEqual(list.items[0].map((b) => b.kind), ['paragraph', 'code', 'list']);
  assert.equal(list.items[0][1].text, 'def f():\n    return 1');
  // "2." cannot interrupt a paragraph (a sentence wrapping onto a number), "1." can.
  assert.equal(parseMarkdown('in\n2. x').length, 1);
  assert.equal(parseMarkdown('in\n1. x').length, 2);
  // More than nine digits is not a list marker.
  assert.equal(parseMarkdown('1234567890. x')[0].kind, 'paragraph');
});

test('block quotes, nested, lazy, with blocks inside', () => {
  assert.deepEqual(parseMarkdown('> a\nlazy\n> > b'), [{
    kind: 'quote',
    children: [
      { kind: 'paragraph', children: [text('a'), br, text('lazy')] },
      { kind: 'quote', children: [{ kind: 'paragraph', children: [text('b')] }] },
    ],
  }]);
  const [quote] = parseMarkdown('> # H\n> - x\n> ```\n> code\n> ```');
  assert.deepEqual(quote.children.map((b) => b.kind), ['heading', 'list', 'code']);
  assert.equal(quote.children[2].text, 'code');
  assert.deepEqual(parseMarkdown('> a\n\nb').map((b) => b.kind), ['quote', 'paragraph']);
});

test('thematic breaks', () => {
  for (const rule of ['---', '***', '___', '* * *', ' - - - -', '_____']) assert.deepEqual(parseMarkdown(rule), [{ kind: 'rule' }], rule);
  assert.deepEqual(parseMarkdown('a\n---\nb').map((b) => b.kind), ['paragraph', 'rule', 'paragraph']);
  assert.equal(parseMarkdown('--')[0].kind, 'paragraph');
});

test('GFM tables: alignment, cells, escaped pipes, padding', () => {
  const [table] = parseMarkdown('| a | **b** | c | d |\n|:--|:-:|--:|---|\n| 1 | `x|y` | 3 \\| 4 |\n| 5 | 6 | 7 | 8 | 9 |');
  assert.equal(table.kind, 'table');
  assert.deepEqual(table.align, ['left', 'center', 'right', null]);
  assert.deepEqual(table.header[1], [{ kind: 'strong', children: [text('b')] }]);
  assert.equal(table.rows.length, 2);
  // Rows are padded or cut to the header's width; a pipe splits even in code (as in GFM).
  assert.deepEqual(table.rows[0].map(flat), ['1', '`x', 'y`', '3 | 4']);
  assert.deepEqual(table.rows[1].map(flat), ['5', '6', '7', '8']);
  // Without outer pipes, and interrupting a paragraph.
  const blocks = parseMarkdown('Look:\na | b\n--- | ---\n1 | 2\nnot a row\n');
  assert.deepEqual(blocks.map((b) => b.kind), ['paragraph', 'table', 'paragraph']);
  assert.deepEqual(blocks[1].rows.map((r) => r.map(flat)), [['1', '2']]);
});

test('streaming: half-written tables', () => {
  // Header and a delimiter row that does not match yet: still a paragraph.
  assert.equal(parseMarkdown('| a | b |\n|---|-')[0].kind, 'table');
  assert.equal(parseMarkdown('| a | b |\n|--')[0].kind, 'paragraph');
  assert.equal(parseMarkdown('| a | b |')[0].kind, 'paragraph');
  // A header and delimiter row alone are a table with no rows; a partial row is padded.
  assert.deepEqual(parseMarkdown('| a | b |\n|---|---|')[0].rows, []);
  assert.deepEqual(parseMarkdown('| a | b |\n|---|---|\n| 1')[0].rows.map((r) => r.map(flat)), [['1', '']]);
});

test('code spans', () => {
  assert.deepEqual(inlines('a `b` c'), [text('a '), { kind: 'code', text: 'b' }, text(' c')]);
  assert.deepEqual(inlines('`` a ` b ``'), [{ kind: 'code', text: 'a ` b' }]);
  assert.deepEqual(inlines('`**not bold** <b>`'), [{ kind: 'code', text: '**not bold** <b>' }]);
  assert.deepEqual(inlines('`a\nb`'), [{ kind: 'code', text: 'a b' }]);
  // Unclosed, or closed by a run of another length: literal backticks.
  assert.deepEqual(inlines('`open'), [text('`open')]);
  assert.deepEqual(inlines('``a`'), [text('``a`')]);
  // Backslashes are literal inside code.
  assert.deepEqual(inlines('`a\\`'), [{ kind: 'code', text: 'a\\' }]);
});

test('emphasis: strong, em, del, nesting, word rules', () => {
  const strong = (...c) => ({ kind: 'strong', children: c });
  const em = (...c) => ({ kind: 'em', children: c });
  assert.deepEqual(inlines('**a** __b__ *c* _d_ ~~e~~'), [
    strong(text('a')), text(' '), strong(text('b')), text(' '), em(text('c')), text(' '), em(text('d')), text(' '),
    { kind: 'del', children: [text('e')] },
  ]);
  assert.deepEqual(inlines('***a***'), [em(strong(text('a')))]);
  assert.deepEqual(inlines('**a *b* c**'), [strong(text('a '), em(text('b')), text(' c'))]);
  // `_` does not emphasize inside words; `*` does.
  assert.deepEqual(inlines('snake_case_name'), [text('snake_case_name')]);
  assert.deepEqual(inlines('a*b*c'), [text('a'), em(text('b')), text('c')]);
  // A single tilde is not strikethrough ("~5 min").
  assert.deepEqual(inlines('~5 min ~x~'), [text('~5 min ~x~')]);
  // Spaces inside the delimiters: not emphasis.
  assert.deepEqual(inlines('a * b * c'), [text('a * b * c')]);
});

test('streaming: unfinished emphasis stays text', () => {
  assert.deepEqual(inlines('**bold'), [text('**bold')]);
  assert.deepEqual(inlines('some **bold and *it'), [text('some **bold and *it')]);
  assert.deepEqual(inlines('~~gone'), [text('~~gone')]);
  // A half-written link is not a link yet (its bare URL may autolink, as in GFM).
  const half = inlines('[link](https://exa');
  assert.equal(flat(half), '[link](https://exa');
  assert.equal(half[0].text, '[link](');
  assert.deepEqual(inlines('**'), [text('**')]);
});

test('links, images, autolinks and bare URLs', () => {
  const link = (href, ...c) => ({ kind: 'link', href, children: c });
  assert.deepEqual(inlines('[a *b*](https://x.com/p?q=1 "title")'), [link('https://x.com/p?q=1', text('a '), { kind: 'em', children: [text('b')] })]);
  assert.deepEqual(inlines('[a](<https://x.com/a b>)'), [link('https://x.com/a b', text('a'))]);
  assert.deepEqual(inlines('[a](https://x.com/(p))'), [link('https://x.com/(p)', text('a'))]);
  assert.deepEqual(inlines('[a](https://x.com/\\))'), [link('https://x.com/)', text('a'))]);
  assert.deepEqual(inlines('[a](https://x.com/?a=1&amp;b=2)'), [link('https://x.com/?a=1&b=2', text('a'))]);
  // Not links: reference style, a space before "(", no destination close.
  assert.deepEqual(inlines('[a][b] [c] (d)'), [text('[a][b] [c] (d)')]);
  // No links inside links.
  assert.deepEqual(inlines('[a [b](u1) c](u2)'), [text('[a '), link('u1', text('b')), text(' c](u2)')]);
  // Images become links to their source (the renderer decides whether to show one).
  assert.deepEqual(inlines('![alt](https://x.com/i.png)'), [link('https://x.com/i.png', text('alt'))]);
  assert.deepEqual(inlines('<https://x.com/a> <me@x.com> <notalink>'), [
    link('https://x.com/a', text('https://x.com/a')), text(' '), link('mailto:me@x.com', text('me@x.com')), text(' <notalink>'),
  ]);
  // Bare URLs lose trailing punctuation and unbalanced parentheses.
  assert.deepEqual(inlines('See https://x.com/a_(b). (https://y.org)'), [
    text('See '), link('https://x.com/a_(b)', text('https://x.com/a_(b)')), text('. ('), link('https://y.org', text('https://y.org')), text(')'),
  ]);
  assert.deepEqual(inlines('**https://x.com**'), [{ kind: 'strong', children: [link('https://x.com', text('https://x.com'))] }]);
  assert.deepEqual(inlines('xhttps://x.com https://'), [text('xhttps://x.com https://')]);
});

test('backslash escapes and entities', () => {
  assert.deepEqual(inlines('\\*not em\\* \\[x\\](y) \\`c\\` \\\\ \\a'), [text('*not em* [x](y) `c` \\ \\a')]);
  assert.deepEqual(inlines('&lt;b&gt; &amp; &#65;&#x42; &bogus; &'), [text('<b> & AB &bogus; &')]);
  assert.deepEqual(inlines('\\# not heading'), [text('# not heading')]);
});

test('raw HTML stays literal text', () => {
  const hostile = '<img src=x onerror=alert(1)> and <script>alert(1)</script>';
  assert.deepEqual(inlines(hostile), [text(hostile)]);
  const blocks = parseMarkdown('# <script>alert(1)</script>\n\n<div onclick="x">\n\n| <img src=x onerror=alert(1)> |\n|---|\n\n> <iframe src="javascript:alert(1)">');
  const all = flatBlocks(blocks);
  assert.ok(all.includes('<script>alert(1)</script>'));
  assert.ok(all.includes('<img src=x onerror=alert(1)>'));
  assert.ok(all.includes('<div onclick="x">'));
  assert.ok(all.includes('<iframe src="javascript:alert(1)">'));
});

test('safeHref allows only absolute http, https and mailto', () => {
  assert.equal(safeHref('https://example.com/a?b=1#c'), 'https://example.com/a?b=1#c');
  assert.equal(safeHref('http://example.com'), 'http://example.com/');
  assert.equal(safeHref('HTTPS://EXAMPLE.com'), 'https://example.com/');
  assert.equal(safeHref('mailto:me@example.com'), 'mailto:me@example.com');
  // Quotes and spaces come back percent-encoded.
  assert.equal(safeHref('https://x.com/a b"c'), 'https://x.com/a%20b%22c');
  for (const bad of [
    'javascript:alert(1)', 'JaVaScRiPt:alert(1)', '  javascript:alert(1)', 'java\tscript:alert(1)', '\njavascript:alert(1)',
    'javascript\n:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', 'file:///etc/passwd',
    'ftp://x.com', '/relative', 'relative/path', '#frag', '?q', '//evil.com', '\\\\evil.com', '', ' ', 'http:', 'https://',
  ]) {
    assert.equal(safeHref(bad), null, JSON.stringify(bad));
  }
});

test('deep nesting is capped, not a stack overflow', () => {
  const deep = parseMarkdown('>'.repeat(5000) + ' x');
  let depth = 0;
  for (let b = deep[0]; b && b.kind === 'quote'; b = b.children[0]) depth++;
  assert.ok(depth >= 8 && depth <= 32, `quote depth ${depth}`);
  assert.ok(flatBlocks(deep).endsWith('x'));
  const list = Array.from({ length: 400 }, (_, i) => ' '.repeat(i * 2) + '- item').join('\n');
  assert.doesNotThrow(() => parseMarkdown(list));
  assert.doesNotThrow(() => parseMarkdown('*a '.repeat(20000) + 'a* '.repeat(20000)));
  assert.doesNotThrow(() => parseMarkdown('!['.repeat(20000) + '](x)'.repeat(20000)));
});

test('pathological 200 KB inputs parse in linear-ish time', () => {
  const N = 200_000;
  const inputs = {
    stars: '*'.repeat(N), starWords: '*a'.repeat(N / 2), underscores: '_a'.repeat(N / 2), tildes: '~~a'.repeat(N / 3),
    brackets: '['.repeat(N), closers: ']'.repeat(N), openLinks: '[a]('.repeat(N / 4), nestedParens: '[a](' + '('.repeat(N),
    bracketsThenTails: '['.repeat(N / 2) + '](x'.repeat(N / 6), titles: '[a](b "'.repeat(N / 7),
    backticks: '`'.repeat(N), backtickWords: '`a'.repeat(N / 2),
    backtickRuns: Array.from({ length: N / 20 }, (_, i) => '`'.repeat((i % 17) + 1) + 'a').join(''),
    angles: '<'.repeat(N), angleWords: '<a'.repeat(N / 2), emails: '<a@'.repeat(N / 3), ampersands: '&'.repeat(N), entities: '&#x'.repeat(N / 3),
    urls: ' https://a('.repeat(N / 11), backslashes: '\\'.repeat(N), quotes: '>'.repeat(N), quoteSpaces: '> '.repeat(N / 2),
    bullets: '- '.repeat(N / 2) + 'x', newlines: 'a\n'.repeat(N / 2), pipes: '|'.repeat(N), hashes: '#'.repeat(N),
    fences: '```\n'.repeat(N / 4), tableRows: '| a | b |\n|---|---|\n' + '| 1 | 2 |\n'.repeat(N / 10),
    mixed: '*_~[]()`<>!&\\ a\n'.repeat(N / 16),
  };
  for (const [name, src] of Object.entries(inputs)) {
    const t0 = performance.now();
    parseMarkdown(src);
    const ms = performance.now() - t0;
    // A hang guard, not a benchmark: typical times are tens of milliseconds.
    assert.ok(ms < 2000, `${name}: ${ms.toFixed(0)} ms`);
  }
});

test('random input never throws and keeps its text', () => {
  let seed = 12345;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const alphabet = ['*', '_', '~', '`', '[', ']', '(', ')', '!', '<', '>', '\\', '&', '#', '-', '|', ':', ' ', '\n', 'a', 'b', '1.', 'https://x.y', '```\n'];
  for (let n = 0; n < 2000; n++) {
    let src = '';
    const len = Math.floor(random() * 60);
    for (let i = 0; i < len; i++) src += alphabet[Math.floor(random() * alphabet.length)];
    const blocks = parseMarkdown(src);
    // Letters are never dropped (markup characters may be); a link keeps its text and href.
    const letters = (s) => s.replace(/https:\/\/x\.y/g, '').replace(/[^ab]/g, '');
    assert.equal(letters(flatBlocks(blocks, true)), letters(src), JSON.stringify(src));
  }
});
