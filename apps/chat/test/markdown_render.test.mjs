// renderMarkdown / renderMarkdownInto against a tiny fake DOM (the app has no jsdom, and adds no
// dependency for it). render.ts may use only this subset of the DOM, which the fake implements:
//   document.createElement(tag), document.createTextNode(text), document.createDocumentFragment()
//   node.append(...nodes), element.setAttribute(name, value), element.addEventListener(type, fn),
//   element.replaceChildren(...nodes), element.ownerDocument
// The HTML-string sinks (innerHTML, outerHTML, insertAdjacentHTML, document.write) throw here.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { parseMarkdown } from '../build-test/markdown/parse.js';
import { renderMarkdown, renderMarkdownInto } from '../build-test/markdown/render.js';

// ---- the fake DOM ----

const forbidden = (what) => () => {
  throw new Error(`render used ${what}`);
};

class FakeNode {
  constructor(doc) {
    this.ownerDocument = doc;
    this.parentNode = null;
    this.childNodes = [];
  }
  append(...nodes) {
    for (const node of nodes) {
      if (typeof node === 'string') throw new Error('append(string) is outside the fake DOM subset');
      if (!(node instanceof FakeNode)) throw new Error('append of a non-node');
      if (node instanceof FakeFragment) {
        const moved = node.childNodes;
        node.childNodes = [];
        for (const child of moved) this.#adopt(child);
      } else {
        if (node.parentNode) node.parentNode.childNodes = node.parentNode.childNodes.filter((n) => n !== node);
        this.#adopt(node);
      }
    }
  }
  #adopt(node) {
    node.parentNode = this;
    this.childNodes.push(node);
  }
  get textContent() {
    return this.childNodes.map((n) => n.textContent).join('');
  }
}

class FakeText extends FakeNode {
  constructor(doc, data) {
    super(doc);
    this.data = String(data);
  }
  append() {
    throw new Error('append on a text node');
  }
  get textContent() {
    return this.data;
  }
}

class FakeFragment extends FakeNode {}

class FakeElement extends FakeNode {
  constructor(doc, tagName) {
    super(doc);
    this.tagName = tagName;
    this.attributes = new Map();
    this.listeners = new Map();
  }
  setAttribute(name, value) {
    this.attributes.set(String(name).toLowerCase(), String(value));
  }
  getAttribute(name) {
    return this.attributes.get(name) ?? null;
  }
  addEventListener(type, listener) {
    if (!this.listeners.has(type)) this.listeners.set(type, []);
    this.listeners.get(type).push(listener);
  }
  click() {
    for (const listener of this.listeners.get('click') ?? []) listener({ type: 'click', target: this });
  }
  replaceChildren(...nodes) {
    for (const child of this.childNodes) child.parentNode = null;
    this.childNodes = [];
    this.append(...nodes);
  }
  get textContent() {
    return super.textContent;
  }
  set textContent(_) {
    throw new Error('textContent= is outside the fake DOM subset');
  }
  set innerHTML(_) { forbidden('innerHTML')(); }
  get innerHTML() { return forbidden('innerHTML')(); }
  set outerHTML(_) { forbidden('outerHTML')(); }
  get outerHTML() { return forbidden('outerHTML')(); }
}
FakeElement.prototype.insertAdjacentHTML = forbidden('insertAdjacentHTML');

class FakeDocument {
  createElement(tag) {
    return new FakeElement(this, String(tag).toLowerCase());
  }
  createTextNode(data) {
    return new FakeText(this, data);
  }
  createDocumentFragment() {
    return new FakeFragment(this);
  }
}
FakeDocument.prototype.write = forbidden('document.write');
FakeDocument.prototype.writeln = forbidden('document.writeln');

// ---- inspection ----

