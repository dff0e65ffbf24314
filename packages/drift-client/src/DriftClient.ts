/**
 * `DriftClient`: Drift's conversation API as an Effect service, with bearer auth, per-request timeouts,
 * retries with backoff that honour `Retry-After`, a client-side rate limit and typed errors.
 *
 * Built on `HttpApiClient` over {@link DriftApi.DriftApi}, so the API is declared once. The layers require an
 * `HttpClient`: provide `FetchHttpClient.layer` (from `effect/http`) or `NodeHttpClient.layerUndici` (from
 * `@effect/platform-node`).
 *
 * @example
 * ```ts
 * import { DriftClient } from "@parley/drift-client"
 * import { Effect, Layer, Redacted } from "effect"
 * import { FetchHttpClient } from "effect/http"
 *
 * const program = Effect.gen(function*() {
 *   const drift = yield* DriftClient.DriftClient
 *   const page = yield* drift.listConversations({ limit: 50, statuses: ["open"] })
 *   yield* Effect.log(`${page.data.length} open conversations`)
 * })
 *
 * const DriftLive = DriftClient.DriftClient.layer({ token: Redacted.make("my-token") }).pipe(
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * Effect.runPromise(program.pipe(Effect.provide(DriftLive)))
 * ```
 *
 * @since 0.1.0
 */
import { Drift, Secret } from "@parley/schema"
import {
  Config,
  Context,
  Duration,
  Effect,
  flow,
  identity,
  Layer,
  Option,
  Redacted,
  References,
  Schedule
} from "effect"
import { HttpClient, HttpClientRequest, type HttpClientResponse } from "effect/http"
import { HttpApiClient } from "effect/http-api"
import { RateLimiter } from "effect/persistence"
import { DriftApi, MAX_PAGE_SIZE_NEW } from "./DriftApi.ts"
import * as DriftApiError from "./DriftApiError.ts"
import * as DriftError from "./DriftError.ts"
import * as Classify from "./internal/classify.ts"
import * as Lean from "./internal/lean.ts"
import * as Timeout from "./internal/timeout.ts"

// -----------------------------------------------------------------------------
// Options
// -----------------------------------------------------------------------------

/**
 * Drift's API host, the default `baseUrl`.
 *
 * @since 0.1.0
 */
export const DEFAULT_BASE_URL = "https://driftapi.com"

/**
 * The defaults of every {@link Options} field but `token`.
 *
 * - `timeout`: 30 seconds per request (each attempt, from sending to the last byte of the body);
 * - `retry`: 5 retries (6 attempts), exponential backoff from 250 ms doubling up to 30 s, jittered ±20%;
 * - `rateLimit`: 600 requests per minute, bursts of up to 10 (one second's worth), Drift's own limit. A `baseUrl`
 *   on loopback (`127.0.0.1`, `localhost`, `[::1]`: a sandbox) gets no limit unless `rateLimit` is given.
 *
 * @example
 * ```ts
 * import { DriftClient } from "@parley/drift-client"
 *
 * DriftClient.defaults.retry.times // 5
 * ```
 *
 * @since 0.1.0
 */
export const defaults = {
  baseUrl: DEFAULT_BASE_URL,
  timeout: Duration.seconds(30),
  retry: {
    times: 5,
    baseDelay: Duration.millis(250),
    maxDelay: Duration.seconds(30),
    jitter: true
  },
  rateLimit: {
    requestsPerMinute: 600
  },
  /** The largest answer read: 64 MiB (Drift's largest pages are a few MB). */
  maxResponseBytes: 64 * 1024 * 1024
} as const

/**
 * How failed requests are retried. Retried: 429, 5xx, transport errors and timeouts; never other 4xx or
 * undecodable answers. The delay before retry `n` (from 1) is `baseDelay * 2^(n-1)`, capped at `maxDelay`,
 * jittered by a random factor in [0.8, 1.2] when `jitter` is on; when the answer carries `Retry-After`
 * (seconds or an HTTP date), the delay is exactly that. A `Retry-After` longer than `maxDelay` ends the retries:
 * the error carries `retryAfterMillis` so the caller can decide.
 *
 * @example
 * ```ts
 * import type { DriftClient } from "@parley/drift-client"
 *
 * const patient: DriftClient.RetryOptions = { times: 8, baseDelay: "1 second", maxDelay: "1 minute" }
 * ```
 *
 * @since 0.1.0
 */
export interface RetryOptions {
  /** Retries after the first attempt. Default 5; 0 disables retrying. */
  readonly times?: number | undefined
  /** The first backoff delay. Default 250 ms. */
  readonly baseDelay?: Duration.Input | undefined
  /** The largest backoff delay, and the longest `Retry-After` the client waits for. Default 30 s. */
  readonly maxDelay?: Duration.Input | undefined
  /** Multiply each backoff delay by a random factor in [0.8, 1.2]. Default true. */
  readonly jitter?: boolean | undefined
}

