/**
 * `parley sanitize`: an HTML message body through the sanitizer (Drift's or Intercom's allow-list), or down to
 * plain text.
 *
 * @since 0.1.0
 */
import { Argument, Command, Flag } from "effect/cli"
import * as Shared from "./shared.ts"

/**
 * The arguments and flags of `parley sanitize`.
 *
 * @since 0.1.0
 */
export const flags = {
  body: Argument.String("body").pipe(
    Argument.withDescription("The HTML body; absent or `-`: read stdin"),
    Argument.optional
  ),
  policy: Flag.Literals("policy", ["drift", "intercom"]).pipe(
    Flag.withDescription(
      "drift: b, em, a[href]; intercom: p, br, a, b, i, em, strong, code, pre, ul, ol, li, img (default drift)"
    ),
    Flag.withDefault("drift")
  ),
  plain: Flag.Boolean("plain").pipe(
    Flag.withDescription("Print the body as plain text (Html.toPlainText) instead of sanitized HTML (default: off)"),
    Flag.withDefault(false)
  )
}

/**
 * `parley sanitize`.
 *
 * @since 0.1.0
 */
export const command = Command.make(
  "sanitize",
  flags,
  // The sanitizer is loaded when the command runs.
  (args) => Shared.runHandler(() => import("../handlers/sanitize.ts"), args)
).pipe(
  Command.withDescription("Sanitize an HTML message body (argument or stdin) with Drift's or Intercom's allow-list"),
  Command.withExamples([
    {
      command: `parley sanitize '<p onclick="x()">Hi <b>there</b><script>alert(1)</script></p>'`,
      description: "Prints: Hi <b>there</b>"
    },
    { command: "parley sanitize --plain < body.html", description: "The body as plain text" }
  ])
)
