/**
 * `IntercomClient`: the Intercom API subset as an Effect service, with the `Intercom-Version: 2.11` header,
 * bearer auth, region base URLs, per-request timeouts, a retry policy that never repeats a write that may have
 * happened, a rate limiter driven by Intercom's `X-RateLimit-*` headers, and typed errors.
 *
 * Built on `HttpApiClient` over {@link IntercomApi.IntercomApi}, so the API is declared once. The layers require an
 * `HttpClient`: provide `FetchHttpClient.layer` (from `effect/http`) or `NodeHttpClient.layerUndici` (from
 * `@effect/platform-node`).
 *
 * @example
 * ```ts
 * import { IntercomClient } from "@parley/intercom-client"
 * import { Effect, Layer, Redacted } from "effect"
 * import { FetchHttpClient } from "effect/http"
 *
 * const program = Effect.gen(function*() {
 *   const intercom = yield* IntercomClient.IntercomClient
 *   const admins = yield* intercom.listAdmins()
 *   yield* Effect.log(`${admins.length} admins`)
 * })
 *
 * const IntercomLive = IntercomClient.IntercomClient.layer({ token: Redacted.make("my-token"), region: "eu" }).pipe(
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * Effect.runPromise(program.pipe(Effect.provide(IntercomLive)))
 * ```
 *
 * @since 0.1.0
 */
import { type Intercom, Secret } from "@parley/schema"
import type { DateTime } from "effect"
import { Clock, Config, Context, Duration, Effect, flow, identity, Layer, Option, Redacted, Schedule } from "effect"
import { HttpClient, HttpClientRequest, type HttpClientResponse } from "effect/http"
import { HttpApiClient } from "effect/http-api"
import { IntercomApi, VERSION } from "./IntercomApi.ts"
import * as IntercomApiError from "./IntercomApiError.ts"
import * as IntercomError from "./IntercomError.ts"
import * as Classify from "./internal/classify.ts"
import type * as Models from "./Models.ts"
import * as RateLimit from "./RateLimit.ts"

// -----------------------------------------------------------------------------
// Options
// -----------------------------------------------------------------------------

/**
 * Intercom's regions and their API hosts.
 *
 * @since 0.1.0
 */
export const REGIONS = {
  us: "https://api.intercom.io",
  eu: "https://api.eu.intercom.io",
  au: "https://api.au.intercom.io"
} as const

/**
 * A region: `us` (default), `eu` or `au`. A workspace's data lives in one; its token works only there.
 *
 * @since 0.1.0
 */
export type Region = keyof typeof REGIONS

/**
 * The defaults of every {@link Options} field but `token`.
 *
 * - `region`: `us`;
 * - `timeout`: 30 seconds per attempt;
 * - `retry`: 5 retries, exponential backoff from 250 ms doubling up to 30 s, jittered; a 429 waits for its window
 *   to reset;
 * - `rateLimit`: on, following `X-RateLimit-*`, 250 ms past each reset.
 *
 * @since 0.1.0
 */
export const defaults = {
  region: "us" as Region,
  timeout: Duration.seconds(30),
  retry: { times: 5, baseDelay: Duration.millis(250), maxDelay: Duration.seconds(30), jitter: true },
  rateLimit: { margin: Duration.millis(250) }
} as const

/**
 * How failed calls are retried. Reads (GETs and searches) and idempotent writes (`createTag`, which answers the
 * existing tag of that name; `tagConversation`; `updateConversation`) are retried on 429, 5xx, transport
 * errors, timeouts and bodies that are not JSON. Other writes are retried on 429 only: Intercom answers 429
 * before processing, while after a 5xx, a timeout or a cut connection the write may have happened
 * ({@link IntercomError.outcomeUnknown}). The delay before retry `n` is `baseDelay * 2^(n-1)` capped at `maxDelay`,
 * jittered by [0.8, 1.2]; after a 429 it is the time until `X-RateLimit-Reset` instead.
 *
 * @since 0.1.0
 */
export interface RetryOptions {
  /** Retries after the first attempt. Default 5; 0 disables retrying. */
  readonly times?: number | undefined
  readonly baseDelay?: Duration.Input | undefined
  /** The largest delay, and the longest wait for a window reset. Default 30 s. */
  readonly maxDelay?: Duration.Input | undefined
  readonly jitter?: boolean | undefined
}

/**
 * Options of {@link IntercomClient.layer}. Only `token` is required.
 *
 * @since 0.1.0
 */