const escapeText = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** HTML-like serialization, only for reading the tree in assertions. */
function serialize(node) {
  if (node instanceof FakeText) return escapeText(node.data);
  const inner = node.childNodes.map(serialize).join('');
  if (!(node instanceof FakeElement)) return inner;
  const attrs = [...node.attributes].map(([k, v]) => ` ${k}="${escapeText(v).replace(/"/g, '&quot;')}"`).join('');
  return node.tagName === 'br' || node.tagName === 'hr' ? `<${node.tagName}${attrs}>` : `<${node.tagName}${attrs}>${inner}</${node.tagName}>`;
}
function elements(node, out = []) {
  for (const child of node.childNodes) {
    if (child instanceof FakeElement) {
      out.push(child);
      elements(child, out);
    }
  }
  return out;
}

const ALLOWED_TAGS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'code', 'span', 'div', 'button', 'ul', 'ol', 'li', 'blockquote', 'hr',
  'table', 'thead', 'tbody', 'tr', 'th', 'td', 'strong', 'em', 'del', 'a', 'br']);
const ALLOWED_ATTRS = new Set(['class', 'href', 'rel', 'target', 'start', 'type', 'title']);

/** Every element and attribute is on the allow-lists; links are safe. */
function assertSafe(root, label) {
  for (const el of elements(root)) {
    assert.ok(ALLOWED_TAGS.has(el.tagName), `${label}: tag <${el.tagName}>`);
    for (const [name, value] of el.attributes) {
      assert.ok(ALLOWED_ATTRS.has(name), `${label}: attribute ${name}`);
      assert.ok(!name.startsWith('on'), `${label}: handler attribute ${name}`);
      if (name === 'href') {
        assert.equal(el.tagName, 'a');
        assert.match(value, /^(https?:\/\/|mailto:)/, `${label}: href ${value}`);
      }
    }
    if (el.tagName === 'a') {
      assert.equal(el.getAttribute('rel'), 'noopener noreferrer nofollow');
      assert.equal(el.getAttribute('target'), '_blank');
      assert.ok(!elements(el).some((inner) => inner.tagName === 'a'), `${label}: link inside a link`);
    }
    if (el.tagName === 'button') assert.equal(el.getAttribute('type'), 'button');
  }
}

const doc = new FakeDocument();
const render = (src, opts) => renderMarkdown(parseMarkdown(src), doc, opts);
const html = (src, opts) => serialize(render(src, opts));

// ---- tests ----

test('blocks render to the expected elements', () => {
  assert.equal(html('# T\n\na *b* **c** ~~d~~ `e`\nf'), '<h1>T</h1><p>a <em>b</em> <strong>c</strong> <del>d</del> <code>e</code><br>f</p>');
  assert.equal(html('###### six'), '<h6>six</h6>');
  assert.equal(html('> q\n\n---'), '<blockquote><p>q</p></blockquote><hr>');
  assert.equal(html('- a\n- b\n  - c'), '<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul>');
  assert.equal(html('3. x\n4. y'), '<ol start="3"><li>x</li><li>y</li></ol>');
  assert.equal(html('1. x'), '<ol><li>x</li></ol>');
  // An item with several paragraphs keeps them as <p>.
  assert.equal(html('- a\n\n  b'), '<ul><li><p>a</p><p>b</p></li></ul>');
});

test('tables sit in a scroll wrapper with alignment classes', () => {
  assert.equal(
    html('| a | b |\n|:-:|--:|\n| 1 | 2 |'),
    '<div class="table-wrap"><table><thead><tr><th class="align-center">a</th><th class="align-right">b</th></tr></thead>' +
      '<tbody><tr><td class="align-center">1</td><td class="align-right">2</td></tr></tbody></table></div>',
  );
});

