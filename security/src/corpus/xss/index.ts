/**
 * The XSS corpus: hostile message bodies, by class. Payloads run `alert(...)` or `__xss.push(...)`, both of which
 * the browser harness records, or try to load something from `xss.invalid` or navigate, which it records too.
 */
import { attributeBreakout } from "./attributeBreakout.ts"
import { brokenTags } from "./brokenTags.ts"
import { commentsAndCdata } from "./commentsAndCdata.ts"
import { encodingTricks } from "./encodingTricks.ts"
import { namespaceConfusion } from "./namespaceConfusion.ts"
import { scriptAndHandlers } from "./scriptAndHandlers.ts"
import { urlSchemes } from "./urlSchemes.ts"

/** One hostile body and its class. */
export interface Entry {
  readonly id: string
  readonly kind: string
  readonly html: string
}

/** The classes and their bodies. */
export const classes: { readonly [kind: string]: ReadonlyArray<string> } = {
  "script and event handlers": scriptAndHandlers,
  "URL scheme obfuscation": urlSchemes,
  "unclosed, nested and split tags": brokenTags,
  "comments and CDATA": commentsAndCdata,
  "svg, math and noscript namespace confusion": namespaceConfusion,
  "attribute breakout": attributeBreakout,
  "encoding tricks": encodingTricks
}

/** Every body, with an id (`class#index`). */
export const corpus: ReadonlyArray<Entry> = Object.entries(classes).flatMap(([kind, bodies]) =>
  bodies.map((html, i) => ({ id: `${kind}#${i}`, kind, html }))
)
