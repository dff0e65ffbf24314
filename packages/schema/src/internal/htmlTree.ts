/**
 * The parse5 engine: a WHATWG fragment parse in `<body>` context, then one iterative walk over the tree that drives
 * the writer. Every body the no-markup and tree-free paths do not take comes here.
 *
 * parse5 is used as it is, with one bound: the reconstruction of active formatting elements (which re-opens, for
 * every new piece of text, each formatting element a block closed too early) may rebuild start tags totalling at
 * most {@link RECONSTRUCTION_FACTOR} times the body's length in characters (tag names, attribute names and values).
 * Past that budget, the formatting elements it would re-open are forgotten (removed from the list of active
 * formatting elements, as if closed), so the text after them is no longer wrapped in them. Without the bound, 21 KB
 * of `<p><b id=1>...<b id=500></p><p>x</p><p>x</p>...` came out as 7 MB: each paragraph re-opened 500 elements.
 *
 * @internal
 */
import {
  defaultTreeAdapter,
  type DefaultTreeAdapterMap,
  type DefaultTreeAdapterTypes,
  html as P5,
  Parser
} from "parse5"
import type { Compiled } from "./htmlPolicy.ts"
import { enter, KIND_UNWRAP, leave, SKIP, Writer } from "./htmlWriter.ts"

type Element = DefaultTreeAdapterTypes.Element
type ChildNode = DefaultTreeAdapterTypes.ChildNode
type TextNode = DefaultTreeAdapterTypes.TextNode

/** Reconstruction may rebuild start tags totalling at most this many times the body's length (see above). */
export const RECONSTRUCTION_FACTOR = 2

/** parse5's own list entries, as its `FormattingElementList` keeps them. */
type Entry = NonNullable<Parser<DefaultTreeAdapterMap>["activeFormattingElements"]["newest"]>
type ElementEntry = Extract<Entry, { readonly token: unknown }>
const MARKER = 0 // `EntryType.Marker`

const tagCost = (entry: ElementEntry): number => {
  const token = entry.token
  let cost = token.tagName.length + 2
  for (const a of token.attrs) cost += a.name.length + a.value.length + 4
  return cost
}

/** parse5's parser with a budget on reconstruction; otherwise the same algorithm. */
class BoundedParser extends Parser<DefaultTreeAdapterMap> {
  budget = 0

  override _reconstructActiveFormattingElements(): void {
    const list = this.activeFormattingElements
    let oldest: ElementEntry | null = null
    for (
      let entry = list.newest;
      entry !== null && entry.type !== MARKER && !this.openElements.contains(entry.element);
      entry = entry.older
    ) {
      oldest = entry
    }
    for (let entry: Entry | null = oldest; entry !== null && entry.type !== MARKER;) {
      const cost = tagCost(entry)
      if (cost > this.budget) {
        // Out of budget: forget this entry and every newer one (none of them is open), so none is rebuilt again.
        this.budget = 0
        while (entry !== null && entry.type !== MARKER) {
          const newer: Entry | null = entry.newer
          list.removeEntry(entry)
          entry = newer
        }
        return
      }
      this.budget -= cost
      this._insertElement(entry.token, this.treeAdapter.getNamespaceURI(entry.element))
      list.replaceElement(entry, this.openElements.current as Element)
      entry = entry.newer
    }
  }
}

const bodyContext: Element = defaultTreeAdapter.createElement("body", P5.NS.HTML, [])

/** The fragment parse5 builds for `html` in `<body>` context, with the reconstruction budget. */
export const parse = (html: string): DefaultTreeAdapterTypes.DocumentFragment => {
  const parser = BoundedParser.getFragmentParser(bodyContext, {}) as BoundedParser
  parser.budget = RECONSTRUCTION_FACTOR * html.length
  parser.tokenizer.write(html, true)
  return parser.getFragment()
}

const writer = new Writer()
const NO_NODES: ReadonlyArray<ChildNode> = []
// Per-level state of the walk, kept in arrays so that deep trees do not overflow the call stack.
const levels: Array<ReadonlyArray<ChildNode>> = []
const indices: Array<number> = []
const kinds: Array<number> = []

/** Writes `nodes` under `policy`. */
export const walk = (nodes: ReadonlyArray<ChildNode>, policy: Compiled, escapeText: boolean): string => {
  const w = writer
  w.reset(escapeText)
  levels[0] = nodes
  indices[0] = 0
  kinds[0] = KIND_UNWRAP
  let top = 0
  while (top >= 0) {
    const list = levels[top]!
    const index = indices[top]!
    if (index >= list.length) {
      if (top > 0) leave(w, kinds[top]!)
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
    const kind = enter(w, policy, el.tagName, el.attrs)
    if (kind === SKIP) continue
    top++
    levels[top] = el.childNodes
    indices[top] = 0
    kinds[top] = kind
  }
  return w.end()
}

/** The parse5 engine: parse, then walk. */
export const sanitizeTree = (html: string, policy: Compiled, escapeText: boolean): string =>
  walk(parse(html).childNodes, policy, escapeText)