/**
 * The client-side rate limit: a token bucket shared by every method of one `DriftClient` (all attempts
 * count), refilled at `requestsPerMinute`, holding at most `burst` tokens. A request that finds the bucket
 * empty waits for its turn; it never fails for it.
 *
 * @example
 * ```ts
 * import type { DriftClient } from "@parley/drift-client"
 *
 * const gentle: DriftClient.RateLimitOptions = { requestsPerMinute: 120, burst: 1 }
 * ```
 *
 * @since 0.1.0
 */
export interface RateLimitOptions {
  /** Requests per minute. Default 600; `Infinity` disables the limit. */
  readonly requestsPerMinute?: number | undefined
  /** The most requests sent back to back. Default: one second's worth (`ceil(requestsPerMinute / 60)`). */
  readonly burst?: number | undefined
}

/**
 * Options of {@link DriftClient.layer}. Only `token` is required; see {@link defaults} for the rest.
 *
 * @example
 * ```ts
 * import type { DriftClient } from "@parley/drift-client"
 * import { Redacted } from "effect"
 *
 * const options: DriftClient.Options = {
 *   token: Redacted.make("my-token"),
 *   timeout: "10 seconds",
 *   retry: { times: 3 },
 *   rateLimit: { requestsPerMinute: 300 }
 * }
 * ```
 *
 * @since 0.1.0
 */
export interface Options {
  /** The OAuth access token, sent as `Authorization: Bearer <token>`. */
  readonly token: Redacted.Redacted<string>
  /** Default `https://driftapi.com`. */
  readonly baseUrl?: string | URL | undefined
  /** Per request (each attempt): default 30 s. */
  readonly timeout?: Duration.Input | undefined
  readonly retry?: RetryOptions | undefined
  /** Default 600 requests per minute; `false` disables the limit. */
  readonly rateLimit?: RateLimitOptions | false | undefined
  /** The largest answer read, in bytes (default 64 MiB); a larger one fails with `ResponseTooLarge`. */
  readonly maxResponseBytes?: number | undefined
}

/**
 * Options of {@link Service.listConversations}.
 *
 * @example
 * ```ts
 * import type { DriftClient } from "@parley/drift-client"
 *
 * const openFirst: DriftClient.ListConversationsOptions = { limit: 50, statuses: ["open", "pending"] }
 * ```
 *
 * @since 0.1.0
 */
export interface ListConversationsOptions {
  /** Page size, 1 to 50 on the legacy API, 1 to 100 on the newer one (Drift's default is 25). */
  readonly limit?: number | undefined
  /**
   * The page to read, as `Drift.listNext(page)` gave it: a legacy `next` cursor or a newer-API page token;
   * absent: the first page.
   */
  readonly cursor?: Drift.ListCursor | undefined
  /** A legacy `next` cursor (`Drift.nextCursor(page.pagination)`); `cursor` wins when both are given. */
  readonly next?: string | undefined
  /** Keep only these statuses (sent as repeated `statusId`). */
  readonly statuses?: ReadonlyArray<Drift.FilterableStatus> | undefined
}

/**
 * Options of {@link Service.listMessages}.
 *
 * @example
 * ```ts
 * import { DriftClient } from "@parley/drift-client"
 * import { Drift } from "@parley/schema"
 * import { Option } from "effect"
 *
 * const nextPage = (id: Drift.ConversationId, page: Drift.MessagesPage) =>
 *   Option.map(Drift.nextCursor(Drift.messagesPagination(page)), (next) =>
 *     DriftClient.DriftClient.use((drift) => drift.listMessages(id, { next })))
 * ```
 *
 * @since 0.1.0
 */
export interface ListMessagesOptions {
  /** The cursor of the page to read (`Drift.nextCursor(Drift.messagesPagination(page))`). */
  readonly next?: string | undefined
}

// -----------------------------------------------------------------------------
// Service
// -----------------------------------------------------------------------------

/**
 * The methods of {@link DriftClient}, one per endpoint. Each is traced as a span named `DriftClient.<method>`
 * (with the attempt count as `drift.attempts`) and fails with a {@link DriftError.DriftError}.
 *
 * @example
 * ```ts
 * import type { DriftClient } from "@parley/drift-client"
 *
 * // a hand-written stand-in for tests that do not need HTTP
 * declare const fake: DriftClient.Service
 * ```
 *
 * @since 0.1.0
 */
