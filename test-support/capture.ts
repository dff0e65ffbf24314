/**
 * Records every log line and span that an Effect program produces, so that secret checks can search them. With
 * `allHeaders`, every request and response header is recorded on the HTTP spans (`HttpClient.TracerHeaderFilter`),
 * the worst case for a leak; otherwise Effect's default applies (no headers recorded). With `successValues`, a
 * successful span's value is rendered too (it is held in memory, not exported: a server that echoes a secret in its
 * answer would show up there).
 */
import { Cause, Effect, Exit, Logger, References, Tracer } from "effect"
import { HttpClient } from "effect/http"
import { inspect } from "node:util"

/** A recorder: `provide` instruments a program, `dump` renders everything it recorded. */
export const capture = (options: { readonly allHeaders?: boolean; readonly successValues?: boolean } = {}) => {
  const spans: Array<Tracer.NativeSpan> = []
  const lines: Array<string> = []
  const tracer = Tracer.make({
    span(options) {
      const span = new Tracer.NativeSpan(options)
      spans.push(span)
      return span
    }
  })
  const logger = Logger.make((options) => {
    lines.push(
      `${options.logLevel} ${inspect(options.message, { depth: 10 })} ${Cause.pretty(options.cause)} ${
        inspect(options.cause, { depth: 10 })
      }`
    )
  })
  const provide = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    effect.pipe(
      Effect.withTracer(tracer),
      options.allHeaders === true ? Effect.provideService(HttpClient.TracerHeaderFilter, () => true) : (e) => e,
      Effect.provideService(References.MinimumLogLevel, "All"),
      Effect.provide(Logger.layer([logger]))
    )
  const dump = () =>
    [
      ...lines,
      ...spans.flatMap((span) => [
        span.name,
        inspect([...span.attributes], { depth: 10 }),
        JSON.stringify([...span.attributes].map(([k, v]) => [k, String(v)])),
        inspect(span.events, { depth: 10 }),
        // A failed span's cause is what exporters record; a successful span's value (the raw response object,
        // held in memory) is not exported, so only its outcome is rendered.
        "exit" in span.status
          ? Exit.isSuccess(span.status.exit) && options.successValues !== true
            ? "Success"
            : `${inspect(span.status.exit, { depth: 10 })} ${String(span.status.exit)}`
          : ""
      ])
    ].join("\n")
  return { lines, spans, provide, dump }
}

/** Every way an error may be printed. */
export const renderings = (error: unknown): string =>
  [
    String(error),
    error instanceof Error ? error.message : "",
    JSON.stringify(error),
    inspect(error, { depth: 10 }),
    Cause.pretty(Cause.fail(error))
  ].join("\n")
