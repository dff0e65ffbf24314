/**
 * The writer: kept elements are written lazily (an element that ends up empty is never written), block boundaries
 * of elements not kept become single line breaks, and an element is opened only where a re-parse would rebuild it.
 *
 * @internal
 */
import type { DefaultTreeAdapterTypes } from "parse5"
import { restore } from "./htmlElide.ts"
import { BLOCK_TAGS, checkUrl, type CompiledElement } from "./htmlPolicy.ts"
import { escape, isWhitespace, normalizeNewlines } from "./htmlText.ts"

type Element = DefaultTreeAdapterTypes.Element

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
  inP = 0
  inA = 0
  inPre = 0

  escapeText = true
  runs: ReadonlyArray<string> | undefined = undefined

  reset(escapeText: boolean, runs: ReadonlyArray<string> | undefined): void {
    this.out = ""
    this.ws = ""
    this.nl = false
    this.afterBoundary = false
    this.afterKeptBlock = false
    this.depth = 0
    this.emitted = 0
    this.inP = 0
    this.inA = 0
    this.inPre = 0
    this.escapeText = escapeText
    this.runs = runs
  }

  text(value: string): void {
    value = normalizeNewlines(value)
    if (this.inPre === 0 && isWhitespace(value)) {
      if (!this.afterBoundary) this.ws += value
      return
    }
    if (this.runs !== undefined) value = restore(value, this.runs)
    this.flush(value.charCodeAt(0) === 0x0a)
    this.out += this.escapeText ? escape(value) : value
  }

  /** Writes what content needs before it: an owed line break, pending start tags, buffered whitespace. */
  flush(startsWithNewline: boolean): void {
    if (this.nl) {
      this.nl = false
      let skip = this.out.charCodeAt(this.out.length - 1) === 0x0a
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
      if (!skip) this.out += "\n"
    }
    for (let i = this.emitted; i < this.depth; i++) {
      this.out += this.wsBefore[i]! + this.opens[i]!
      if (this.tags[i] === "pre") this.out += "\n"
    }
    this.emitted = this.depth
    if (this.ws.length > 0) {
      this.out += this.ws
      this.ws = ""
    }
    this.afterBoundary = false
    this.afterKeptBlock = false
  }

  /** A block boundary that is not written as an element: owes a line break between content. */
  boundary(): void {
    this.ws = ""
    for (let i = this.emitted; i < this.depth; i++) this.wsBefore[i] = ""
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
    else if (tag === "pre") this.inPre++
  }

  /** Pops the top entry; returns whether it had been written. */
  pop(): boolean {
    const d = --this.depth
    const tag = this.tags[d]
    if (tag === "p") this.inP--
    else if (tag === "a") this.inA--
    else if (tag === "pre") this.inPre--
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
      this.out += this.closes[d]!
      this.pop()
    } else if (this.ws.length > 0) {
      // Holds whitespace only: the element is written, as content.
      this.flush(false)
      this.out += this.closes[d]!
      this.pop()
    } else {
      const ws = this.wsBefore[d]!
      this.pop()
      this.ws = ws
    }
  }

  openBlock(tag: string, open: string, close: string): void {
    this.ws = ""
    for (let i = this.emitted; i < this.depth; i++) this.wsBefore[i] = ""
    this.afterBoundary = true
    this.push(tag, open, close, "")
  }

  closeBlock(): void {
    const close = this.closes[this.depth - 1]!
    this.ws = ""
    if (this.pop()) {
      this.out += close
      this.nl = false
      this.afterBoundary = true
      this.afterKeptBlock = true
    } else {
      this.boundary()
    }
  }

  voidElement(html: string): void {
    this.flush(false)
    this.out += html
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
        if (this.inP > 0) return false
        for (let i = this.depth - 1; i >= 0; i--) {
          const t = this.tags[i]
          if (t === "li") return false
          if (t === "ul" || t === "ol" || t === "pre" || t === "blockquote") return true
        }
        return true
      }
      default:
        return true
    }
  }

  end(): string {
    const out = this.ws.length > 0 ? this.out + this.ws : this.out
    this.out = ""
    this.ws = ""
    this.runs = undefined
    return out
  }
}

/** The start tag for a kept element, or undefined when a required URL attribute is missing or rejected. */
export const openTag = (
  el: Element,
  rule: CompiledElement,
  runs: ReadonlyArray<string> | undefined
): string | undefined => {
  if (rule.open !== undefined) return rule.open
  const attrs = el.attrs
  let out = "<" + rule.tag
  for (const url of rule.urls) {
    let value: string | null = null
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs[i]!
      if (a.name === url.name && a.namespace === undefined) {
        value = checkUrl(url, runs === undefined ? a.value : restore(a.value, runs))
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
        out += " " + name + "=\"" + escape(normalizeNewlines(runs === undefined ? a.value : restore(a.value, runs))) +
          "\""
        break
      }
    }
  }
  return out + ">"
}
