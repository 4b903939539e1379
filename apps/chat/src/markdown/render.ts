// Builds DOM for parsed Markdown. Model output is hostile input, so nothing it wrote ever
// becomes markup: every element comes from a fixed tag list via createElement, every piece of
// text is a text node, attributes are set only through setAttr() below from a fixed list, and
// hrefs pass safeHref() first. No HTML strings are built or parsed anywhere in this module.
// DOM API used (the test's fake document implements exactly this): document.createElement,
// createTextNode, createDocumentFragment; node.append; element.setAttribute, addEventListener,
// replaceChildren, ownerDocument.

import type { Align, Block, Inline } from './ast.ts';
import { highlight } from './highlight.ts';
import { safeHref } from './href.ts';
import { parseMarkdown } from './parse.ts';

export interface RenderOptions {
  /** Called with a code block's exact text when its Copy button is pressed. */
  onCopy?: (text: string) => void;
}

type Tag =
  | 'p' | 'h1' | 'h2' | 'h3' | 'h4' | 'h5' | 'h6' | 'pre' | 'code' | 'span' | 'div' | 'button'
  | 'ul' | 'ol' | 'li' | 'blockquote' | 'hr' | 'table' | 'thead' | 'tbody' | 'tr' | 'th' | 'td'
  | 'strong' | 'em' | 'del' | 'a' | 'br';

type AttrName = 'class' | 'href' | 'rel' | 'target' | 'start' | 'type';

const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const;

class Builder {
  constructor(private readonly doc: Document, private readonly opts: RenderOptions) {}

  el(tag: Tag, cls?: string): HTMLElement {
    const node = this.doc.createElement(tag);
    if (cls) setAttr(node, 'class', cls);
    return node;
  }

  text(text: string): Text {
    return this.doc.createTextNode(text);
  }

  blocks(blocks: Block[], parent: Node & ParentNode): void {
    for (const block of blocks) parent.append(this.block(block));
  }

  block(block: Block): Node {
    switch (block.kind) {
      case 'paragraph': return this.withInlines(this.el('p'), block.children);
      case 'heading': {
        const level = Math.min(6, Math.max(1, Math.floor(block.level) || 1));
        return this.withInlines(this.el(HEADINGS[level - 1]!), block.children);
      }
      case 'code': return this.codeBlock(block.lang, block.text, block.closed);
      case 'list': return this.list(block.ordered, block.start, block.items);
      case 'quote': {
        const quote = this.el('blockquote');
        this.blocks(block.children, quote);
        return quote;
      }
      case 'rule': return this.el('hr');
      case 'table': return this.table(block.align, block.header, block.rows);
    }
  }

  private codeBlock(lang: string, text: string, closed: boolean): Node {
    const wrap = this.el('div', closed ? 'code-block' : 'code-block streaming');
    const head = this.el('div', 'code-head');
    const label = this.el('span', 'code-lang');
    label.append(this.text(lang || 'text'));
    const copy = this.el('button', 'copy-code');
    setAttr(copy, 'type', 'button');
    copy.append(this.text('Copy'));
    const onCopy = this.opts.onCopy;
    if (onCopy) copy.addEventListener('click', () => onCopy(text));
    head.append(label, copy);
    const pre = this.el('pre');
    const langClass = lang.toLowerCase().replace(/[^a-z0-9_+#.-]/g, '');
    const code = this.el('code', langClass ? 'lang-' + langClass : undefined);
    for (const token of highlight(text, lang)) {
      if (token.cls === 'plain') {
        code.append(this.text(token.text));
      } else {
        const span = this.el('span', 'tok-' + token.cls);
        span.append(this.text(token.text));
        code.append(span);
      }
    }
    pre.append(code);
    wrap.append(head, pre);
    return wrap;
  }

  private list(ordered: boolean, start: number, items: Block[][]): Node {
    const list = this.el(ordered ? 'ol' : 'ul');
    if (ordered && start !== 1) setAttr(list, 'start', String(start));
    for (const item of items) {
      const li = this.el('li');
      // A lone paragraph is the item's text itself (a "tight" item) rather than a <p>.
      const paragraphs = item.filter((b) => b.kind === 'paragraph').length;
      for (const block of item) {
        if (block.kind === 'paragraph' && paragraphs === 1) this.inlines(block.children, li, false);
        else li.append(this.block(block));
      }
      list.append(li);
    }
    return list;
  }

  private table(align: Align[], header: Inline[][], rows: Inline[][][]): Node {
    const wrap = this.el('div', 'table-wrap');
    const table = this.el('table');
    const thead = this.el('thead');
    thead.append(this.row('th', header, align));
    table.append(thead);
    if (rows.length > 0) {
      const tbody = this.el('tbody');
      for (const row of rows) tbody.append(this.row('td', row, align));
      table.append(tbody);
    }
    wrap.append(table);
    return wrap;
  }

  private row(tag: 'th' | 'td', cells: Inline[][], align: Align[]): Node {
    const tr = this.el('tr');
    cells.forEach((cell, i) => {
      const a = align[i];
      tr.append(this.withInlines(this.el(tag, a ? 'align-' + a : undefined), cell));
    });
    return tr;
  }

  private withInlines(parent: HTMLElement, inlines: Inline[]): HTMLElement {
    this.inlines(inlines, parent, false);
    return parent;
  }

  /** `inLink`: a link nested in a link (an image inside one) renders as its text. */
  private inlines(inlines: Inline[], parent: Node & ParentNode, inLink: boolean): void {
    for (const inline of inlines) {
      switch (inline.kind) {
        case 'text': parent.append(this.text(inline.text)); break;
        case 'break': parent.append(this.el('br')); break;
        case 'code': {
          const code = this.el('code');
          code.append(this.text(inline.text));
          parent.append(code);
          break;
        }
        case 'strong': case 'em': case 'del': {
          const el = this.el(inline.kind);
          this.inlines(inline.children, el, inLink);
          parent.append(el);
          break;
        }
        case 'link': this.link(inline.href, inline.children, parent, inLink); break;
      }
    }
  }

  private link(href: string, children: Inline[], parent: Node & ParentNode, inLink: boolean): void {
    const safe = inLink ? null : safeHref(href);
    if (safe === null) {
      // Refused (javascript:, data:, relative, ...): the text stays, the link does not.
      this.inlines(children, parent, inLink);
      return;
    }
    const a = this.el('a');
    setAttr(a, 'href', safe);
    setAttr(a, 'rel', 'noopener noreferrer nofollow');
    setAttr(a, 'target', '_blank');
    if (children.length > 0) this.inlines(children, a, true);
    else a.append(this.text(href));
    parent.append(a);
  }
}

// The only way this module sets an attribute: the type system keeps the name on the list.
function setAttr(el: HTMLElement, name: AttrName, value: string): void {
  el.setAttribute(name, value);
}

/** DOM for parsed blocks, built in `doc`. */
export function renderMarkdown(blocks: Block[], doc: Document, opts: RenderOptions = {}): DocumentFragment {
  const fragment = doc.createDocumentFragment();
  new Builder(doc, opts).blocks(blocks, fragment);
  return fragment;
}

/** Replaces el's children with the rendering of Markdown source `src`. */
export function renderMarkdownInto(el: HTMLElement, src: string, opts: RenderOptions = {}): void {
  el.replaceChildren(renderMarkdown(parseMarkdown(src), el.ownerDocument, opts));
}
