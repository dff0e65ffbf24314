/**
 * The engine behind `Html.sanitize` and `Html.toPlainText`: a parse5 fragment parse in body context, then one
 * iterative walk over the tree that writes the output from an allow-list.
 *
 * Guarantees the walk keeps (each one is what makes `sanitize` idempotent):
 *
 * - Only elements the policy allows are written, with only the attributes it allows, in policy order; URL
 *   attributes are written as the WHATWG URL parser's serialization, and only for allowed schemes.
 * - An element is written only if the HTML parser would rebuild it in the same place when the output is parsed
 *   again: an `<a>` is never opened inside an `<a>`, a `p`/`ul`/`ol`/`pre`/`div`/`blockquote`/`li` never inside a
 *   `p`, an `<li>` never inside an `<li>` without a list in between. Such elements are unwrapped instead.
 * - Allowed elements that end up with no content are not written (start tags are written lazily).
 * - Whitespace-only text next to a block boundary is dropped; boundaries of blocks the policy does not keep
 *   become a single "\n" between two pieces of content (never leading, trailing, or next to a kept block).
 * - `<pre>` is always written as `<pre>\n`, because the parser drops one newline right after `<pre>`.
 * - Text is escaped (`&`, `<`, `>`, `"`); the parser has already dropped NUL and normalised CR/CRLF to LF.
 *
 * @internal
 */
import { sanitizeDirect } from "./htmlDirect.ts"
import { compiled, PLAIN, type Policy } from "./htmlPolicy.ts"
import { fastPath } from "./htmlText.ts"
import { sanitizeTree } from "./htmlTree.ts"

export { DROP_TAGS, type ElementRule, type Policy, type Tag } from "./htmlPolicy.ts"
export { escape, fastPath } from "./htmlText.ts"
export { RECONSTRUCTION_FACTOR } from "./htmlTree.ts"

/**
 * Which engines a call may use, for tests: `"all"` (the no-markup path, then the tree-free path, then parse5),
 * `"parser"` (parse5 for every body).
 */
export type Engines = "all" | "parser"

/** Sanitizes `html` under `policy`. */
export const sanitize = (html: string, policy: Policy, engines: Engines = "all"): string => {
  const c = compiled(policy)
  if (engines === "parser") return sanitizeTree(html, c, true)
  return fastPath(html, true) ?? sanitizeDirect(html, c, true) ?? sanitizeTree(html, c, true)
}

/** The text of `html`, entities decoded, block boundaries as line breaks. */
export const toPlainText = (html: string, engines: Engines = "all"): string => {
  if (engines === "parser") return sanitizeTree(html, PLAIN, false)
  return fastPath(html, false) ?? sanitizeDirect(html, PLAIN, false) ?? sanitizeTree(html, PLAIN, false)
}

/** The tree-free engine alone: its output, or undefined when the body is outside its subset (for tests). */
export const sanitizeTreeFree = (html: string, policy: Policy | undefined): string | undefined =>
  policy === undefined ? sanitizeDirect(html, PLAIN, false) : sanitizeDirect(html, compiled(policy), true)