export interface Service {
  /**
   * `GET /conversations/list`: one page, most recently updated first, in whichever list API the server speaks
   * (read the next page's cursor with `Drift.listNext(page)`).
   */
  readonly listConversations: (
    options?: ListConversationsOptions
  ) => Effect.Effect<Drift.ConversationsPage, DriftError.DriftError>
  /** `GET /conversations/{id}`. */
  readonly getConversation: (id: Drift.ConversationId) => Effect.Effect<Drift.Conversation, DriftError.DriftError>
  /** `GET /conversations/{id}/messages`: one page of a conversation's messages, oldest first. */
  readonly listMessages: (
    id: Drift.ConversationId,
    options?: ListMessagesOptions
  ) => Effect.Effect<Drift.MessagesPage, DriftError.DriftError>
  /** `POST /conversations/new`: start a conversation with a contact, by email. */
  readonly createConversation: (
    request: Drift.CreateConversationRequest
  ) => Effect.Effect<Drift.CreateConversationResponse, DriftError.DriftError>
  /** `POST /conversations/{id}/messages`: post a chat message or a private note. */
  readonly createMessage: (
    id: Drift.ConversationId,
    request: Drift.CreateMessageRequest
  ) => Effect.Effect<Drift.Message, DriftError.DriftError>
  /** `GET /conversations/stats`: conversation counts by status. */
  readonly conversationStats: () => Effect.Effect<Drift.ConversationStats, DriftError.DriftError>
  /** `GET /contacts/{id}`. */
  readonly getContact: (id: Drift.ContactId) => Effect.Effect<Drift.Contact, DriftError.DriftError>
  /** `GET /contacts?email=`: the contacts with this email (an empty list when there are none). */
  readonly findContacts: (email: string) => Effect.Effect<ReadonlyArray<Drift.Contact>, DriftError.DriftError>
  /** `GET /users/{id}`. */
  readonly getUser: (id: Drift.UserId) => Effect.Effect<Drift.User, DriftError.DriftError>
  /** `GET /users/list`: every user of the organization. */
  readonly listUsers: () => Effect.Effect<ReadonlyArray<Drift.User>, DriftError.DriftError>
  /** What this client has done so far: requests sent (every attempt), retries, 429 answers. */
  readonly stats: Effect.Effect<Stats>
}

/**
 * Counts of a client's traffic since it was built, for progress displays: every attempt is a request; a retry is
 * an attempt after the first of a call; `rateLimited` counts 429 answers.
 *
 * @since 0.1.0
 */
export interface Stats {
  readonly requests: number
  readonly retries: number
  readonly rateLimited: number
}

interface Resolved {
  readonly token: Redacted.Redacted<string>
  readonly baseUrl: string
  readonly timeout: Duration.Duration
  readonly retry: {
    readonly times: number
    readonly baseDelay: Duration.Duration
    readonly maxDelay: Duration.Duration
    readonly jitter: boolean
  }
  readonly rateLimit: { readonly requestsPerMinute: number; readonly burst: number } | undefined
  readonly maxResponseBytes: number
}

const invalid = (option: string, reason: string) => Effect.fail(new DriftError.InvalidOptions({ option, reason }))

const duration = (option: string, input: Duration.Input) =>
  Option.match(Duration.fromInput(input), {
    onNone: () =>
      invalid(option, `must be a duration such as "30 seconds" or a number of milliseconds, got ${String(input)}`),
    onSome: (d) =>
      Duration.isNegative(d) ? invalid(option, `must not be negative, got ${String(input)}`) : Effect.succeed(d)
  })

/**
 * Whether `baseUrl` is on this machine (`127.0.0.0/8`, `localhost`, `[::1]`): a sandbox, which gets no
 * client-side rate limit unless one is asked for (Drift's 600 requests a minute would make a local run take
 * minutes for nothing).
 *
 * @example
 * ```ts
 * import { DriftClient } from "@parley/drift-client"
 *
 * DriftClient.isLoopback("http://127.0.0.1:4010") // true
 * DriftClient.isLoopback("https://driftapi.com") // false
 * ```
 *
 * @since 0.1.0
 */
export const isLoopback = (baseUrl: string | URL): boolean => {
  let host: string
  try {
    host = new URL(String(baseUrl)).hostname.toLowerCase()
  } catch {
    return false
  }
  return host === "localhost" || host.endsWith(".localhost") || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host)
}