test('code blocks: header, language class, highlighted spans, streaming class', () => {
  const out = html('```js\nlet x = "<b>";\n```');
  assert.equal(
    out,
    '<div class="code-block"><div class="code-head"><span class="code-lang">js</span><button class="copy-code" type="button">Copy</button></div>' +
      '<pre><code class="lang-js"><span class="tok-kw">let</span> x <span class="tok-op">=</span> <span class="tok-str">"&lt;b&gt;"</span><span class="tok-punct">;</span></code></pre></div>',
  );
  const open = render('```py\nprint(1)');
  assert.equal(elements(open)[0].getAttribute('class'), 'code-block streaming');
  // The language label and class cannot smuggle extra class names or markup.
  const weird = render('```"><img src=x onerror=alert(1)> x\ncode\n```');
  const code = elements(weird).find((el) => el.tagName === 'code');
  assert.equal(code.getAttribute('class'), 'lang-img');
  assert.equal(code.textContent, 'code');
  assertSafe(weird, 'weird lang');
});

test('the copy button hands over the exact code text', () => {
  const copied = [];
  const source = 'a\t<b> & "c"  \n\n  \\x`\n';
  const frag = render('~~~sh\n' + source + '\n~~~', { onCopy: (text) => copied.push(text) });
  const button = elements(frag).find((el) => el.tagName === 'button');
  button.click();
  button.click();
  assert.deepEqual(copied, [source, source]);
  // No handler given: nothing is wired and nothing breaks.
  const quiet = elements(render('```\nx\n```')).find((el) => el.tagName === 'button');
  assert.equal(quiet.listeners.size, 0);
});

test('links get the safe attributes; unsafe ones render as text', () => {
  assert.equal(
    html('[site](https://example.com/a "t")'),
    '<p><a href="https://example.com/a" rel="noopener noreferrer nofollow" target="_blank">site</a></p>',
  );
  assert.equal(html('<mailto:me@x.com>'), '<p><a href="mailto:me@x.com" rel="noopener noreferrer nofollow" target="_blank">mailto:me@x.com</a></p>');
  for (const href of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java&#x09;script:alert(1)', 'data:text/html;base64,PHNjcmlwdD4=', 'vbscript:x', '/relative', '//evil.com', '#x', '']) {
    const frag = render(`[click me](${href})`);
    assert.ok(!elements(frag).some((el) => el.tagName === 'a'), href);
    assert.equal(frag.textContent, 'click me', href);
  }
  assert.ok(!elements(render('<javascript:alert(1)>')).some((el) => el.tagName === 'a'));
});

test('images never load: alt text, or a link when the source is http(s)', () => {
  assert.equal(html('![a cat](https://x.com/cat.png)'), '<p><a href="https://x.com/cat.png" rel="noopener noreferrer nofollow" target="_blank">a cat</a></p>');
  assert.equal(html('![a cat](data:image/png;base64,AAAA)'), '<p>a cat</p>');
  assert.equal(html('![](javascript:alert(1))'), '<p></p>');
  // A badge: image inside a link. Only the outer link is live, with the alt as its text.
  const badge = render('[![build](https://ci/badge.svg)](https://ci/)');
  assertSafe(badge, 'badge');
  assert.equal(serialize(badge), '<p><a href="https://ci/" rel="noopener noreferrer nofollow" target="_blank">build</a></p>');
});

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '<svg onload=alert(1)><a xlink:href="javascript:alert(1)">x</a></svg>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<a href="javascript:alert(1)" onclick="alert(1)">x</a>',
  '<style>body{background:url(//evil)}</style>',
  '<details open ontoggle=alert(1)>',
  '[x](javascript:alert(1)) [y]( javascript:alert(1) ) [z](<javascript:alert(1)>)',
  '[x](javascript&colon;alert(1)) [x](jav&#x09;ascript:alert(1)) [x](&#106;avascript:alert(1))',
  '[x](data:text/html,<script>alert(1)</script>) ![y](https://evil/track.gif) ![z](//evil/x.png)',
  '<javascript:alert(1)> <data:text/html,x> <vbscript:x>',
  '**<img src=x onerror=alert(1)>** `<script>` ~~<b onmouseover=alert(1)>~~',
  '```html\n<script>alert(1)</script>\n```',
  '```"><script>alert(1)</script>\nx\n```',
  '| <img src=x onerror=alert(1)> | [a](javascript:b) |\n|---|---|\n| <script>x</script> | ![i](data:x) |',
  '> <img src=x onerror=alert(1)>\n> - [a](vbscript:x)',
  '&lt;script&gt;alert(1)&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62;',
  '<!-- --><img src=x onerror=alert(1)> <![CDATA[<script>]]>',
  '[x](https://ok.com" onmouseover="alert(1))',
  '[x](https://ok.com/\u0000\u202e) https://ok.com/"onmouseover="alert(1)',
];

