/**
 * Splits a text stream into JSON records without holding the whole input: NDJSON (one record per line), a
 * JSON array (each element, scanned as it streams in), or one JSON document (a pretty-printed object, read
 * whole: it is one record). Every character of the input ends up in exactly one record, so a record is either
 * converted or rejected with a reason, never dropped.
 *
 * The syntax is detected from the start of the input: `[` is an array; `{` on a line of its own (the start of a
 * pretty-printed document) is a single document; anything else is NDJSON. Whatever follows the array's closing
 * `]` is read as NDJSON (so an NDJSON file whose first line is an array loses no line). Every record carries the
 * line it starts on and its index, for reports.
 *
 * The scan is one pass over each character (linear in the input, whatever the chunking or the record length): a
 * record's text is kept as the chunks' pieces and joined once when it ends. A record longer than `maxRecordChars`
 * stops being kept; the scan goes on to its end, and it comes out as a record with `tooLarge` set (its first
 * characters only), so the record after it is read as usual.
 *
 * Why not `effect/encoding`'s `Ndjson` / `JsonArray` decoders: both fail the whole stream at the first invalid
 * record (and `JsonArray` drops the elements already read in the failing chunk), which would lose every record
 * after a bad one; `convert` must reject that one record and go on. They remain the codecs for writing.
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
  /** The record's text (for a `tooLarge` record, its first {@link EXCERPT} characters). */
  readonly text: string
  /** Set when the input ended inside this record. */
  readonly truncated?: boolean
  /** Set (to the record's length in characters) when the record is longer than the limit. */
  readonly tooLarge?: number
}

/**
 * The input syntax.
 *
 * @since 0.1.0
 */
export type Syntax = "ndjson" | "array" | "document"

/**
 * The default limit of one record's length: 64 Mi characters.
 *
 * @since 0.2.0
 */
export const DEFAULT_MAX_RECORD_CHARS = 64 * 1024 * 1024

/**
 * How many characters of a record over the limit are kept (for the rejects file).
 *
 * @since 0.2.0
 */
export const EXCERPT = 1024

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff

/** A record being read: its pieces (until it is over the limit) and its length. */
class Pending {
  pieces: Array<string> = []
  length = 0
  excerpt = ""
  readonly line: number
  private readonly max: number
  constructor(line: number, max: number) {
    this.line = line
    this.max = max
  }
  add(piece: string): void {
    if (piece.length === 0) return
    if (this.length <= this.max) {
      this.pieces.push(piece)
      if (this.length + piece.length > this.max) {
        // Over the limit: keep an excerpt, drop the rest.
        this.excerpt = this.pieces.join("").slice(0, EXCERPT)
        this.pieces = []
      }
    }
    this.length += piece.length
  }
  finish(index: number, truncated: boolean): RawRecord | undefined {
    if (this.length > this.max) {
      return { line: this.line, index, text: this.excerpt, tooLarge: this.length, ...(truncated ? { truncated } : {}) }
    }
    const text = this.pieces.join("").trim()
    if (text === "") return undefined
    return truncated ? { line: this.line, index, text, truncated } : { line: this.line, index, text }
  }
}

/**
 * The incremental splitter: `push` text chunks, then `end`.
 *
 * @since 0.1.0
 */
export class Splitter {
  /** The detected syntax (`undefined` until the first significant character). */
  syntax: Syntax | undefined = undefined
  private readonly max: number
  /** The current mode: the syntax, then NDJSON after an array's closing `]`. */
  private mode: "detect" | "ndjson" | "array-start" | "array" | "document" = "detect"
  private head = "" // text seen before the syntax is known (at most the first line)
  private line = 1
  private index = 0
  private pending: Pending | undefined
  // Array state
  private depth = 0
  private inString = false
  private escaped = false

  constructor(options: { readonly maxRecordChars?: number | undefined } = {}) {
    this.max = options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS
  }

  /** Feeds a chunk; returns the records completed by it. */
  push(chunk: string): Array<RawRecord> {
    const out: Array<RawRecord> = []
    this.scan(chunk, out, false)
    return out
  }