const resolve = Effect.fnUntraced(function*(options: Options) {
  if (options.token === undefined || !Redacted.isRedacted(options.token)) {
    return yield* invalid("token", "must be a Redacted string (Redacted.make(token))")
  }
  const baseUrl = String(options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "")
  if (!/^https?:\/\/[^/]/.test(baseUrl)) {
    return yield* invalid("baseUrl", `must be an http(s) URL, got ${JSON.stringify(baseUrl)}`)
  }
  const timeout = yield* duration("timeout", options.timeout ?? defaults.timeout)
  if (Duration.isZero(timeout)) return yield* invalid("timeout", "must be positive, got 0")
  const times = options.retry?.times ?? defaults.retry.times
  if (!Number.isSafeInteger(times) || times < 0) {
    return yield* invalid("retry.times", `must be a non-negative integer, got ${times}`)
  }
  const requestsPerMinute = options.rateLimit === false || (options.rateLimit === undefined && isLoopback(baseUrl))
    ? Number.POSITIVE_INFINITY
    : options.rateLimit?.requestsPerMinute ?? defaults.rateLimit.requestsPerMinute
  if (!(requestsPerMinute > 0)) {
    return yield* invalid("rateLimit.requestsPerMinute", `must be positive, got ${requestsPerMinute}`)
  }
  const burst = (options.rateLimit === false ? undefined : options.rateLimit?.burst) ??
    Math.ceil(requestsPerMinute / 60)
  if (Number.isFinite(requestsPerMinute) && (!Number.isSafeInteger(burst) || burst < 1)) {
    return yield* invalid("rateLimit.burst", `must be a positive integer, got ${burst}`)
  }
  const maxResponseBytes = options.maxResponseBytes ?? defaults.maxResponseBytes
  if (!(maxResponseBytes > 0)) {
    return yield* invalid("maxResponseBytes", `must be positive, got ${maxResponseBytes}`)
  }
  const resolved: Resolved = {
    token: options.token,
    baseUrl,
    timeout,
    retry: {
      times,
      baseDelay: yield* duration("retry.baseDelay", options.retry?.baseDelay ?? defaults.retry.baseDelay),
      maxDelay: yield* duration("retry.maxDelay", options.retry?.maxDelay ?? defaults.retry.maxDelay),
      jitter: options.retry?.jitter ?? defaults.retry.jitter
    },
    rateLimit: Number.isFinite(requestsPerMinute) ? { requestsPerMinute, burst } : undefined,
    maxResponseBytes
  }
  return resolved
})

/**
 * The rate limiter's turn, shared by every method of one client (all attempts count): a token bucket that
 * delays a request when it is empty, never fails it. `Effect.void` without a limit.
 */
const admission = Effect.fnUntraced(function*(options: Resolved) {
  const rateLimit = options.rateLimit
  if (rateLimit === undefined) return Lean.noAdmit
  const limiter = yield* RateLimiter.make.pipe(Effect.provide(RateLimiter.layerStoreMemory))
  const window = Lean.clampWindow(Duration.millis(rateLimit.burst * 60_000 / rateLimit.requestsPerMinute))
  return limiter.consume({
    algorithm: "token-bucket",
    onExceeded: "delay",
    key: "drift",
    limit: rateLimit.burst,
    window
  }).pipe(
    Effect.flatMap(({ delay }) => Duration.isZero(delay) ? Effect.void : Effect.sleep(delay)),
    // The in-memory store cannot fail, and `onExceeded: "delay"` waits instead of failing.
    Effect.orDie
  )
})

/**
 * The `HttpClient` every generated method runs through, innermost first: base URL and `Accept`, the body read
 * inside the per-attempt timeout, the rate limiter's turn, and the `Authorization` header, added last.
 */
const transport = (http: HttpClient.HttpClient, options: Resolved, admit: Effect.Effect<void>) => {
  const timed = http.pipe(
    HttpClient.mapRequest(flow(HttpClientRequest.prependUrl(options.baseUrl), HttpClientRequest.acceptJson)),
    HttpClient.transform((effect, request) =>
      effect.pipe(
        // The body is read here, under the timeout and the size limit, and handed on as a response of its bytes.
        Effect.flatMap((response) => Classify.readBounded(request, response, options.maxResponseBytes)),
        (attempt) =>
          Timeout.timeoutOrElse(
            attempt,
            Duration.toMillis(options.timeout),
            () => Effect.fail(new Classify.AttemptTimeout({ method: request.method, url: request.url }))
          )
      )
    )
  )
  const limited = options.rateLimit === undefined
    ? timed
    : timed.pipe(HttpClient.transform((effect) => Effect.andThen(admit, effect)))
  return limited.pipe(HttpClient.mapRequest(HttpClientRequest.bearerToken(options.token)))
}

const retryAfterOf = (error: DriftError.DriftError): number | undefined =>
  error instanceof DriftApiError.RateLimited || error instanceof DriftApiError.ServerError
    ? error.retryAfterMillis
    : undefined

/**
 * The retry policy of {@link RetryOptions} as a `Schedule` over the errors of attempts.
 *
 * @example
 * ```ts
 * import { DriftClient, type DriftError } from "@parley/drift-client"
 * import { Effect } from "effect"
 *
 * declare const call: Effect.Effect<string, DriftError.DriftError>
 * call.pipe(Effect.retry(DriftClient.retrySchedule({ times: 2, baseDelay: "10 millis" })))
 * ```
 *
 * @since 0.1.0
 */
export const retrySchedule = (options: RetryOptions = {}): Schedule.Schedule<
  Duration.Duration,
  DriftError.DriftError