export interface Options {
  /** The access token, sent as `Authorization: Bearer <token>`. */
  readonly token: Redacted.Redacted<string>
  /** The workspace's region: picks the base URL. Default `us`. */
  readonly region?: Region | undefined
  /** Overrides the region's base URL (a sandbox, a proxy). */
  readonly baseUrl?: string | URL | undefined
  /** Per attempt, from sending to the last byte of the body. Default 30 s. */
  readonly timeout?: Duration.Input | undefined
  readonly retry?: RetryOptions | undefined
  /** The header-driven limiter ({@link RateLimit}); `false` disables it. */
  readonly rateLimit?: RateLimit.Options | false | undefined
}

// -----------------------------------------------------------------------------
// Service
// -----------------------------------------------------------------------------

/**
 * A page request: `perPage` 1 to 150, `startingAfter` the cursor of the previous page's `pages.next`.
 *
 * @since 0.1.0
 */
export interface PageOptions {
  readonly perPage?: number | undefined
  readonly startingAfter?: string | undefined
}

/**
 * Counts of a client's traffic: every attempt is a request; a retry is an attempt after the first of a call;
 * `rateLimited` counts 429 answers; `limiter` is what the rate limiter did.
 *
 * @since 0.1.0
 */
export interface Stats {
  readonly requests: number
  readonly retries: number
  readonly rateLimited: number
  readonly limiter: RateLimit.Stats | undefined
}

/**
 * The methods of {@link IntercomClient}. Each is a span named `IntercomClient.<method>` and fails with an
 * {@link IntercomError.IntercomError}.
 *
 * @since 0.1.0
 */