  /** Ends the input; returns the last records. */
  end(): Array<RawRecord> {
    const out: Array<RawRecord> = []
    this.scan("", out, true)
    if (this.pending !== undefined) {
      const truncated = this.mode === "array"
      const record = this.pending.finish(this.index, truncated)
      if (record !== undefined) {
        out.push(record)
        this.index++
      }
      this.pending = undefined
    }
    return out
  }

  private emit(out: Array<RawRecord>): void {
    const record = this.pending?.finish(this.index, false)
    if (record !== undefined) {
      out.push(record)
      this.index++
    }
    this.pending = undefined
  }

  private scan(chunk: string, out: Array<RawRecord>, final: boolean): void {
    if (this.mode === "detect") {
      this.head += chunk
      let i = 0
      while (i < this.head.length && isSpace(this.head.charCodeAt(i))) i++
      if (i === this.head.length && !final) {
        if (this.head.length > 4096) {
          // Only blanks so far: count their lines and keep none of them.
          for (let j = 0; j < this.head.length; j++) if (this.head.charCodeAt(j) === 0x0a) this.line++
          this.head = ""
        }
        return
      }
      const c = this.head[i]
      if (c === "{") {
        const newline = this.head.indexOf("\n", i)
        if (newline === -1 && !final && this.head.length - i < 4096) return
        const firstLine = this.head.slice(i, newline === -1 ? undefined : newline).trim()
        this.syntax = firstLine === "{" ? "document" : "ndjson"
      } else {
        this.syntax = c === "[" ? "array" : "ndjson"
      }
      this.mode = this.syntax === "array" ? "array-start" : this.syntax
      chunk = this.head
      this.head = ""
    }
    switch (this.mode) {
      case "document": {
        this.pending ??= new Pending(this.line, this.max)
        this.pending.add(chunk)
        return
      }
      case "ndjson":
        return this.scanLines(chunk, 0, out)
      default:
        return this.scanArray(chunk, out)
    }
  }

  private scanLines(chunk: string, from: number, out: Array<RawRecord>): void {
    let start = from
    for (;;) {
      const newline = chunk.indexOf("\n", start)
      if (newline === -1) break
      this.pending ??= new Pending(this.line, this.max)
      this.pending.add(chunk.slice(start, newline))
      this.emit(out)
      this.line++
      start = newline + 1
    }
    if (start < chunk.length) {
      this.pending ??= new Pending(this.line, this.max)
      this.pending.add(chunk.slice(start))
    }
  }

  private scanArray(b: string, out: Array<RawRecord>): void {
    let pieceStart = this.pending === undefined ? -1 : 0
    for (let i = 0; i < b.length; i++) {
      const c = b.charCodeAt(i)
      if (this.mode === "array-start") {
        if (c === 0x0a) this.line++
        if (c === 0x5b) this.mode = "array" // [
        continue
      }
      if (this.pending === undefined) {
        if (c === 0x0a) this.line++
        if (isSpace(c) || c === 0x2c) continue // ,
        if (c === 0x5d) { // ]: the array ends; what follows is NDJSON
          this.mode = "ndjson"
          this.syntax = "array"
          return this.scanLines(b, i + 1, out)
        }
        this.pending = new Pending(this.line, this.max)
        pieceStart = i
        this.depth = 0
        this.inString = false
        this.escaped = false
      }
      if (c === 0x0a) this.line++
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (c === 0x5c) this.escaped = true
        else if (c === 0x22) this.inString = false
        continue
      }
      if (c === 0x22) this.inString = true
      else if (c === 0x7b || c === 0x5b) this.depth++
      else if ((c === 0x7d || c === 0x5d) && this.depth > 0) this.depth--
      else if (this.depth === 0 && (c === 0x2c || c === 0x5d)) {
        // `,` or the array's `]` ends the element
        this.pending.add(b.slice(pieceStart, i))
        this.emit(out)
        pieceStart = -1
        if (c === 0x5d) {
          this.mode = "ndjson"
          return this.scanLines(b, i + 1, out)
        }
      }
    }
    if (this.pending !== undefined && pieceStart !== -1) this.pending.add(b.slice(pieceStart))
  }
}