> => {
  const maxDelay = Duration.fromInputUnsafe(options.maxDelay ?? defaults.retry.maxDelay)
  const maxDelayMillis = Duration.toMillis(maxDelay)
  return Schedule.min([
    Schedule.exponential(options.baseDelay ?? defaults.retry.baseDelay),
    Schedule.spaced(maxDelay)
  ]).pipe(
    (options.jitter ?? defaults.retry.jitter) ? Schedule.jittered : identity,
    Schedule.setInputType<DriftError.DriftError>(),
    Schedule.modifyDelay(({ duration, input }) => {
      const retryAfter = retryAfterOf(input)
      return Effect.succeed(retryAfter === undefined ? duration : Duration.millis(retryAfter))
    }),
    Schedule.while(({ input }) => DriftError.isRetryable(input) && (retryAfterOf(input) ?? 0) <= maxDelayMillis),
    Schedule.upTo({ times: options.times ?? defaults.retry.times }),
    Schedule.tap(({ attempt, duration, input }) =>
      Effect.logDebug(`DriftClient: retrying in ${Duration.format(duration)} (retry ${attempt}): ${input.message}`)
    )
  )
}

/**
 * An attempt through the generated method (in `response-only` mode, so every failure before an answer is a
 * request failure), decoded with the endpoint's decoder.
 */
const generic = <A>(
  send: Effect.Effect<HttpClientResponse.HttpClientResponse, unknown>,
  decode: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, unknown>
) =>
(ctx: Classify.Context): Effect.Effect<A, DriftError.DriftError> =>
  send.pipe(
    Effect.catch((error) => Classify.classifySendFailure(error, ctx)),
    Effect.flatMap((response) =>
      decode(response).pipe(
        Effect.catch((error) => Classify.classifyResponseFailure(error, response, ctx))
      )
    )
  )

const isLimit = (limit: number | undefined) =>
  limit === undefined || (Number.isSafeInteger(limit) && limit >= 1 && limit <= MAX_PAGE_SIZE_NEW)
const isText = (value: unknown) => value === undefined || typeof value === "string"

/**
 * `Effect.retry(attempt, schedule)` for an attempt that already failed once with `first`: the schedule sees `first`
 * as its first input (so delays and the retry budget are exactly those of `Effect.retry`), then every later failure
 * of `attempt`. The schedule is only stepped when there is something to retry, so a call that succeeds at once
 * never builds it.
 */
const retryAfter = <A, E, R>(
  first: E,
  attempt: Effect.Effect<A, E, R>,
  schedule: Schedule.Schedule<unknown, E, never, R>
): Effect.Effect<A, E, R> => {
  let replay = true
  return Effect.retry(
    Effect.suspend(() => {
      if (!replay) return attempt
      replay = false
      return Effect.fail(first)
    }),
    schedule
  )
}

/**
 * Builds the service: the transport, the generated `HttpApiClient`, one decoder per endpoint, and the retry
 * loop around each call. Prefer {@link DriftClient.layer}.
 *
 * @example
 * ```ts
 * import { DriftClient } from "@parley/drift-client"
 * import { Effect, Redacted } from "effect"
 * import { FetchHttpClient } from "effect/http"
 *
 * const drift = DriftClient.make({ token: Redacted.make("my-token") }).pipe(Effect.provide(FetchHttpClient.layer))
 * ```
 *
 * @since 0.1.0
 */