export interface Service {
  /** `GET /me`: the admin the token belongs to, and its workspace. */
  readonly me: () => Effect.Effect<Models.AdminWithApp, IntercomError.IntercomError>
  /** `GET /admins`. */
  readonly listAdmins: () => Effect.Effect<ReadonlyArray<Models.Admin>, IntercomError.IntercomError>
  /** `GET /contacts`: one page. */
  readonly listContacts: (options?: PageOptions) => Effect.Effect<Models.ContactList, IntercomError.IntercomError>
  /** `POST /contacts/search`: one page. */
  readonly searchContacts: (
    request: Models.SearchRequest
  ) => Effect.Effect<Models.ContactList, IntercomError.IntercomError>
  /** The contact with this email (the first one, if several), by search. */
  readonly findContactByEmail: (
    email: string
  ) => Effect.Effect<Option.Option<Models.Contact>, IntercomError.IntercomError>
  /** The contact with this `external_id`, by search. */
  readonly findContactByExternalId: (
    externalId: string
  ) => Effect.Effect<Option.Option<Models.Contact>, IntercomError.IntercomError>
  /** `POST /contacts`. Fails with `Conflict` (409) when the email or external id exists. Retried on 429 only. */
  readonly createContact: (
    request: Models.CreateContactRequest
  ) => Effect.Effect<Models.Contact, IntercomError.IntercomError>
  /** `GET /contacts/{id}`. */
  readonly getContact: (id: string) => Effect.Effect<Models.Contact, IntercomError.IntercomError>
  /** `GET /data_attributes`. */
  readonly listDataAttributes: (
    options?: { readonly model?: Models.DataAttributeModel | undefined; readonly includeArchived?: boolean | undefined }
  ) => Effect.Effect<ReadonlyArray<Models.DataAttribute>, IntercomError.IntercomError>
  /** `POST /data_attributes`. Retried on 429 only. */
  readonly createDataAttribute: (
    request: Models.CreateDataAttributeRequest
  ) => Effect.Effect<Models.DataAttribute, IntercomError.IntercomError>
  /** `POST /tags`: creates the tag or answers the existing one (idempotent: retried like a read). */
  readonly createTag: (name: string) => Effect.Effect<Models.Tag, IntercomError.IntercomError>
  /** `POST /conversations/{id}/tags` (idempotent: retried like a read). */
  readonly tagConversation: (
    id: Intercom.ConversationId,
    options: { readonly tagId: string; readonly adminId: string }
  ) => Effect.Effect<Models.AppliedTag, IntercomError.IntercomError>
  /** `GET /conversations`: one page, without parts. */
  readonly listConversations: (
    options?: PageOptions
  ) => Effect.Effect<Models.ConversationList, IntercomError.IntercomError>
  /** `POST /conversations`: a conversation started by a contact. Retried on 429 only. */
  readonly createConversation: (
    request: Models.CreateConversationRequest
  ) => Effect.Effect<Models.Message, IntercomError.IntercomError>
  /** `GET /conversations/{id}`: with its parts. */
  readonly getConversation: (
    id: Intercom.ConversationId,
    options?: { readonly plaintext?: boolean | undefined }
  ) => Effect.Effect<Models.Conversation, IntercomError.IntercomError>
  /** `PUT /conversations/{id}`: `read`, `title`, `custom_attributes` (idempotent: retried like a read). */
  readonly updateConversation: (
    id: Intercom.ConversationId,
    request: Models.UpdateConversationRequest
  ) => Effect.Effect<Models.Conversation, IntercomError.IntercomError>
  /** `POST /conversations/search`: one page. */
  readonly searchConversations: (
    request: Models.SearchRequest
  ) => Effect.Effect<Models.ConversationList, IntercomError.IntercomError>
  /** Every conversation whose custom attribute `name` equals `value` (all pages). */
  readonly findConversationsByCustomAttribute: (
    name: string,
    value: string | number | boolean
  ) => Effect.Effect<ReadonlyArray<Models.Conversation>, IntercomError.IntercomError>
  /** `POST /conversations/{id}/reply`: an admin's comment or note, or the contact's comment. Retried on 429 only. */
  readonly reply: (
    id: Intercom.ConversationId,
    request: Models.ReplyRequest
  ) => Effect.Effect<Models.Conversation, IntercomError.IntercomError>
  /** `POST /conversations/{id}/parts`: close, snooze, open, assign. Retried on 429 only. */
  readonly manage: (
    id: Intercom.ConversationId,
    request: Models.ManageRequest
  ) => Effect.Effect<Models.Conversation, IntercomError.IntercomError>
  /** Closes the conversation, as `adminId`. */
  readonly close: (
    id: Intercom.ConversationId,
    options: { readonly adminId: string; readonly body?: string | undefined }
  ) => Effect.Effect<Models.Conversation, IntercomError.IntercomError>
  /** Reopens the conversation, as `adminId`. */
  readonly open: (
    id: Intercom.ConversationId,
    options: { readonly adminId: string }
  ) => Effect.Effect<Models.Conversation, IntercomError.IntercomError>
  /** Snoozes the conversation until `until`, as `adminId`. */
  readonly snooze: (
    id: Intercom.ConversationId,
    options: { readonly adminId: string; readonly until: DateTime.Utc }
  ) => Effect.Effect<Models.Conversation, IntercomError.IntercomError>
  /** Assigns the conversation to an admin (or a team), as `adminId`. */
  readonly assign: (
    id: Intercom.ConversationId,
    options: {
      readonly adminId: string
      readonly assigneeId: string
      readonly type?: "admin" | "team" | undefined
      readonly body?: string | undefined
    }
  ) => Effect.Effect<Models.Conversation, IntercomError.IntercomError>
  /** What this client has done so far. */
  readonly stats: Effect.Effect<Stats>
}

interface Resolved {
  readonly token: Redacted.Redacted<string>
  readonly baseUrl: string
  readonly timeout: Duration.Duration
  readonly retry: RetryOptions
  readonly rateLimit: RateLimit.Options | undefined
}

const invalid = (message: string) => Effect.die(new Error(`IntercomClient: ${message}`))

const resolve = Effect.fnUntraced(function*(options: Options) {
  const region = options.region ?? defaults.region
  if (!(region in REGIONS)) return yield* invalid(`region must be us, eu or au, got ${JSON.stringify(region)}`)
  const baseUrl = String(options.baseUrl ?? REGIONS[region]).replace(/\/+$/, "")
  if (!/^https?:\/\/[^/]/.test(baseUrl)) {
    return yield* invalid(`baseUrl must be an http(s) URL, got ${JSON.stringify(baseUrl)}`)
  }
  const times = options.retry?.times ?? defaults.retry.times
  if (!Number.isSafeInteger(times) || times < 0) {
    return yield* invalid(`retry.times must be a non-negative integer, got ${times}`)
  }
  const resolved: Resolved = {
    token: options.token,
    baseUrl,
    timeout: Duration.fromInputUnsafe(options.timeout ?? defaults.timeout),
    retry: { ...options.retry, times },
    rateLimit: options.rateLimit === false ? undefined : options.rateLimit ?? {}
  }
  return resolved
})

