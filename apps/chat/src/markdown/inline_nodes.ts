// The inline parser's working representation: a doubly linked list per container, so that
// wrapping a span in emphasis or a link is O(1); toInlines() turns it into the public Inline[].

import type { Inline } from './ast.ts';

// Deeper nesting is flattened so the renderer's recursion stays shallow.
const MAX_INLINE_DEPTH = 24;

export type NodeKind = 'text' | 'code' | 'break' | 'strong' | 'em' | 'del' | 'link';

export interface Node {
  kind: NodeKind;
  text: string;
  href: string;
  // A delimiter or bracket text node: plain text must not merge into it.
  special: boolean;
  prev: Node | null;
  next: Node | null;
  first: Node | null;
  last: Node | null;
}

export function newNode(kind: NodeKind, text = '', special = false): Node {
  return { kind, text, href: '', special, prev: null, next: null, first: null, last: null };
}

/** The linked nodes as Inline[]: adjacent text merged, nesting past the cap flattened. */
export function toInlines(root: Node): Inline[] {
  const out: Inline[] = [];
  interface Frame { node: Node | null; out: Inline[]; depth: number }
  // An explicit stack: hostile nesting must not exhaust the call stack.
  const stack: Frame[] = [{ node: root.first, out, depth: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const node = frame.node;
    if (!node) {
      stack.pop();
      continue;
    }
    frame.node = node.next;
    if (node.kind === 'text') {
      if (node.text === '') continue;
      const last = frame.out[frame.out.length - 1];
      if (last && last.kind === 'text') last.text += node.text;
      else frame.out.push({ kind: 'text', text: node.text });
    } else if (node.kind === 'code') {
      frame.out.push({ kind: 'code', text: node.text });
    } else if (node.kind === 'break') {
      frame.out.push({ kind: 'break' });
    } else if (frame.depth >= MAX_INLINE_DEPTH) {
      stack.push({ node: node.first, out: frame.out, depth: frame.depth });
    } else {
      const children: Inline[] = [];
      frame.out.push(node.kind === 'link' ? { kind: 'link', href: node.href, children } : { kind: node.kind, children });
      stack.push({ node: node.first, out: children, depth: frame.depth + 1 });
    }
  }
  return out;
}