export const make = Effect.fnUntraced(function*(options: Options) {
  const resolved = yield* resolve(options)
  const base = yield* HttpClient.HttpClient
  const admit = yield* admission(resolved)
  const http = transport(base, resolved, admit)
  const api = yield* HttpApiClient.makeWith(DriftApi, { httpClient: http })
  const get = Lean.makeGet({
    http: base,
    baseUrl: resolved.baseUrl,
    token: resolved.token,
    timeout: resolved.timeout,
    maxResponseBytes: resolved.maxResponseBytes,
    admit
  })
  const schedule = retrySchedule(resolved.retry)
  // A write that failed with a 5xx, a timeout or a cut connection may have happened: repeating it could post a
  // message twice. Writes are retried only when Drift refused them outright (429).
  const writeSchedule = schedule.pipe(
    Schedule.while(({ input }) => input instanceof DriftApiError.RateLimited)
  )
  const timeoutMillis = Duration.toMillis(resolved.timeout)
  const secret = Redacted.value(resolved.token)
  const scrub = Secret.scrubber(secret)

  const decoders = {
    list: HttpApiClient.decodeResponse(DriftApi, { group: "conversations", endpoint: "list" }),
    stats: HttpApiClient.decodeResponse(DriftApi, { group: "conversations", endpoint: "stats" }),
    get: HttpApiClient.decodeResponse(DriftApi, { group: "conversations", endpoint: "get" }),
    messages: HttpApiClient.decodeResponse(DriftApi, { group: "conversations", endpoint: "messages" }),
    create: HttpApiClient.decodeResponse(DriftApi, { group: "conversations", endpoint: "create" }),
    createMessage: HttpApiClient.decodeResponse(DriftApi, { group: "conversations", endpoint: "createMessage" }),
    contact: HttpApiClient.decodeResponse(DriftApi, { group: "contacts", endpoint: "get" }),
    contacts: HttpApiClient.decodeResponse(DriftApi, { group: "contacts", endpoint: "find" }),
    user: HttpApiClient.decodeResponse(DriftApi, { group: "users", endpoint: "get" }),
    users: HttpApiClient.decodeResponse(DriftApi, { group: "users", endpoint: "list" })
  }

  // The read endpoints' success schemas, decoded straight from the parsed body on the lean path.
  const fast = {
    list: Lean.fastDecoder(Drift.ConversationsPage),
    stats: Lean.fastDecoder(Drift.ConversationStats),
    get: Lean.fastDecoder(Drift.ConversationResponse),
    messages: Lean.fastDecoder(Drift.MessagesPage),
    contact: Lean.fastDecoder(Drift.ContactResponse),
    contacts: Lean.fastDecoder(Drift.ContactsResponse),
    user: Lean.fastDecoder(Drift.UserResponse),
    users: Lean.fastDecoder(Drift.UsersResponse)
  }

  const counts = { requests: 0, retries: 0, rateLimited: 0 }
  const counted = (error: DriftError.DriftError) => {
    if (error._tag === "RateLimited") counts.rateLimited++
  }

  /**
   * The method's span (`DriftClient.<method>`), for the read methods, which run once per page: without the
   * call-site stack trace `Effect.fn` captures on every call (an `Error` per call, measurable on an export), and
   * with tracing off (`References.TracerEnabled`) no span at all, not even the no-op one `Effect.withSpan` would
   * still set up and end.
   */
  const span = (name: string) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.withFiber((fiber) =>
      fiber.getRef(References.TracerEnabled) ? Effect.withSpan(effect, name, { captureStackTrace: false }) : effect
    )

  /**
   * One call: `attempt` (classifying its own failures) run on the retry schedule, every attempt counted, the
   * attempt count annotated on the method's span.
   */
  const call = <A>(
    attempt: (ctx: Classify.Context) => Effect.Effect<A, DriftError.DriftError>,
    options: { readonly write?: boolean } = {}
  ): Effect.Effect<A, DriftError.DriftError> =>
    Effect.withFiber((fiber) => {
      let attempts = 0
      const once = Effect.suspend(() => {
        attempts++
        counts.requests++
        if (attempts > 1) counts.retries++
        return attempt({ attempts, timeoutMillis, scrub })
      })
      const retried = once.pipe(
        Effect.catch((first) => {
          counted(first)
          const again = Effect.tapError(once, (error) => Effect.sync(() => counted(error)))
          return retryAfter(first, again, options.write === true ? writeSchedule : schedule)
        })
      )
      return fiber.getRef(References.TracerEnabled)
        ? Effect.ensuring(retried, Effect.suspend(() => Effect.annotateCurrentSpan("drift.attempts", attempts)))
        : retried
    })

  /**
   * An attempt on the lean path (see `internal/lean.ts`): a `200` whose body the schema decodes is returned at
   * once; any other answer goes to the endpoint's decoder as a response of the same bytes, so it fails exactly as
   * the generated method's answer would.
   */
  const lean = <A>(
    pathAndQuery: string,
    decodeFast: (answer: Lean.Answer) => Option.Option<A>,
    decode: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, unknown>
  ) =>
  (ctx: Classify.Context): Effect.Effect<A, DriftError.DriftError> =>
    get(pathAndQuery).pipe(
      Effect.catch((error) => Classify.classifySendFailure(error, ctx)),
      Effect.flatMap((answer) => {
        const value = decodeFast(answer)
        if (Option.isSome(value)) return Effect.succeed(value.value)
        const response = Classify.bytesResponse(answer.request, answer.response, answer.body)
        return decode(response).pipe(
          Effect.catch((error) => Classify.classifyResponseFailure(error, response, ctx))
        )
      })
    )

  const listConversations = Effect.fnUntraced(function*(
    options: ListConversationsOptions = {}
  ) {
    const cursor: Drift.ListCursor | undefined = options.cursor ??
      (options.next === undefined ? undefined : { _tag: "next", value: options.next })
    const statusId = options.statuses === undefined || options.statuses.length === 0
      ? undefined
      : options.statuses.map(Drift.statusIdOf)
    const next = cursor?._tag === "next" ? cursor.value : undefined
    const pageToken = cursor !== undefined && cursor._tag !== "next" ? cursor.value : undefined
    // Input the query schema would refuse takes the generated method, which reports it as it always did.
    if (isLimit(options.limit) && isText(next) && isText(pageToken) && (statusId?.every(Lean.isId) ?? true)) {
      return yield* call(lean(
        `/conversations/list${
          Lean.query([
            ["limit", options.limit === undefined ? undefined : String(options.limit)],
            ["next", next],
            ["page_token", pageToken],
            ["statusId", statusId?.map(String)]
          ])
        }`,
        fast.list,
        decoders.list
      ))
    }
    const query = {
      ...(options.limit === undefined ? {} : { limit: options.limit }),
      ...(next === undefined ? {} : { next }),
      ...(pageToken === undefined ? {} : { page_token: pageToken }),
      ...(statusId === undefined ? {} : { statusId })
    }
    return yield* call(generic(api.conversations.list({ query, responseMode: "response-only" }), decoders.list))
  }, span("DriftClient.listConversations"))

  const getConversation = Effect.fnUntraced(function*(id: Drift.ConversationId) {
    yield* Effect.annotateCurrentSpan("drift.conversation_id", id)
    const response = yield* call(
      Lean.isId(id)
        ? lean(`/conversations/${id}`, fast.get, decoders.get)
        : generic(api.conversations.get({ params: { id }, responseMode: "response-only" }), decoders.get)
    )
    return response.data
  }, span("DriftClient.getConversation"))

  const listMessages = Effect.fnUntraced(function*(
    id: Drift.ConversationId,
    options: ListMessagesOptions = {}
  ) {
    yield* Effect.annotateCurrentSpan("drift.conversation_id", id)
    return yield* call(
      Lean.isId(id) && isText(options.next)
        ? lean(`/conversations/${id}/messages${Lean.query([["next", options.next]])}`, fast.messages, decoders.messages)
        : generic(
          api.conversations.messages({
            params: { id },
            query: options.next === undefined ? {} : { next: options.next },
            responseMode: "response-only"
          }),
          decoders.messages
        )
    )
  }, span("DriftClient.listMessages"))

  const createConversation = Effect.fn("DriftClient.createConversation")(function*(
    request: Drift.CreateConversationRequest
  ) {
    return yield* call(
      generic(api.conversations.create({ payload: request, responseMode: "response-only" }), decoders.create),
      { write: true }
    )
  })

  const createMessage = Effect.fn("DriftClient.createMessage")(function*(
    id: Drift.ConversationId,
    request: Drift.CreateMessageRequest
  ) {
    yield* Effect.annotateCurrentSpan("drift.conversation_id", id)
    const response = yield* call(
      generic(
        api.conversations.createMessage({ params: { id }, payload: request, responseMode: "response-only" }),
        decoders.createMessage
      ),
      { write: true }
    )
    return Drift.createdMessage(response)
  })

  const conversationStats = Effect.fnUntraced(function*() {
    return yield* call(lean("/conversations/stats", fast.stats, decoders.stats))
  }, span("DriftClient.conversationStats"))

  const getContact = Effect.fnUntraced(function*(id: Drift.ContactId) {
    yield* Effect.annotateCurrentSpan("drift.contact_id", id)
    const response = yield* call(
      Lean.isId(id)
        ? lean(`/contacts/${id}`, fast.contact, decoders.contact)
        : generic(api.contacts.get({ params: { id }, responseMode: "response-only" }), decoders.contact)
    )
    return response.data
  }, span("DriftClient.getContact"))

  const findContacts = Effect.fnUntraced(function*(email: string) {
    const response = yield* call(
      typeof email === "string"
        ? lean(`/contacts${Lean.query([["email", email]])}`, fast.contacts, decoders.contacts)
        : generic(api.contacts.find({ query: { email }, responseMode: "response-only" }), decoders.contacts)
    )
    return response.data
  }, span("DriftClient.findContacts"))

  const getUser = Effect.fnUntraced(function*(id: Drift.UserId) {
    yield* Effect.annotateCurrentSpan("drift.user_id", id)
    const response = yield* call(
      Lean.isId(id)
        ? lean(`/users/${id}`, fast.user, decoders.user)
        : generic(api.users.get({ params: { id }, responseMode: "response-only" }), decoders.user)
    )
    return response.data
  }, span("DriftClient.getUser"))

  const listUsers = Effect.fnUntraced(function*() {
    const response = yield* call(lean("/users/list", fast.users, decoders.users))
    return response.data
  }, span("DriftClient.listUsers"))

  return DriftClient.of({
    stats: Effect.sync((): Stats => ({ ...counts })),
    listConversations,
    getConversation,
    listMessages,
    createConversation,
    createMessage,
    conversationStats,
    getContact,
    findContacts,
    getUser,
    listUsers
  })
})