/**
 * The retry policy of {@link RetryOptions} as a `Schedule` over the errors of attempts (the read policy;
 * writes add `Schedule.while` on `RateLimited`).
 *
 * @example
 * ```ts
 * import { IntercomClient, type IntercomError } from "@parley/intercom-client"
 * import { Effect } from "effect"
 *
 * declare const call: Effect.Effect<string, IntercomError.IntercomError>
 * call.pipe(Effect.retry(IntercomClient.retrySchedule({ times: 2, baseDelay: "10 millis" })))
 * ```
 *
 * @since 0.1.0
 */
export const retrySchedule = (options: RetryOptions = {}): Schedule.Schedule<
  Duration.Duration,
  IntercomError.IntercomError
> => {
  const maxDelay = Duration.fromInputUnsafe(options.maxDelay ?? defaults.retry.maxDelay)
  const maxDelayMillis = Duration.toMillis(maxDelay)
  return Schedule.min([
    Schedule.exponential(options.baseDelay ?? defaults.retry.baseDelay),
    Schedule.spaced(maxDelay)
  ]).pipe(
    (options.jitter ?? defaults.retry.jitter) ? Schedule.jittered : identity,
    Schedule.setInputType<IntercomError.IntercomError>(),
    Schedule.modifyDelay(({ duration, input }) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        const wait = resetWait(input, now)
        return wait === undefined ? duration : Duration.millis(wait)
      })
    ),
    Schedule.while(({ input }) =>
      Effect.map(
        Clock.currentTimeMillis,
        (now) => IntercomError.isRetryable(input) && (resetWait(input, now) ?? 0) <= maxDelayMillis
      )
    ),
    Schedule.upTo({ times: options.times ?? defaults.retry.times }),
    Schedule.tap(({ attempt, duration, input }) =>
      Effect.logDebug(`IntercomClient: retrying in ${Duration.format(duration)} (retry ${attempt}): ${input.message}`)
    )
  )
}

/** Milliseconds until the window of a 429 resets, when Intercom said. */
const resetWait = (input: IntercomError.IntercomError, now: number): number | undefined =>
  input instanceof IntercomApiError.RateLimited && input.resetAt !== undefined
    ? Math.max(0, input.resetAt - now)
    : undefined

type Kind = "read" | "write" | "idempotent"

const pageQuery = (options: PageOptions = {}) => ({
  ...(options.perPage === undefined ? {} : { per_page: options.perPage }),
  ...(options.startingAfter === undefined ? {} : { starting_after: options.startingAfter })
})

/**
 * Builds the service. Prefer {@link IntercomClient.layer}.
 *
 * @since 0.1.0
 */
