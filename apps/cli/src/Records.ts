/**
 * Splits a text stream into JSON records without holding the whole input: NDJSON (one record per line), a
 * JSON array (each element, scanned as it streams in), or one JSON document (a pretty-printed object, read
 * whole: it is one record).
 *
 * The syntax is detected from the start of the input: `[` is an array; `{` on a line of its own (the start of a
 * pretty-printed document) is a single document; anything else is NDJSON. Every record carries the line it
 * starts on and its index, for reports.
 *
 * @example
 * ```ts
 * import { Records } from "@parley/cli"
 *
 * const splitter = new Records.Splitter()
 * const records = [...splitter.push('{"a":1}\n{"a"'), ...splitter.push(':2}\n'), ...splitter.end()]
 * // [{ line: 1, index: 0, text: '{"a":1}' }, { line: 2, index: 1, text: '{"a":2}' }]
 * ```
 *
 * @since 0.1.0
 */

/**
 * One record's text and where it starts.
 *
 * @since 0.1.0
 */
export interface RawRecord {
  /** 1-based line of the input where the record starts. */
  readonly line: number
  /** 0-based position among the records (the array index for a JSON array). */
  readonly index: number
  readonly text: string
  /** Set when the input ended inside this record. */
  readonly truncated?: boolean
}

/**
 * The input syntax.
 *
 * @since 0.1.0
 */
export type Syntax = "ndjson" | "array" | "document"

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff

/**
 * The incremental splitter: `push` text chunks, then `end`.
 *
 * @since 0.1.0
 */
export class Splitter {
  /** The detected syntax (`undefined` until the first significant character). */
  syntax: Syntax | undefined = undefined
  private buffer = ""
  /** The line number of `buffer[0]`. */
  private line = 1
  private index = 0
  // Array state
  private started = false
  private closed = false
  private depth = 0
  private inString = false
  private escaped = false
  private elementStart = -1
  private elementLine = 0
  private scanned = 0
  private scanLine = 1

  /** Feeds a chunk; returns the records completed by it. */
  push(chunk: string): Array<RawRecord> {
    this.buffer += chunk
    return this.drain(false)
  }

  /** Ends the input; returns the last records. */
  end(): Array<RawRecord> {
    return this.drain(true)
  }

  private detect(final: boolean): boolean {
    let i = 0
    while (i < this.buffer.length && isSpace(this.buffer.charCodeAt(i))) i++
    if (i === this.buffer.length) return false
    const c = this.buffer[i]
    if (c === "[") {
      this.syntax = "array"
      return true
    }
    if (c === "{") {
      const newline = this.buffer.indexOf("\n", i)
      if (newline === -1 && !final) return false
      const firstLine = this.buffer.slice(i, newline === -1 ? undefined : newline).trim()
      this.syntax = firstLine === "{" ? "document" : "ndjson"
      return true
    }
    this.syntax = "ndjson"
    return true
  }

  private drain(final: boolean): Array<RawRecord> {
    if (this.syntax === undefined && !this.detect(final)) {
      if (final) this.buffer = ""
      return []
    }
    switch (this.syntax) {
      case "ndjson":
        return this.drainLines(final)
      case "array":
        return this.drainArray(final)
      default: {
        if (!final) return []
        const text = this.buffer.trim()
        this.buffer = ""
        return text === "" ? [] : [{ line: this.firstLineOf(), index: this.index++, text }]
      }
    }
  }

  private firstLineOf(): number {
    return this.line
  }

  private drainLines(final: boolean): Array<RawRecord> {
    const out: Array<RawRecord> = []
    let start = 0
    for (;;) {
      const newline = this.buffer.indexOf("\n", start)
      if (newline === -1) break
      const text = this.buffer.slice(start, newline).trim()
      if (text !== "") out.push({ line: this.line, index: this.index++, text })
      this.line++
      start = newline + 1
    }
    this.buffer = this.buffer.slice(start)
    if (final) {
      const text = this.buffer.trim()
      if (text !== "") out.push({ line: this.line, index: this.index++, text })
      this.buffer = ""
    }
    return out
  }

  private drainArray(final: boolean): Array<RawRecord> {
    const out: Array<RawRecord> = []
    const b = this.buffer
    let i = this.scanned
    let line = this.scanLine
    for (; i < b.length; i++) {
      const c = b.charCodeAt(i)
      if (c === 0x0a) line++
      if (this.closed) continue
      if (!this.started) {
        if (c === 0x5b) this.started = true // [
        continue
      }
      if (this.elementStart === -1) {
        if (isSpace(c) || c === 0x2c) continue // ,
        if (c === 0x5d) { // ]
          this.closed = true
          continue
        }
        this.elementStart = i
        this.elementLine = line
        this.depth = 0
        this.inString = false
        this.escaped = false
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (c === 0x5c) this.escaped = true
        else if (c === 0x22) this.inString = false
        continue
      }
      if (c === 0x22) {
        this.inString = true
      } else if (c === 0x7b || c === 0x5b) {
        this.depth++
      } else if (c === 0x7d || c === 0x5d) {
        if (this.depth === 0) {
          // `]` closing the array right after a primitive element
          out.push(this.element(b, i))
          this.closed = c === 0x5d
          continue
        }
        this.depth--
        if (this.depth === 0) out.push(this.element(b, i + 1))
      } else if (c === 0x2c && this.depth === 0) {
        out.push(this.element(b, i))
      }
    }
    // Keep only the unfinished element (or nothing) in the buffer.
    if (this.elementStart === -1) {
      this.buffer = ""
      this.scanned = 0
    } else {
      this.buffer = b.slice(this.elementStart)
      this.scanned = this.buffer.length
      this.elementStart = 0
    }
    this.scanLine = line
    if (final) {
      if (this.elementStart !== -1) {
        const text = this.buffer.trim()
        if (text !== "") {
          out.push({ line: this.elementLine, index: this.index++, text, truncated: !this.closed })
        }
      }
      this.buffer = ""
    }
    return out
  }

  private element(b: string, end: number): RawRecord {
    const record: RawRecord = {
      line: this.elementLine,
      index: this.index++,
      text: b.slice(this.elementStart, end).trim()
    }
    this.elementStart = -1
    return record
  }
}
