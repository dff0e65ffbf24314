/**
 * The sanitizer's contract as properties over any input, shared by `fuzz.test.ts` (a few thousand cases in
 * `pnpm test`) and `fuzz.ts` (`pnpm fuzz`, a million by default):
 *
 * 1. `sanitize` and `toPlainText` never throw;
 * 2. the output, parsed again by parse5 (the WHATWG algorithm, as `innerHTML` parses), holds only the policy's
 *    elements, attributes and URL schemes, no comment, no NUL or CR;
 * 3. `sanitize` is idempotent;
 * 4. (`checkTreeFree`) wherever the tree-free path takes a body, its output equals parse5's;
 * 5. the fast paths change nothing: the result equals parse5's alone (`Engine.sanitize(x, policy, "parser")`), and
 *    the one with the no-markup path bypassed (a leading empty comment).
 */
import { Html } from "@parley/schema"
// The engine is internal to @parley/schema; its engine switch is only reachable here.
import * as Engine from "../../packages/schema/src/internal/html.ts"
import { allowList, policies, violations } from "./policy.ts"

const allowLists = policies.map((policy) => [policy, allowList(policy)] as const)

const show = (s: string): string => (s.length > 300 ? `${JSON.stringify(s.slice(0, 300))}…` : JSON.stringify(s))

/**
 * The differential property of the tree-free path: wherever it takes a body, its output equals parse5's, under both
 * policies and for plain text. Returns whether it took the body (for the test to see that it is exercised).
 */
export const checkTreeFree = (input: string): boolean => {
  let taken = false
  for (const policy of policies) {
    const direct = Engine.sanitizeTreeFree(input, policy)
    if (direct === undefined) continue
    taken = true
    const tree = Engine.sanitize(input, policy, "parser")
    if (direct !== tree) {
      throw new Error(`${policy.name}: the tree-free path disagrees with parse5: ${show(direct)} vs ${show(tree)}`)
    }
  }
  const plain = Engine.sanitizeTreeFree(input, undefined)
  if (plain !== undefined && plain !== Engine.toPlainText(input, "parser")) {
    throw new Error(`toPlainText: the tree-free path disagrees with parse5: ${show(plain)}`)
  }
  return taken
}

/** Throws an `Error` naming the first broken property for `input`. */
export const checkBody = (input: string): void => {
  for (const [policy, allow] of allowLists) {
    const out = Html.sanitize(input, policy)
    const found = violations(out, allow)
    if (found.length > 0) throw new Error(`${policy.name}: output ${show(out)} breaks the policy: ${found.join("; ")}`)
    const again = Html.sanitize(out, policy)
    if (again !== out) throw new Error(`${policy.name}: not idempotent: ${show(out)} -> ${show(again)}`)
    const tree = Engine.sanitize(input, policy, "parser")
    if (tree !== out) {
      throw new Error(`${policy.name}: the fast paths disagree with parse5: ${show(out)} vs ${show(tree)}`)
    }
    const parsed = Html.sanitize(`<!---->${input}`, policy)
    if (parsed !== out) {
      throw new Error(`${policy.name}: the fast path disagrees with the parser: ${show(out)} vs ${show(parsed)}`)
    }
  }
  const plain = Html.toPlainText(input)
  if (plain.includes("\u0000") || plain.includes("\r")) throw new Error(`toPlainText kept NUL or CR: ${show(plain)}`)
  const plainTree = Engine.toPlainText(input, "parser")
  if (plainTree !== plain) {
    throw new Error(`toPlainText: the fast paths disagree with parse5: ${show(plain)} vs ${show(plainTree)}`)
  }
}
