// The one place that decides whether a URL written by the model may become a clickable link.
// Everything else (javascript:, data:, vbscript:, file:, relative and protocol-relative URLs)
// is refused, so the renderer shows the link's text instead.

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** The normalized href if it is an absolute http:, https: or mailto: URL, else null. */
export function safeHref(href: string): string | null {
  let url: URL;
  try {
    // No base URL: a relative or protocol-relative href throws here and is refused.
    url = new URL(href);
  } catch {
    return null;
  }
  // The URL parser has already dropped leading spaces/controls and embedded tabs/newlines,
  // so "  java\tscript:" reaches this check as "javascript:".
  if (!ALLOWED_PROTOCOLS.has(url.protocol)) return null;
  // Serialized by the parser: percent-encoded, no raw quotes or spaces.
  return url.href;
}
