/**
 * The sanitizer's contract as properties over any input, shared by `fuzz.test.ts` (a few thousand cases in
 * `pnpm test`) and `fuzz.ts` (`pnpm fuzz`, a million by default):
 *
 * 1. `sanitize` and `toPlainText` never throw;
 * 2. the output, parsed again by parse5 (the WHATWG algorithm, as `innerHTML` parses), holds only the policy's
 *    elements, attributes and URL schemes, no comment, no NUL or CR;
 * 3. `sanitize` is idempotent;
 * 4. the pre-parse scan changes nothing: the result equals the one with text elision off (`minRun: Infinity`), with
 *    elision as eager as it gets (`minRun: 1`), and with the fast path bypassed (a leading empty comment).
 */
import { Html } from "@parley/schema"
// The engine is internal to @parley/schema; its elision knob is only reachable here.
import * as Engine from "../../packages/schema/src/internal/html.ts"
import { allowList, policies, violations } from "./policy.ts"

const allowLists = policies.map((policy) => [policy, allowList(policy)] as const)

const show = (s: string): string => (s.length > 300 ? `${JSON.stringify(s.slice(0, 300))}…` : JSON.stringify(s))

/** Throws an `Error` naming the first broken property for `input`. */
export const checkBody = (input: string): void => {
  for (const [policy, allow] of allowLists) {
    const out = Html.sanitize(input, policy)
    const found = violations(out, allow)
    if (found.length > 0) throw new Error(`${policy.name}: output ${show(out)} breaks the policy: ${found.join("; ")}`)
    const again = Html.sanitize(out, policy)
    if (again !== out) throw new Error(`${policy.name}: not idempotent: ${show(out)} -> ${show(again)}`)
    const off = Engine.sanitize(input, policy, { minRun: Number.POSITIVE_INFINITY })
    if (off !== out) throw new Error(`${policy.name}: elision changed the result: ${show(out)} vs ${show(off)}`)
    const eager = Engine.sanitize(input, policy, { minRun: 1 })
    if (eager !== out) {
      throw new Error(`${policy.name}: eager elision changed the result: ${show(out)} vs ${show(eager)}`)
    }
    const parsed = Html.sanitize(`<!---->${input}`, policy)
    if (parsed !== out) {
      throw new Error(`${policy.name}: the fast path disagrees with the parser: ${show(out)} vs ${show(parsed)}`)
    }
  }
  const plain = Html.toPlainText(input)
  if (plain.includes("\u0000") || plain.includes("\r")) throw new Error(`toPlainText kept NUL or CR: ${show(plain)}`)
  const plainOff = Engine.toPlainText(input, { minRun: Number.POSITIVE_INFINITY })
  if (plainOff !== plain) {
    throw new Error(`toPlainText: elision changed the result: ${show(plain)} vs ${show(plainOff)}`)
  }
}
