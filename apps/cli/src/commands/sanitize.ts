/**
 * `parley sanitize`: an HTML message body through the sanitizer (Drift's or Intercom's allow-list), or down to
 * plain text.
 *
 * @since 0.1.0
 */
import { Html } from "@parley/schema"
import { Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Errors from "../Errors.ts"

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

const readStdin = Effect.callback<string, Errors.FileError>((resume) => {
  if (process.stdin.isTTY === true) {
    resume(Effect.fail(
      new Errors.FileError({
        path: "-",
        operation: "read",
        reason: "stdin is a terminal: give the body as an argument or pipe it in"
      })
    ))
    return
  }
  const chunks: Array<string> = []
  process.stdin.setEncoding("utf8")
  process.stdin.on("data", (chunk: string) => chunks.push(chunk))
  process.stdin.once("end", () => resume(Effect.succeed(chunks.join(""))))
  process.stdin.once(
    "error",
    (error) => resume(Effect.fail(new Errors.FileError({ path: "-", operation: "read", reason: error.message })))
  )
})

/**
 * `parley sanitize`.
 *
 * @since 0.1.0
 */
export const command = Command.make(
  "sanitize",
  flags,
  Effect.fn("parley.sanitize")(function*(args) {
    const body = Option.isSome(args.body) && args.body.value !== "-" ? args.body.value : yield* readStdin
    const policy = args.policy === "intercom" ? Html.intercom : Html.drift
    const output = args.plain ? Html.toPlainText(body) : Html.sanitize(body, policy)
    yield* Effect.sync(() => process.stdout.write(output.endsWith("\n") ? output : `${output}\n`))
  })
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
