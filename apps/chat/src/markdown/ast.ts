// The parsed form of a chat message: what parse.ts produces and render.ts consumes.
// Hrefs are recorded as written; only safeHref() decides whether one may become a link.

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong' | 'em' | 'del'; children: Inline[] }
  | { kind: 'link'; href: string; children: Inline[] }
  | { kind: 'break' };

export type Align = 'left' | 'center' | 'right' | null;

export type Block =
  | { kind: 'paragraph'; children: Inline[] }
  | { kind: 'heading'; level: number; children: Inline[] }
  // closed: false while a streamed fence has not been closed yet.
  | { kind: 'code'; lang: string; text: string; closed: boolean }
  | { kind: 'list'; ordered: boolean; start: number; items: Block[][] }
  | { kind: 'quote'; children: Block[] }
  | { kind: 'rule' }
  | { kind: 'table'; align: Align[]; header: Inline[][]; rows: Inline[][][] };