export const make = Effect.fnUntraced(function*(options: Options) {
  const resolved = yield* resolve(options)
  const limiter = resolved.rateLimit === undefined ? undefined : yield* RateLimit.make(resolved.rateLimit)
  const base = yield* HttpClient.HttpClient
  const timed = base.pipe(
    HttpClient.mapRequest(flow(
      HttpClientRequest.prependUrl(resolved.baseUrl),
      HttpClientRequest.acceptJson,
      HttpClientRequest.setHeader("Intercom-Version", VERSION)
    )),
    HttpClient.transform((effect, request) =>
      effect.pipe(
        Effect.tap((response) => response.arrayBuffer),
        Effect.timeoutOrElse({
          duration: resolved.timeout,
          orElse: () => Effect.fail(new Classify.AttemptTimeout({ method: request.method, url: request.url }))
        })
      )
    )
  )
  const limited = limiter === undefined ? timed : timed.pipe(
    HttpClient.transform((effect) =>
      // Waiting for a permit stays interruptible (a caller that gives up does not wait for a window reset); once
      // a permit is taken, it is always given back with what the attempt saw.
      Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(restore(limiter.acquire), (permit) =>
          restore(effect).pipe(
            Effect.onExit((exit) =>
              limiter.release(
                permit,
                exit._tag === "Success"
                  ? { status: exit.value.status, window: RateLimit.parseHeaders(exit.value.headers) }
                  : {}
              )
            )
          ))
      )
    )
  )
  const http = limited.pipe(HttpClient.mapRequest(HttpClientRequest.bearerToken(resolved.token)))
  const api = yield* HttpApiClient.makeWith(IntercomApi, { httpClient: http })

  const readSchedule = retrySchedule(resolved.retry)
  const writeSchedule = readSchedule.pipe(Schedule.while(({ input }) => input instanceof IntercomApiError.RateLimited))
  const timeoutMillis = Duration.toMillis(resolved.timeout)
  const secret = Redacted.value(resolved.token)
  const scrub = Secret.scrubber(secret)
  const counts = { requests: 0, retries: 0, rateLimited: 0 }

  const d = {
    me: HttpApiClient.decodeResponse(IntercomApi, { group: "admins", endpoint: "me" }),
    admins: HttpApiClient.decodeResponse(IntercomApi, { group: "admins", endpoint: "list" }),
    contacts: HttpApiClient.decodeResponse(IntercomApi, { group: "contacts", endpoint: "list" }),
    searchContacts: HttpApiClient.decodeResponse(IntercomApi, { group: "contacts", endpoint: "search" }),
    createContact: HttpApiClient.decodeResponse(IntercomApi, { group: "contacts", endpoint: "create" }),
    contact: HttpApiClient.decodeResponse(IntercomApi, { group: "contacts", endpoint: "get" }),
    attributes: HttpApiClient.decodeResponse(IntercomApi, { group: "dataAttributes", endpoint: "list" }),
    createAttribute: HttpApiClient.decodeResponse(IntercomApi, { group: "dataAttributes", endpoint: "create" }),
    createTag: HttpApiClient.decodeResponse(IntercomApi, { group: "tags", endpoint: "create" }),
    attachTag: HttpApiClient.decodeResponse(IntercomApi, { group: "tags", endpoint: "attachToConversation" }),
    conversations: HttpApiClient.decodeResponse(IntercomApi, { group: "conversations", endpoint: "list" }),
    createConversation: HttpApiClient.decodeResponse(IntercomApi, { group: "conversations", endpoint: "create" }),
    searchConversations: HttpApiClient.decodeResponse(IntercomApi, { group: "conversations", endpoint: "search" }),
    conversation: HttpApiClient.decodeResponse(IntercomApi, { group: "conversations", endpoint: "get" }),
    update: HttpApiClient.decodeResponse(IntercomApi, { group: "conversations", endpoint: "update" }),
    reply: HttpApiClient.decodeResponse(IntercomApi, { group: "conversations", endpoint: "reply" }),
    manage: HttpApiClient.decodeResponse(IntercomApi, { group: "conversations", endpoint: "manage" })
  }

  /** One call: send in `response-only` mode, decode, classify failures, retry by kind. */
  const call = <A>(
    kind: Kind,
    send: Effect.Effect<HttpClientResponse.HttpClientResponse, unknown>,
    decode: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, unknown>
  ): Effect.Effect<A, IntercomError.IntercomError> =>
    Effect.suspend(() => {
      let attempts = 0
      const attempt = Effect.suspend(() => {
        attempts++
        counts.requests++
        if (attempts > 1) counts.retries++
        const ctx: Classify.Context = { attempts, timeoutMillis, scrub }
        return send.pipe(
          Effect.catch((error) => Classify.classifySendFailure(error, ctx)),
          Effect.flatMap((response) =>
            decode(response).pipe(Effect.catch((error) => Classify.classifyResponseFailure(error, response, ctx)))
          ),
          Effect.tapError((error) =>
            Effect.sync(() => {
              if (error._tag === "RateLimited") counts.rateLimited++
            })
          )
        )
      })
      return attempt.pipe(
        Effect.retry(kind === "write" ? writeSchedule : readSchedule),
        Effect.ensuring(Effect.suspend(() => Effect.annotateCurrentSpan("intercom.attempts", attempts)))
      )
    })

  const ro = { responseMode: "response-only" } as const

  const searchContacts = Effect.fn("IntercomClient.searchContacts")(function*(request: Models.SearchRequest) {
    return yield* call("read", api.contacts.search({ payload: request, ...ro }), d.searchContacts)
  })
  const findContactBy = (field: string, value: string) =>
    Effect.map(
      searchContacts({ query: { field, operator: "=", value }, pagination: { per_page: 1 } }),
      (list) => Option.fromNullishOr(list.data[0])
    )

  const searchConversations = Effect.fn("IntercomClient.searchConversations")(function*(
    request: Models.SearchRequest
  ) {
    return yield* call("read", api.conversations.search({ payload: request, ...ro }), d.searchConversations)
  })

  const manage = Effect.fn("IntercomClient.manage")(
    function*(id: Intercom.ConversationId, request: Models.ManageRequest) {
      yield* Effect.annotateCurrentSpan("intercom.conversation_id", id)
      return yield* call("write", api.conversations.manage({ params: { id }, payload: request, ...ro }), d.manage)
    }
  )

  return IntercomClient.of({
    me: Effect.fn("IntercomClient.me")(function*() {
      return yield* call("read", api.admins.me(ro), d.me)
    }),
    listAdmins: Effect.fn("IntercomClient.listAdmins")(function*() {
      return (yield* call("read", api.admins.list(ro), d.admins)).admins
    }),
    listContacts: Effect.fn("IntercomClient.listContacts")(function*(options?: PageOptions) {
      return yield* call("read", api.contacts.list({ query: pageQuery(options), ...ro }), d.contacts)
    }),
    searchContacts,
    findContactByEmail: Effect.fn("IntercomClient.findContactByEmail")(function*(email: string) {
      return yield* findContactBy("email", email)
    }),
    findContactByExternalId: Effect.fn("IntercomClient.findContactByExternalId")(function*(externalId: string) {
      return yield* findContactBy("external_id", externalId)
    }),
    createContact: Effect.fn("IntercomClient.createContact")(function*(request: Models.CreateContactRequest) {
      return yield* call("write", api.contacts.create({ payload: request, ...ro }), d.createContact)
    }),
    getContact: Effect.fn("IntercomClient.getContact")(function*(id: string) {
      yield* Effect.annotateCurrentSpan("intercom.contact_id", id)
      return yield* call("read", api.contacts.get({ params: { id }, ...ro }), d.contact)
    }),
    listDataAttributes: Effect.fn("IntercomClient.listDataAttributes")(function*(
      options: {
        readonly model?: Models.DataAttributeModel | undefined
        readonly includeArchived?: boolean | undefined
      } = {}
    ) {
      const query = {
        ...(options.model === undefined ? {} : { model: options.model }),
        ...(options.includeArchived === undefined ? {} : { include_archived: options.includeArchived })
      }
      return (yield* call("read", api.dataAttributes.list({ query, ...ro }), d.attributes)).data
    }),
    createDataAttribute: Effect.fn("IntercomClient.createDataAttribute")(function*(
      request: Models.CreateDataAttributeRequest
    ) {
      return yield* call("write", api.dataAttributes.create({ payload: request, ...ro }), d.createAttribute)
    }),
    createTag: Effect.fn("IntercomClient.createTag")(function*(name: string) {
      return yield* call("idempotent", api.tags.create({ payload: { name }, ...ro }), d.createTag)
    }),
    tagConversation: Effect.fn("IntercomClient.tagConversation")(function*(
      id: Intercom.ConversationId,
      options: { readonly tagId: string; readonly adminId: string }
    ) {
      yield* Effect.annotateCurrentSpan("intercom.conversation_id", id)
      return yield* call(
        "idempotent",
        api.tags.attachToConversation({
          params: { id },
          payload: { id: options.tagId, admin_id: options.adminId },
          ...ro
        }),
        d.attachTag
      )
    }),
    listConversations: Effect.fn("IntercomClient.listConversations")(function*(options?: PageOptions) {
      return yield* call("read", api.conversations.list({ query: pageQuery(options), ...ro }), d.conversations)
    }),
    createConversation: Effect.fn("IntercomClient.createConversation")(function*(
      request: Models.CreateConversationRequest
    ) {
      return yield* call("write", api.conversations.create({ payload: request, ...ro }), d.createConversation)
    }),
    getConversation: Effect.fn("IntercomClient.getConversation")(function*(
      id: Intercom.ConversationId,
      options: { readonly plaintext?: boolean | undefined } = {}
    ) {
      yield* Effect.annotateCurrentSpan("intercom.conversation_id", id)
      const query = options.plaintext === true ? { display_as: "plaintext" as const } : {}
      return yield* call("read", api.conversations.get({ params: { id }, query, ...ro }), d.conversation)
    }),
    updateConversation: Effect.fn("IntercomClient.updateConversation")(function*(
      id: Intercom.ConversationId,
      request: Models.UpdateConversationRequest
    ) {
      yield* Effect.annotateCurrentSpan("intercom.conversation_id", id)
      return yield* call("idempotent", api.conversations.update({ params: { id }, payload: request, ...ro }), d.update)
    }),
    searchConversations,
    findConversationsByCustomAttribute: Effect.fn("IntercomClient.findConversationsByCustomAttribute")(function*(
      name: string,
      value: string | number | boolean
    ) {
      const found: Array<Models.Conversation> = []
      let cursor: string | undefined
      do {
        const list = yield* searchConversations({
          query: { field: `custom_attributes.${name}`, operator: "=", value },
          pagination: { per_page: 150, ...(cursor === undefined ? {} : { starting_after: cursor }) }
        })
        found.push(...list.conversations)
        const next = list.pages?.next?.starting_after ?? undefined
        cursor = next === cursor || list.conversations.length === 0 ? undefined : next
      } while (cursor !== undefined)
      return found
    }),
    reply: Effect.fn("IntercomClient.reply")(function*(id: Intercom.ConversationId, request: Models.ReplyRequest) {
      yield* Effect.annotateCurrentSpan("intercom.conversation_id", id)
      return yield* call("write", api.conversations.reply({ params: { id }, payload: request, ...ro }), d.reply)
    }),
    manage,
    close: (id, options) =>
      manage(id, {
        message_type: "close",
        type: "admin",
        admin_id: options.adminId,
        ...(options.body === undefined ? {} : { body: options.body })
      }),
    open: (id, options) => manage(id, { message_type: "open", admin_id: options.adminId }),
    snooze: (id, options) =>
      manage(id, { message_type: "snoozed", admin_id: options.adminId, snoozed_until: options.until }),
    assign: (id, options) =>
      manage(id, {
        message_type: "assignment",
        type: options.type ?? "admin",
        admin_id: options.adminId,
        assignee_id: options.assigneeId,
        ...(options.body === undefined ? {} : { body: options.body })
      }),
    stats: Effect.gen(function*() {
      return { ...counts, limiter: limiter === undefined ? undefined : yield* limiter.stats } satisfies Stats
    })
  })
})

