/**
 * Test helpers: an in-process sandbox on an ephemeral loopback port, a client pointed at it, raw HTTP.
 */
import { IntercomClient } from "@parley/intercom-client"
import { Effect, Layer, Redacted } from "effect"
import { FetchHttpClient } from "effect/http"
import { Sandbox } from "../src/index.ts"

export const start = (options: Sandbox.Options = {}) => Sandbox.start({ port: 0, ...options })

/** A client for a running sandbox; fast retries so tests do not wait for backoff. */
export const client = (sandbox: Sandbox.Running, options: Partial<IntercomClient.Options> = {}) =>
  IntercomClient.make({
    token: Redacted.make(sandbox.token),
    baseUrl: sandbox.url,
    retry: { baseDelay: "5 millis", maxDelay: "15 seconds", jitter: false },
    ...options
  }).pipe(Effect.provide(FetchHttpClient.layer))

export const clientLayer = (sandbox: Sandbox.Running, options: Partial<IntercomClient.Options> = {}) =>
  Layer.effect(IntercomClient.IntercomClient, client(sandbox, options))

export interface WireResponse {
  readonly status: number
  readonly headers: Headers
  readonly text: string
}

export const call = (
  url: string,
  options: { readonly method?: string; readonly token?: string | undefined; readonly body?: unknown } = {}
): Effect.Effect<WireResponse, Error> =>
  Effect.tryPromise({
    try: async () => {
      const headers: Record<string, string> = { "intercom-version": "2.11" }
      if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
      if (options.body !== undefined) headers["content-type"] = "application/json"
      const response = await fetch(url, {
        method: options.method ?? "GET",
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {})
      })
      return { status: response.status, headers: response.headers, text: await response.text() }
    },
    catch: (cause) => (cause instanceof Error ? cause : new Error(String(cause)))
  })