/**
 * The options {@link DriftClient.layerConfig} reads: `DRIFT_TOKEN` (required, redacted), `DRIFT_BASE_URL`
 * (default `https://driftapi.com`), `DRIFT_TIMEOUT` (a duration such as `30 seconds`), `DRIFT_RETRY_TIMES`,
 * `DRIFT_RETRY_BASE_DELAY`, `DRIFT_RETRY_MAX_DELAY`, `DRIFT_RETRY_JITTER`, `DRIFT_REQUESTS_PER_MINUTE`
 * (`Infinity` disables the limit), `DRIFT_RATE_LIMIT_BURST` and `DRIFT_MAX_RESPONSE_BYTES`; each defaults as in
 * {@link defaults}.
 *
 * @example
 * ```ts
 * import { DriftClient } from "@parley/drift-client"
 * import { ConfigProvider, Effect } from "effect"
 *
 * const options = DriftClient.config.parse(ConfigProvider.fromEnv())
 * ```
 *
 * @since 0.1.0
 */
export const config: Config.Config<Options> = Config.all({
  token: Config.Redacted("DRIFT_TOKEN"),
  baseUrl: Config.String("DRIFT_BASE_URL").pipe(Config.withDefault(DEFAULT_BASE_URL)),
  timeout: Config.Duration("DRIFT_TIMEOUT").pipe(Config.withDefault(defaults.timeout)),
  retry: Config.all({
    times: Config.Int("DRIFT_RETRY_TIMES").pipe(Config.withDefault(defaults.retry.times)),
    baseDelay: Config.Duration("DRIFT_RETRY_BASE_DELAY").pipe(Config.withDefault(defaults.retry.baseDelay)),
    maxDelay: Config.Duration("DRIFT_RETRY_MAX_DELAY").pipe(Config.withDefault(defaults.retry.maxDelay)),
    jitter: Config.Boolean("DRIFT_RETRY_JITTER").pipe(Config.withDefault(defaults.retry.jitter))
  }),
  // Unset: undefined, so that the client picks its default (600 a minute; none on loopback).
  rateLimit: Config.all({
    requestsPerMinute: Config.Number("DRIFT_REQUESTS_PER_MINUTE").pipe(
      Config.option,
      Config.map(Option.getOrUndefined)
    ),
    burst: Config.Int("DRIFT_RATE_LIMIT_BURST").pipe(Config.option, Config.map(Option.getOrUndefined))
  }).pipe(
    Config.map((limit): RateLimitOptions | undefined =>
      limit.requestsPerMinute === undefined && limit.burst === undefined ? undefined : limit
    )
  ),
  maxResponseBytes: Config.Int("DRIFT_MAX_RESPONSE_BYTES").pipe(Config.withDefault(defaults.maxResponseBytes))
})