test('hostile input produces only allowed tags and attributes', () => {
  for (const src of HOSTILE) {
    const frag = render(src, { onCopy: () => {} });
    assertSafe(frag, src);
  }
  // Raw HTML shows as literal text.
  assert.ok(render(HOSTILE[0]).textContent.includes('<img src=x onerror=alert(1)>'));
  assert.ok(render(HOSTILE[1]).textContent.includes('<script>alert(1)</script>'));
  assert.equal(html('<b>bold?</b>'), '<p>&lt;b&gt;bold?&lt;/b&gt;</p>');
  // An href with quotes arrives percent-encoded in the one attribute it belongs to.
  const [a] = elements(render(HOSTILE[18])).filter((el) => el.tagName === 'a');
  assert.ok(a === undefined || !a.getAttribute('href').includes('"'));
});

test('random Markdown renders safely (seeded fuzz)', () => {
  let seed = 7;
  const random = () => ((seed = (Math.imul(seed, 48271) + 11) >>> 0) / 2 ** 32);
  const pieces = ['<img src=x onerror=alert(1)>', '<script>', '[', ']', '(', ')', 'javascript:alert(1)', 'https://x.y/', 'data:x', '![', '*', '_', '~~',
    '`', '```', '\n', '\n\n', '> ', '- ', '1. ', '| ', '|---|', '# ', 'a', ' ', '\\', '&#106;', '<', '>', '"', 'on'];
  for (let n = 0; n < 1500; n++) {
    let src = '';
    const len = Math.floor(random() * 40);
    for (let i = 0; i < len; i++) src += pieces[Math.floor(random() * pieces.length)];
    assertSafe(render(src, { onCopy: () => {} }), JSON.stringify(src));
  }
});

test('renderMarkdownInto replaces the element\'s children', () => {
  const el = doc.createElement('div');
  el.append(doc.createTextNode('old'));
  renderMarkdownInto(el, '**new**');
  assert.equal(serialize(el), '<div><p><strong>new</strong></p></div>');
  // Re-rendering on every streamed token replaces, never appends.
  renderMarkdownInto(el, '**new** and more');
  renderMarkdownInto(el, '**new** and more\n```js\nlet');
  assert.equal(el.childNodes.length, 2);
  assert.equal(el.childNodes[1].getAttribute('class'), 'code-block streaming');
});

test('deeply nested input renders without exhausting the stack', () => {
  const inputs = ['>'.repeat(10000) + ' x', '*a '.repeat(20000) + 'a* '.repeat(20000), '!['.repeat(20000) + '](https://x/)'.repeat(20000),
    Array.from({ length: 300 }, (_, i) => ' '.repeat(i * 2) + '- x').join('\n')];
  for (const src of inputs) assertSafe(render(src), src.slice(0, 20));
});

test('the markdown sources never touch HTML-string sinks', () => {
  const dir = new URL('../src/markdown/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  assert.ok(files.includes('render.ts'));
  for (const file of files) {
    const source = readFileSync(new URL(file, dir), 'utf8');
    for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'DOMParser', 'createContextualFragment', 'srcdoc', 'eval(', 'new Function']) {
      assert.ok(!source.includes(sink), `${file} mentions ${sink}`);
    }
  }
});
