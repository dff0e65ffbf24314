/**
 * The writer: kept elements are written lazily (an element that ends up empty is never written), block boundaries
 * of elements not kept become single line breaks, and an element is opened only where a re-parse would rebuild it.
 *
 * @internal
 */
import {
  BLOCK,
  BLOCK_TAGS,
  BREAK,
  checkUrl,
  type Compiled,
  type CompiledElement,
  DROP,
  INLINE,
  UNWRAP,
  VOID
} from "./htmlPolicy.ts"
import { escape, isWhitespace, normalizeNewlines } from "./htmlText.ts"

/** An attribute as the tokenizer gives it (parse5's shape): the walk and the tree-free path both pass these. */
export interface Attribute {
  readonly name: string
  readonly value: string
  readonly namespace?: string | undefined
}

/**
 * Writes kept elements lazily, so that an element that ends up with no content is never written. One instance is
 * reused by every call (a walk is synchronous and calls no user code), so a sanitize allocates no writer state.
 */
export class Writer {
  out = ""
  /** Whitespace-only text waiting to learn whether a block boundary follows it. */
  ws = ""
  /** A line break is owed before the next content. */
  nl = false
  /** No content since the last block boundary (whitespace-only text here is dropped). */
  afterBoundary = false
  /** No content since a kept block element was closed (boundaries here owe no line break). */
  afterKeptBlock = false

  // The stack of kept elements: entries below `emitted` are written, the rest are pending.
  readonly tags: Array<string> = []
  readonly opens: Array<string> = []
  readonly closes: Array<string> = []
  readonly wsBefore: Array<string> = []
  depth = 0
  emitted = 0
  /**
   * Pending entries below this index have had their buffered whitespace cleared by a block boundary (kept as an
   * index rather than cleared one by one, so that a boundary costs O(1) however many entries are pending).
   */
  wsValidFrom = 0
  /**
   * Whether `out` ends with "\n" (kept as a flag: reading the last character of `out`, a rope built by `+=`, would
   * flatten it, which made every owed line break cost the length of the output so far).
   */
  endsWithNewline = false
  inP = 0
  inA = 0
  inPre = 0
  /** The depths of the `li` entries, and of the `ul`, `ol`, `pre` and `blockquote` entries, innermost last. */
  readonly lis: Array<number> = []
  readonly lists: Array<number> = []

  escapeText = true

  reset(escapeText: boolean): void {
    this.out = ""
    this.ws = ""
    this.nl = false
    this.afterBoundary = false
    this.afterKeptBlock = false
    this.depth = 0
    this.emitted = 0
    this.wsValidFrom = 0
    this.endsWithNewline = false
    this.inP = 0
    this.inA = 0
    this.inPre = 0
    this.lis.length = 0
    this.lists.length = 0
    this.escapeText = escapeText
  }

  text(value: string): void {
    value = normalizeNewlines(value)
    if (this.inPre === 0 && isWhitespace(value)) {
      if (!this.afterBoundary) this.ws += value
      return
    }
    this.flush(value.charCodeAt(0) === 0x0a)
    this.out += this.escapeText ? escape(value) : value
    this.endsWithNewline = value.charCodeAt(value.length - 1) === 0x0a
  }

  /** Appends markup (a tag, never ending with a line break). */
  markup(html: string): void {
    this.out += html
    this.endsWithNewline = false
  }

  /** Writes what content needs before it: an owed line break, pending start tags, buffered whitespace. */
  flush(startsWithNewline: boolean): void {
    if (this.nl) {
      this.nl = false
      let skip = this.endsWithNewline
      if (!skip) {
        if (this.emitted === this.depth) skip = startsWithNewline
        else {
          for (let i = this.emitted; i < this.depth; i++) {
            if (BLOCK_TAGS.has(this.tags[i]!)) {
              skip = true
              break
            }
          }
        }
      }
      if (!skip) {
        this.out += "\n"
        this.endsWithNewline = true
      }
    }
    for (let i = this.emitted; i < this.depth; i++) {
      this.out += (i < this.wsValidFrom ? "" : this.wsBefore[i]!) + this.opens[i]!
      if (this.tags[i] === "pre") this.out += "\n"
      this.endsWithNewline = this.tags[i] === "pre"
    }
    this.emitted = this.depth
    if (this.ws.length > 0) {
      this.out += this.ws
      this.endsWithNewline = this.ws.charCodeAt(this.ws.length - 1) === 0x0a
      this.ws = ""
    }
    this.afterBoundary = false
    this.afterKeptBlock = false
  }

  /** A block boundary that is not written as an element: owes a line break between content. */
  boundary(): void {
    this.ws = ""
    this.wsValidFrom = this.depth
    this.afterBoundary = true
    if (!this.afterKeptBlock && this.out.length > 0) this.nl = true
  }

  push(tag: string, open: string, close: string, ws: string): void {
    const d = this.depth++
    this.tags[d] = tag
    this.opens[d] = open
    this.closes[d] = close
    this.wsBefore[d] = ws
    if (tag === "p") this.inP++
    else if (tag === "a") this.inA++
    else if (tag === "li") this.lis.push(d)
    if (tag === "pre") this.inPre++
    if (tag === "ul" || tag === "ol" || tag === "pre" || tag === "blockquote") this.lists.push(d)
  }

