/**
 * Where a text stops being JSON, for error messages. `JSON.parse` reports a position for some errors only
 * (and only on V8), so a body that fails to parse is scanned once more, by this small RFC 8259 scanner, to
 * find the offset of the first character that cannot continue a JSON text. Only used after decoding failed.
 *
 * @internal
 */

class Stop {
  readonly offset: number
  constructor(offset: number) {
    this.offset = offset
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const ESCAPES = "\"\\/bfnrt"
const HEX = /^[0-9a-fA-F]{4}$/

/**
 * The offset of the first JSON syntax error in `text`: `text.length` when the text ends early (cut off or
 * empty), `undefined` when the text is valid JSON (or too deeply nested to scan).
 */
export const syntaxErrorOffset = (text: string): number | undefined => {
  const n = text.length
  let i = 0

  const fail = (): never => {
    throw new Stop(Math.min(i, n))
  }
  const ws = () => {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++
  }
  const string = () => {
    i++
    while (i < n) {
      const c = text[i]!
      if (c === "\"") {
        i++
        return
      }
      if (c === "\\") {
        i++
        if (i >= n) fail()
        if (ESCAPES.includes(text[i]!)) i++
        else if (text[i] === "u") {
          const hex = text.slice(i + 1, i + 5)
          if (hex.length < 4 && HEX.test(hex.padEnd(4, "0"))) {
            i = n
            fail()
          }
          if (!HEX.test(hex)) fail()
          i += 5
        } else fail()
      } else if (c < " ") fail()
      else i++
    }
    fail()
  }
  const literal = (word: string) => {
    for (let k = 0; k < word.length; k++, i++) {
      if (i >= n || text[i] !== word[k]) fail()
    }
  }
  const value = (): void => {
    ws()
    if (i >= n) fail()
    const c = text[i]!
    if (c === "{") {
      i++
      ws()
      if (text[i] === "}") {
        i++
        return
      }
      for (;;) {
        ws()
        if (i >= n || text[i] !== "\"") fail()
        string()
        ws()
        if (i >= n || text[i] !== ":") fail()
        i++
        value()
        ws()
        if (text[i] === ",") i++
        else if (text[i] === "}") {
          i++
          return
        } else fail()
      }
    }
    if (c === "[") {
      i++
      ws()
      if (text[i] === "]") {
        i++
        return
      }
      for (;;) {
        value()
        ws()
        if (text[i] === ",") i++
        else if (text[i] === "]") {
          i++
          return
        } else fail()
      }
    }
    if (c === "\"") return string()
    if (c === "t") return literal("true")
    if (c === "f") return literal("false")
    if (c === "n") return literal("null")
    if (c === "-" || (c >= "0" && c <= "9")) {
      NUMBER.lastIndex = i
      if (!NUMBER.test(text)) {
        i++
        fail()
      }
      const end = NUMBER.lastIndex
      // "12." or "1e" at the very end: the number was cut off
      if (
        end < n && (text[end] === "." || text[end] === "e" || text[end] === "E") && /^[.eE][+-]?$/.test(text.slice(end))
      ) {
        i = n
        fail()
      }
      i = end
      return
    }
    fail()
  }

  try {
    value()
    ws()
    return i < n ? i : undefined
  } catch (e) {
    if (e instanceof Stop) return e.offset
    return undefined
  }
}
