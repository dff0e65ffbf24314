/**
 * `Errors.describe` over the typed union `Errors.Failure`, in process: the tag picks the line and the exit code;
 * only a defect (no type names it) is an `internal error`.
 */
import { assert, describe, it } from "@effect/vitest"
import { Errors } from "@parley/cli"
import { DriftApiError } from "@parley/drift-client"
import { Migration } from "@parley/migrate"
import { Cause } from "effect"
import { CliError } from "effect/cli"

describe("Errors.describe: one case per tag", () => {
  it("the CLI's own errors keep their lines and codes", () => {
    assert.deepStrictEqual(Errors.describe(new Errors.UsageError({ reason: "--page-size must be 1 to 50" })), {
      line: "--page-size must be 1 to 50",
      exitCode: Errors.ExitCode.usage
    })
    assert.deepStrictEqual(Errors.describe(new Errors.Described({ line: "done, short", exitCode: 3 })), {
      line: "done, short",
      exitCode: 3
    })
  })

  it("a ValidationError is the command line's (exit 2) or Drift's (exit 1), by its class", () => {
    const cli = Errors.describe(new CliError.ValidationError({ message: "--a and --b exclude each other" }))
    assert.deepStrictEqual(cli, { line: "--a and --b exclude each other", exitCode: Errors.ExitCode.usage })
    const drift = Errors.describe(
      new DriftApiError.ValidationError({ errors: [{ type: "invalid", message: "limit too big", param: "limit" }] })
    )
    assert.strictEqual(drift.exitCode, Errors.ExitCode.failure)
    assert.match(drift.line, /limit too big/)
  })

  it("a typed migration failure says what failed, not `internal error`", () => {
    const described = Errors.describe(new Migration.MigrationFailed({ reason: "Storage", detail: "disk full" }))
    assert.deepStrictEqual(described, { line: "disk full", exitCode: Errors.ExitCode.failure })
  })

  it("a defect is an internal error; interrupts only are exit 130", () => {
    const defect = Errors.describeCause(Cause.die(new Error("boom")))
    assert.strictEqual(defect.exitCode, Errors.ExitCode.failure)
    assert.match(defect.line, /^internal error: boom \(run with PARLEY_DEBUG=1/)
    assert.strictEqual(Errors.describeCause(Cause.interrupt()).exitCode, Errors.ExitCode.interrupted)
  })
})