  /** Pops the top entry; returns whether it had been written. */
  pop(): boolean {
    const d = --this.depth
    const tag = this.tags[d]
    if (tag === "p") this.inP--
    else if (tag === "a") this.inA--
    else if (tag === "li") this.lis.pop()
    if (tag === "pre") this.inPre--
    if (tag === "ul" || tag === "ol" || tag === "pre" || tag === "blockquote") this.lists.pop()
    if (this.wsValidFrom > d) this.wsValidFrom = d
    if (d < this.emitted) {
      this.emitted = d
      return true
    }
    return false
  }

  openInline(tag: string, open: string, close: string): void {
    const ws = this.ws
    this.ws = ""
    this.push(tag, open, close, ws)
  }

  closeInline(): void {
    const d = this.depth - 1
    if (d < this.emitted) {
      // Written already: whitespace buffered inside it is not next to a boundary, it is content.
      if (this.ws.length > 0) {
        this.out += this.ws
        this.ws = ""
      }
      this.markup(this.closes[d]!)
      this.pop()
    } else if (this.ws.length > 0) {
      // Holds whitespace only: the element is written, as content.
      this.flush(false)
      this.markup(this.closes[d]!)
      this.pop()
    } else {
      const ws = d < this.wsValidFrom ? "" : this.wsBefore[d]!
      this.pop()
      this.ws = ws
    }
  }

  openBlock(tag: string, open: string, close: string): void {
    this.ws = ""
    this.wsValidFrom = this.depth
    this.afterBoundary = true
    this.push(tag, open, close, "")
  }

  closeBlock(): void {
    const close = this.closes[this.depth - 1]!
    this.ws = ""
    if (this.pop()) {
      this.markup(close)
      this.nl = false
      this.afterBoundary = true
      this.afterKeptBlock = true
    } else {
      this.boundary()
    }
  }

  voidElement(html: string): void {
    this.flush(false)
    this.markup(html)
  }

  /** Whether the parser would rebuild `tag` as a child of the current stack when the output is parsed again. */
  canOpen(tag: string): boolean {
    switch (tag) {
      case "a":
        return this.inA === 0
      case "p":
      case "div":
      case "blockquote":
      case "pre":
      case "ul":
      case "ol":
        return this.inP === 0
      case "li": {
        // Not when the nearest `li` is nearer than the nearest list, pre or blockquote (O(1): both are tracked).
        if (this.inP > 0) return false
        const li = this.lis.length === 0 ? -1 : this.lis[this.lis.length - 1]!
        const list = this.lists.length === 0 ? -1 : this.lists[this.lists.length - 1]!
        return li < list || li === -1
      }
      default:
        return true
    }
  }

  end(): string {
    const out = this.ws.length > 0 ? this.out + this.ws : this.out
    this.out = ""
    this.ws = ""
    return out
  }
}

/**
 * The start tag for a kept element from its attributes (the first of each name counts, as in the tokenizer), or
 * undefined when a required URL attribute is missing or rejected.
 */
export const openTag = (attrs: ReadonlyArray<Attribute>, rule: CompiledElement): string | undefined => {
  if (rule.open !== undefined) return rule.open
  let out = "<" + rule.tag
  for (const url of rule.urls) {
    let value: string | null = null
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs[i]!
      if (a.name === url.name && a.namespace === undefined) {
        value = checkUrl(url, a.value)
        break
      }
    }
    if (value === null) return undefined
    out += " " + url.name + "=\"" + escape(value) + "\""
  }
  for (const name of rule.text) {
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs[i]!
      if (a.name === name && a.namespace === undefined) {
        out += " " + name + "=\"" + escape(normalizeNewlines(a.value)) + "\""
        break
      }
    }
  }
  return out + ">"
}

// What to do at the end of an element the writer entered (see `enter`).
/** Skip the element's content: it is dropped whole, or it is void. */
export const SKIP = -1
export const KIND_UNWRAP = 0
export const KIND_BREAK = 1
export const KIND_INLINE = 2
export const KIND_BLOCK = 3

/**
 * The per-element decision both engines share (the parse5 walk and the tree-free path): enters the HTML element
 * `tag` with `attrs` under `policy` and returns how to {@link leave} it, or {@link SKIP} when its content is not to
 * be written (dropped elements; a kept void element, written here).
 */
export const enter = (w: Writer, policy: Compiled, tag: string, attrs: ReadonlyArray<Attribute>): number => {
  let action = policy.actions.get(tag) ?? UNWRAP
  if (action === DROP) return SKIP
  if (action >= INLINE) {
    const rule = policy.kept.get(tag)!
    const open = openTag(attrs, rule)
    if (open === undefined) {
      if (action === VOID) return SKIP
      action = action === BLOCK ? BREAK : UNWRAP
    } else if (action === VOID) {
      w.voidElement(open)
      return SKIP
    } else if (!w.canOpen(tag)) {
      action = action === BLOCK ? BREAK : UNWRAP
    } else if (action === BLOCK) {
      w.openBlock(tag, open, rule.close)
      return KIND_BLOCK
    } else {
      w.openInline(tag, open, rule.close)
      return KIND_INLINE
    }
  }
  if (action === BREAK) {
    w.boundary()
    return KIND_BREAK
  }
  return KIND_UNWRAP
}

/** Leaves an element entered with {@link enter} (not for {@link SKIP}). */
export const leave = (w: Writer, kind: number): void => {
  switch (kind) {
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
}