/**
 * The options {@link IntercomClient.layerConfig} reads: `INTERCOM_TOKEN` (required, redacted), `INTERCOM_REGION`
 * (`us`, `eu`, `au`; default `us`), `INTERCOM_BASE_URL` (overrides the region), `INTERCOM_TIMEOUT`,
 * `INTERCOM_RETRY_TIMES`, `INTERCOM_RETRY_BASE_DELAY`, `INTERCOM_RETRY_MAX_DELAY`.
 *
 * @since 0.1.0
 */
export const config: Config.Config<Options> = Config.all({
  token: Config.Redacted("INTERCOM_TOKEN"),
  region: Config.Literals(["us", "eu", "au"], "INTERCOM_REGION").pipe(Config.withDefault(defaults.region)),
  baseUrl: Config.String("INTERCOM_BASE_URL").pipe(Config.option, Config.map(Option.getOrUndefined)),
  timeout: Config.Duration("INTERCOM_TIMEOUT").pipe(Config.withDefault(defaults.timeout)),
  retry: Config.all({
    times: Config.Int("INTERCOM_RETRY_TIMES").pipe(Config.withDefault(defaults.retry.times)),
    baseDelay: Config.Duration("INTERCOM_RETRY_BASE_DELAY").pipe(Config.withDefault(defaults.retry.baseDelay)),
    maxDelay: Config.Duration("INTERCOM_RETRY_MAX_DELAY").pipe(Config.withDefault(defaults.retry.maxDelay))
  })
})

/**
 * The Intercom client service. Build it with {@link IntercomClient.layer} or {@link IntercomClient.layerConfig};
 * both require an `HttpClient`.
 *
 * @since 0.1.0
 */
export class IntercomClient extends Context.Service<IntercomClient, Service>()(
  "@parley/intercom-client/IntercomClient"
) {
  /**
   * A layer from explicit options; requires an `HttpClient`.
   *
   * @since 0.1.0
   */
  static readonly layer = (options: Options): Layer.Layer<IntercomClient, never, HttpClient.HttpClient> =>
    Layer.effect(IntercomClient, make(options))

  /**
   * A layer from configuration (`INTERCOM_TOKEN`, `INTERCOM_REGION`, ...; see {@link config}); requires an
   * `HttpClient`.
   *
   * @since 0.1.0
   */
  static readonly layerConfig: Layer.Layer<IntercomClient, Config.ConfigError, HttpClient.HttpClient> = Layer.effect(
    IntercomClient,
    Effect.gen(function*() {
      return yield* make(yield* config)
    })
  )
}
