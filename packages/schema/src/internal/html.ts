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
import { defaultTreeAdapter, type DefaultTreeAdapterTypes, html as P5, parseFragment } from "parse5"
import { elide } from "./htmlElide.ts"
import { BLOCK, BREAK, type Compiled, compiled, DROP, INLINE, PLAIN, type Policy, UNWRAP, VOID } from "./htmlPolicy.ts"
import { fastPath } from "./htmlText.ts"
import { openTag, Writer } from "./htmlWriter.ts"

export { elide, type Elided } from "./htmlElide.ts"
export { DROP_TAGS, type ElementRule, type Policy, type Tag } from "./htmlPolicy.ts"
export { escape, fastPath } from "./htmlText.ts"

type Element = DefaultTreeAdapterTypes.Element
type ChildNode = DefaultTreeAdapterTypes.ChildNode
type TextNode = DefaultTreeAdapterTypes.TextNode

const bodyContext: Element = defaultTreeAdapter.createElement("body", P5.NS.HTML, [])

// Per-level state of the walk, kept in arrays so that deep trees do not overflow the call stack.
const KIND_UNWRAP = 0
const KIND_BREAK = 1
const KIND_INLINE = 2
const KIND_BLOCK = 3

const writer = new Writer()
const NO_NODES: ReadonlyArray<ChildNode> = []
const levels: Array<ReadonlyArray<ChildNode>> = []
const indices: Array<number> = []
const kinds: Array<number> = []

const walk = (
  nodes: ReadonlyArray<ChildNode>,
  policy: Compiled,
  escapeText: boolean,
  runs: ReadonlyArray<string> | undefined
): string => {
  const w = writer
  w.reset(escapeText, runs)
  const { actions, kept } = policy
  levels[0] = nodes
  indices[0] = 0
  kinds[0] = KIND_UNWRAP
  let top = 0
  while (top >= 0) {
    const list = levels[top]!
    const index = indices[top]!
    if (index >= list.length) {
      switch (kinds[top]) {
        case KIND_BREAK:
          w.boundary()
          break
        case KIND_INLINE:
          w.closeInline()
          break
        case KIND_BLOCK:
          w.closeBlock()
          break
      }
      levels[top--] = NO_NODES // do not keep the tree alive
      continue
    }
    indices[top] = index + 1
    const node = list[index]!
    const name = node.nodeName
    if (name.charCodeAt(0) === 0x23) {
      if (name === "#text") w.text((node as TextNode).value)
      continue // comments, doctypes
    }
    const el = node as Element
    if (el.namespaceURI !== P5.NS.HTML) continue
    const tag = el.tagName
    let action = actions.get(tag) ?? UNWRAP
    let kind = KIND_UNWRAP
    if (action === DROP) continue
    if (action >= INLINE) {
      const rule = kept.get(tag)!
      const open = openTag(el, rule, runs)
      if (open === undefined) {
        action = action === VOID ? DROP : action === BLOCK ? BREAK : UNWRAP
      } else if (action === VOID) {
        w.voidElement(open)
        continue
      } else if (!w.canOpen(tag)) {
        action = action === BLOCK ? BREAK : UNWRAP
      } else if (action === BLOCK) {
        w.openBlock(tag, open, rule.close)
        kind = KIND_BLOCK
      } else {
        w.openInline(tag, open, rule.close)
        kind = KIND_INLINE
      }
      if (action === DROP) continue
    }
    if (action === BREAK) {
      w.boundary()
      kind = KIND_BREAK
    }
    top++
    levels[top] = el.childNodes
    indices[top] = 0
    kinds[top] = kind
  }
  return w.end()
}

/** Runs of text shorter than this are left to the tokenizer: a marker and its bookkeeping cost more. */
const MIN_RUN = 12

/** Tuning knobs, for tests: `minRun` is the shortest text run elided (`Infinity` turns elision off). */
export interface Options {
  readonly minRun: number
}

const defaults: Options = { minRun: MIN_RUN }

const run = (html: string, policy: Compiled, escapeText: boolean, options: Options): string => {
  const elided = elide(html, options.minRun)
  const source = elided === undefined ? html : elided.source
  return walk(parseFragment(bodyContext, source, {}).childNodes, policy, escapeText, elided?.runs)
}

/** Sanitizes `html` under `policy`. */
export const sanitize = (html: string, policy: Policy, options: Options = defaults): string =>
  fastPath(html, true) ?? run(html, compiled(policy), true, options)

/** The text of `html`, entities decoded, block boundaries as line breaks. */
export const toPlainText = (html: string, options: Options = defaults): string =>
  fastPath(html, false) ?? run(html, PLAIN, false, options)