/**
 * The Drift client service. Use its methods through `yield* DriftClient`; build it with {@link DriftClient.layer}
 * or {@link DriftClient.layerConfig}, both of which require an `HttpClient`.
 *
 * @example
 * ```ts
 * import { DriftClient } from "@parley/drift-client"
 * import { Effect, Layer } from "effect"
 * import { FetchHttpClient } from "effect/http"
 *
 * const program = Effect.gen(function*() {
 *   const drift = yield* DriftClient.DriftClient
 *   const users = yield* drift.listUsers()
 *   return users.map((user) => user.name)
 * })
 *
 * // DRIFT_TOKEN (and optionally DRIFT_BASE_URL, ...) from the environment
 * program.pipe(Effect.provide(DriftClient.DriftClient.layerConfig.pipe(Layer.provide(FetchHttpClient.layer))))
 * ```
 *
 * @since 0.1.0
 */
export class DriftClient extends Context.Service<DriftClient, Service>()("@parley/drift-client/DriftClient") {
  /**
   * A layer from explicit options; requires an `HttpClient`. Invalid options fail the layer with
   * {@link DriftError.InvalidOptions}.
   *
   * @example
   * ```ts
   * import { DriftClient } from "@parley/drift-client"
   * import { NodeHttpClient } from "@effect/platform-node"
   * import { Layer, Redacted } from "effect"
   *
   * const DriftLive = DriftClient.DriftClient.layer({
   *   token: Redacted.make("my-token"),
   *   retry: { times: 3 }
   * }).pipe(Layer.provide(NodeHttpClient.layerUndici))
   * ```
   *
   * @since 0.1.0
   */
  static readonly layer = (
    options: Options
  ): Layer.Layer<DriftClient, DriftError.InvalidOptions, HttpClient.HttpClient> =>
    Layer.effect(DriftClient, make(options))

  /**
   * A layer from configuration (see {@link config}: `DRIFT_TOKEN`, `DRIFT_BASE_URL`, ...); requires an
   * `HttpClient`.
   *
   * @example
   * ```ts
   * import { DriftClient } from "@parley/drift-client"
   * import { Layer } from "effect"
   * import { FetchHttpClient } from "effect/http"
   *
   * const DriftLive = DriftClient.DriftClient.layerConfig.pipe(Layer.provide(FetchHttpClient.layer))
   * ```
   *
   * @since 0.1.0
   */
  static readonly layerConfig: Layer.Layer<
    DriftClient,
    Config.ConfigError | DriftError.InvalidOptions,
    HttpClient.HttpClient
  > = Layer.effect(
    DriftClient,
    Effect.gen(function*() {
      return yield* make(yield* config)
    })
  )
}
