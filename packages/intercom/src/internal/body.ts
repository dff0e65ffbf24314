/**
 * Message bodies between Drift's rules (b, em, a; line breaks as "\n") and Intercom's HTML.
 *
 * @internal
 */
import { Html } from "@parley/schema"

const isWs = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d

/**
 * Whether wrapping each line of `body` in `<p>` is known to map back to `body` under Drift's sanitizer without
 * running it: no tags, no whitespace at either end, no empty line, no whitespace next to a line break.
 */
const plainLinesRoundTrip = (body: string): boolean => {
  const n = body.length
  if (isWs(body.charCodeAt(0)) || isWs(body.charCodeAt(n - 1))) return false
  for (let i = 0; i < n; i++) {
    const c = body.charCodeAt(i)
    if (c === 0x3c) return false
    if (c === 0x0a && (isWs(body.charCodeAt(i - 1)) || isWs(body.charCodeAt(i + 1)))) return false
  }
  return true
}

const paragraphs = (body: string): string => `<p>${body.split("\n").join("</p><p>")}</p>`

/**
 * A Drift body (already sanitized by Drift's rules) as an Intercom body. `"paragraphs"`: each line in a `<p>`,
 * when {@link toDrift} gives the same body back (checked without parsing for plain text, by sanitizing
 * otherwise), else the body as it is. `"raw"`: the body as it is (Drift's tags are a subset of Intercom's).
 * Either way `toDrift(toIntercom(b)) === b` for every sanitized Drift body `b`.
 */
export const toIntercom = (body: string, mode: "paragraphs" | "raw"): string => {
  if (mode === "raw" || body.length === 0) return body
  const html = paragraphs(body)
  if (plainLinesRoundTrip(body)) return html
  return Html.sanitize(html, Html.drift) === body ? html : body
}

/** An Intercom body re-sanitized by Drift's rules: block markup becomes line breaks, other tags are stripped. */
export const toDrift = (html: string): string => Html.sanitize(html, Html.drift)
