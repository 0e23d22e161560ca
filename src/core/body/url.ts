/**
 * URL safety rule shared by the HTML renderer and the HTML parser.
 * @module
 */

/** `http(s)://` + at least one char, or `mailto:` + at least one char; no whitespace or control chars anywhere. */
const SAFE_URL = /^(?:https?:\/\/|mailto:)[^\s\x00-\x1f\x7f]+$/i;

/**
 * Whether `url` may become an `<a href>` in {@link toHtml} (and whether an `<a href>` read by
 * {@link fromHtml} becomes a link node).
 *
 * Safe means: the scheme is `http://`, `https://` or `mailto:` (case-insensitive), at least one more
 * character follows, and the URL contains no whitespace (Unicode `\s`) or ASCII control characters.
 * Anything else (`javascript:`, `data:`, relative URLs, URLs with leading spaces, …) is unsafe and is
 * rendered as escaped text instead of an anchor.
 */
export function isSafeLinkUrl(url: string): boolean {
  return typeof url === 'string' && SAFE_URL.test(url);
}
