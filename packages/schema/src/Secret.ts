/**
 * Scrubbing a token from text taken from the wire (a server may echo it) and from anything printed: the one
 * helper every package and app uses (`@parley/drift-client` re-exports it as its `Secret`).
 *
 * A scrubber removes the token and every form of it a server or a log could show: the token itself, its JSON
 * escaping, its URL encoding, its base64 and base64url encodings (at the three alignments it can take inside a
 * longer encoded string, such as `Basic base64(user:token)`), and any fragment of one of these of at least
 * {@link MIN_FRAGMENT} characters (a token cut to length, or split across fields). Scrub first, then cut: a
 * scrubber applied to an excerpt already cut could leave a fragment at the cut shorter than the minimum.
 *
 * @example
 * ```ts
 * import { Secret } from "@parley/schema"
 *
 * const scrub = Secret.scrubber("tok_3f9a1c77e2b54d08")
 * scrub("Bearer tok_3f9a1c77e2b54d08 failed") // "Bearer <redacted> failed"
 * scrub("echo: tok_3f9a1c77e2") // "echo: <redacted>" (a cut token)
 * ```
 *
 * @since 0.2.0
 */
import { Base64 } from "effect/encoding"

/**
 * The shortest fragment of a token (or of one of its encodings) that is removed.
 *
 * @since 0.2.0
 */
export const MIN_FRAGMENT = 8

/**
 * What replaces the token.
 *
 * @since 0.2.0
 */
export const REDACTED = "<redacted>"

const utf8 = new TextEncoder()

/** The base64 of `secret` as it appears inside a longer encoded string at each alignment (stable characters only). */
const base64Forms = (secret: string): Array<string> => {
  const bytes = utf8.encode(secret)
  const out: Array<string> = []
  for (let shift = 0; shift < 3; shift++) {
    const padded = new Uint8Array(shift + bytes.length)
    padded.set(bytes, shift)
    let encoded = Base64.encode(padded).replace(/=+$/, "")
    // Drop the characters that mix in the bytes before and after the secret.
    const lead = Math.ceil((shift * 8) / 6)
    const tail = ((shift + bytes.length) % 3) === 0 ? 0 : 1
    encoded = encoded.slice(lead, encoded.length - tail)
    if (encoded.length > 0) out.push(encoded, encoded.replace(/\+/g, "-").replace(/\//g, "_"))
  }
  return out
}

/**
 * Every form of `secret` a scrubber looks for (whole; fragments of each are matched too).
 *
 * @since 0.2.0
 */
export const forms = (secret: string): ReadonlyArray<string> => {
  const all = new Set<string>([secret, JSON.stringify(secret).slice(1, -1), ...base64Forms(secret)])
  try {
    const encoded = encodeURIComponent(secret)
    all.add(encoded)
    all.add(encoded.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()))
  } catch {
    // a lone surrogate has no URL encoding
  }
  return [...all].filter((form) => form.length > 0)
}

/**
 * A function removing `secret` and its forms and fragments (see the module description) from any text. A secret
 * shorter than 4 characters is not scrubbed (it would match everywhere).
 *
 * @since 0.2.0
 */
export const scrubber = (secret: string): (text: string) => string => {
  if (secret.length < 4) return (text) => text
  const whole = [...forms(secret)].toSorted((a, b) => b.length - a.length)
  const k = Math.min(MIN_FRAGMENT, secret.length)
  const grams = new Set<string>()
  for (const form of whole) for (let i = 0; i + k <= form.length; i++) grams.add(form.slice(i, i + k))
  const firsts = new Set([...grams].map((g) => g.charCodeAt(0)))
  return (text) => {
    let out = text
    for (const form of whole) if (out.includes(form)) out = out.split(form).join(REDACTED)
    // Fragments: mark every character covered by a k-gram of a form, then replace each run of them.
    let marked: Uint8Array | undefined
    for (let i = 0; i + k <= out.length; i++) {
      if (!firsts.has(out.charCodeAt(i))) continue
      if (grams.has(out.slice(i, i + k))) (marked ??= new Uint8Array(out.length)).fill(1, i, i + k)
    }
    if (marked === undefined) return out
    let result = ""
    for (let i = 0; i < out.length;) {
      if (marked[i] === 1) {
        while (i < out.length && marked[i] === 1) i++
        result += REDACTED
      } else {
        const start = i
        while (i < out.length && marked[i] !== 1) i++
        result += out.slice(start, i)
      }
    }
    return result
  }
}

/**
 * Removes every secret of `secrets` (and their forms and fragments) from `text`.
 *
 * @example
 * ```ts
 * import { Secret } from "@parley/schema"
 *
 * Secret.scrub("Bearer abc123xyz failed", ["abc123xyz"]) // "Bearer <redacted> failed"
 * ```
 *
 * @since 0.2.0
 */
export const scrub = (text: string, secrets: ReadonlyArray<string | undefined>): string => {
  let out = text
  for (const secret of secrets) if (secret !== undefined) out = scrubber(secret)(out)
  return out
}
