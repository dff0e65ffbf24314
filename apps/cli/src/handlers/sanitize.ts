/**
 * What `parley sanitize` runs (see the command, `commands/sanitize.ts`). Loaded when the command runs.
 *
 * @internal
 */
import { Html } from "@parley/schema"
import { Effect, Option } from "effect"
import type { Command } from "effect/cli"
import type { flags } from "../commands/sanitize.ts"
import * as Errors from "../Errors.ts"

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

/** Sanitizes the body (the argument, else stdin) and prints it. */
export const run = Effect.fn("parley.sanitize")(function*(args: Command.Command.Config.Infer<typeof flags>) {
  const body = Option.isSome(args.body) && args.body.value !== "-" ? args.body.value : yield* readStdin
  const policy = args.policy === "intercom" ? Html.intercom : Html.drift
  const output = args.plain ? Html.toPlainText(body) : Html.sanitize(body, policy)
  yield* Effect.sync(() => process.stdout.write(output.endsWith("\n") ? output : `${output}\n`))
})
