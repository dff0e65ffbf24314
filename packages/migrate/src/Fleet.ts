/**
 * Many workspaces migrating at once on a cluster of workers over PostgreSQL: Effect's own cluster engine
 * (`effect/cluster` runners over sockets, message and runner storage in PostgreSQL, `ClusterWorkflowEngine`) runs
 * two workflows:
 *
 * - `ParleyFleetWorkspace`, keyed by workspace and run: walks the workspace's Drift conversations, plans each one
 *   and starts its conversation workflow (nothing is sent to Intercom from here but the data attributes);
 * - `ParleyFleetConversation`, keyed by workspace, Drift conversation and revision: the same activities as a
 *   single-machine run ({@link MigrateWorkflow.execute}), then the outcome recorded in the workspace's ledger.
 *
 * Shards of both are spread over every worker by the cluster; a worker that dies has its shards taken over and its
 * workflows resumed from their last recorded activity elsewhere; the activity it was inside re-runs through the
 * {@link Ledger} bracket, which reads Intercom back before writing again. Tokens are sealed in the database
 * ({@link Secrets}); rate limits are a budget shared in the database ({@link Budget}).
 *
 * @since 0.2.0
 */
import { NodeClusterSocket, NodeCrypto, NodeHttpClient, NodeSocketServer } from "@effect/platform-node"
import { PgClient } from "@effect/sql-pg"
import { DriftClient } from "@parley/drift-client"
import { DriftStream } from "@parley/drift-stream"
import { IntercomClient } from "@parley/intercom-client"
import type { Drift } from "@parley/schema"
import {
  Context,
  DateTime,
  Duration,
  Effect,
  Layer,
  LayerMap,
  Option,
  Redacted,
  Result,
  Schedule,
  Schema,
  Semaphore,
  Stream
} from "effect"
import {
  ClusterWorkflowEngine,
  RunnerAddress,
  RunnerHealth,
  Runners,
  ShardingConfig,
  SocketRunner,
  SqlMessageStorage,
  SqlRunnerStorage
} from "effect/cluster"
import { Aead, SecureRandom } from "effect/crypto"
import { RpcSerialization } from "effect/rpc"
import { SocketServer } from "effect/socket"
import { SqlClient, type SqlError } from "effect/sql"
import { Activity, Workflow, type WorkflowEngine } from "effect/workflow"
import * as Budget from "./Budget.ts"
import { Ledger } from "./Ledger.ts"
import * as LedgerModule from "./Ledger.ts"
import * as MigrateWorkflow from "./MigrateWorkflow.ts"
import * as Migration from "./Migration.ts"
import * as Plan from "./Plan.ts"
import * as Secrets from "./Secrets.ts"

// -----------------------------------------------------------------------------
// Workspaces
// -----------------------------------------------------------------------------

/**
 * A workspace name: 1 to 64 of `A-Z a-z 0-9 . _ -`, starting with a letter or digit.
 *
 * @since 0.2.0
 */
export const WorkspaceName = Schema.String.check(Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/))

/**
 * Whether `name` is a valid {@link WorkspaceName}.
 *
 * @since 0.2.0
 */
export const isWorkspaceName = (name: string): boolean => /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)

/**
 * What a submit stores for a workspace besides its tokens: where its APIs are, their limits, and the run's
 * filters and admin directory options (as `parley migrate run` takes them).
 *
 * @since 0.2.0
 */
export const Settings = Schema.Struct({
  driftBaseUrl: Schema.String,
  intercomBaseUrl: Schema.NullOr(Schema.String),
  intercomRegion: Schema.Literals(["us", "eu", "au"]),
  /** Intercom's limit for this workspace's app, calls per minute. */
  intercomPerMinute: Schema.Int,
  /** Drift's limit for this workspace, requests per minute. */
  driftPerMinute: Schema.Int,
  statuses: Schema.Array(Schema.Literals(["open", "closed", "pending"])),
  /** Epoch milliseconds. */
  until: Schema.NullOr(Schema.Number),
  since: Schema.NullOr(Schema.Number),
  sample: Schema.NullOr(Schema.Int),
  mapping: Schema.Record(Schema.String, Schema.String),
  defaultAdmin: Schema.NullOr(Schema.String),
  botAdmin: Schema.NullOr(Schema.String),
  /**
   * Seconds Intercom's search may trail a write ({@link MigrateWorkflow.SearchSettle}); absent in workspaces
   * submitted before it existed, which get the default, 60.
   */
  searchSettleSeconds: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)))
})
/** @since 0.2.0 */
export interface Settings extends Schema.Schema.Type<typeof Settings> {}

const SettingsJson = Schema.fromJsonString(Settings)

/**
 * Settings with every option at its default: Drift's and Intercom's public URLs and limits, no filters.
 *
 * @since 0.2.0
 */
export const defaultSettings: Settings = {
  driftBaseUrl: DriftClient.DEFAULT_BASE_URL,
  intercomBaseUrl: null,
  intercomRegion: "us",
  intercomPerMinute: 10_000,
  driftPerMinute: 600,
  statuses: [],
  until: null,
  since: null,
  sample: null,
  mapping: {},
  defaultAdmin: null,
  botAdmin: null,
  searchSettleSeconds: 60
}

/**
 * Why a fleet operation failed, for one workspace (or `*` for the fleet).
 *
 * @since 0.2.0
 */
export class FleetError extends Schema.TaggedError<FleetError>()("FleetError", {
  workspace: Schema.String,
  reason: Schema.Literals(["InvalidName", "UnknownWorkspace", "Secrets", "Drift", "Intercom", "Directory", "Storage"]),
  detail: Schema.String
}) {
  override get message(): string {
    return `workspace ${this.workspace}: ${this.detail}`
  }
}

const storage = (workspace: string) => (error: SqlError.SqlError) =>
  new FleetError({ workspace, reason: "Storage", detail: error.message })

/**
 * A workspace as the database holds it (the tokens still sealed).
 *
 * @since 0.2.0
 */
export interface WorkspaceRow {
  readonly name: string
  readonly run: number
  readonly settings: Settings
  readonly sealed: string
  readonly submittedAt: number
  /** When the run's walk had started every conversation's workflow; null while it walks. */
  readonly walkedAt: number | null
  /** Conversations the walk took (migrated, already migrated, rejected). */
  readonly walked: number | null
  readonly error: string | null
}

interface RawWorkspace {
  readonly name: string
  readonly run: number | string
  readonly settings: string
  readonly secrets: string
  readonly submitted_at: number | string
  readonly walked_at: number | string | null
  readonly walked: number | string | null
  readonly error: string | null
}

const toWorkspace = (r: RawWorkspace): WorkspaceRow => ({
  name: r.name,
  run: Number(r.run),
  settings: Schema.decodeUnknownSync(SettingsJson)(r.settings),
  sealed: r.secrets,
  submittedAt: Number(r.submitted_at),
  walkedAt: r.walked_at === null ? null : Number(r.walked_at),
  walked: r.walked === null ? null : Number(r.walked),
  error: r.error
})

/**
 * Creates the fleet's tables (the workspaces, the ledger's, the budget's) when missing, under an advisory lock so
 * that workers starting together do not race on `CREATE TABLE`.
 *
 * @since 0.2.0
 */
export const createTables = Effect.fnUntraced(function*(sql: SqlClient.SqlClient) {
  yield* sql.withTransaction(Effect.gen(function*() {
    yield* sql`SELECT pg_advisory_xact_lock(${sql.literal(String(Budget.SCHEMA_LOCK))})`
    yield* sql`CREATE TABLE IF NOT EXISTS parley_fleet_workspaces (
      name TEXT PRIMARY KEY,
      run INTEGER NOT NULL,
      settings TEXT NOT NULL,
      secrets TEXT NOT NULL,
      submitted_at BIGINT NOT NULL,
      walked_at BIGINT,
      walked INTEGER,
      error TEXT
    )`
    yield* Budget.createTable(sql)
    yield* LedgerModule.make(sql)
  }))
})

const loadWorkspace = (sql: SqlClient.SqlClient, workspace: string) =>
  sql<RawWorkspace>`SELECT * FROM parley_fleet_workspaces WHERE name = ${workspace}`.pipe(
    Effect.mapError(storage(workspace)),
    Effect.flatMap((rows) =>
      rows[0] === undefined
        ? Effect.fail(
          new FleetError({ workspace, reason: "UnknownWorkspace", detail: "no such workspace was submitted" })
        )
        : Effect.succeed(toWorkspace(rows[0]))
    )
  )

// -----------------------------------------------------------------------------
// The workflows
// -----------------------------------------------------------------------------

/**
 * What a workspace's walk did.
 *
 * @since 0.2.0
 */
export const Walked = Schema.Struct({
  /** Conversation workflows started (or joined, when a walk is repeated after a takeover). */
  started: Schema.Int,
  /** Already migrated with the same plan by an earlier run: nothing started. */
  already: Schema.Int,
  /** Rejected while planning (quarantined in the ledger with the reason). */
  rejected: Schema.Int
})
/** @since 0.2.0 */
export interface Walked extends Schema.Schema.Type<typeof Walked> {}

/**
 * The workspace workflow: one execution per workspace and run.
 *
 * @since 0.2.0
 */
export const FleetWorkspace = Workflow.make("ParleyFleetWorkspace", {
  payload: { workspace: WorkspaceName, run: Schema.Int },
  success: Walked,
  error: FleetError,
  idempotencyKey: (payload) => `${payload.workspace}#${payload.run}`
})

/**
 * The conversation workflow: one execution per workspace, Drift conversation and revision.
 *
 * @since 0.2.0
 */
export const FleetConversation = Workflow.make("ParleyFleetConversation", {
  payload: { workspace: WorkspaceName, plan: Plan.ConversationPlan, revision: Schema.String },
  success: MigrateWorkflow.Migrated,
  error: MigrateWorkflow.MigrateError,
  idempotencyKey: (payload) => `${payload.workspace}/${payload.plan.driftConversationId}@${payload.revision}`
})

/**
 * The services a workspace's activities use, built per workspace on a worker from its row: its Drift and Intercom
 * clients (tokens opened with the fleet key, every request drawing on the shared budget) and its ledger.
 *
 * @since 0.2.0
 */
export type WorkspaceServices =
  | DriftClient.DriftClient
  | DriftStream.DriftStream
  | IntercomClient.IntercomClient
  | Ledger

/**
 * Provides a workspace's services to an effect (cached per worker while in use).
 *
 * @since 0.2.0
 */
export class Workspaces extends Context.Service<Workspaces, {
  readonly provide: (
    workspace: string
  ) => <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | FleetError, Exclude<R, WorkspaceServices>>
  readonly ledger: (workspace: string) => Layer.Layer<Ledger, FleetError>
}>()("@parley/migrate/Fleet/Workspaces") {}

const workspaceLayer = (
  sql: SqlClient.SqlClient,
  workspace: string
): Layer.Layer<WorkspaceServices, FleetError, SqlClient.SqlClient | Budget.Budget | Aead.Aead> =>
  Layer.unwrap(Effect.gen(function*() {
    const row = yield* loadWorkspace(sql, workspace)
    const tokens = yield* Secrets.open(workspace, row.sealed).pipe(
      Effect.mapError((e) => new FleetError({ workspace, reason: "Secrets", detail: e.message }))
    )
    const settings = row.settings
    const http = NodeHttpClient.layerUndici
    const intercom = IntercomClient.IntercomClient.layer({
      token: tokens.intercom,
      region: settings.intercomRegion,
      ...(settings.intercomBaseUrl === null ? {} : { baseUrl: settings.intercomBaseUrl })
    }).pipe(
      Layer.provide(
        Budget.layerHttpClient(Budget.intercomRule(workspace, settings.intercomPerMinute)).pipe(Layer.provide(http))
      )
    )
    const drift = Layer.effect(
      DriftClient.DriftClient,
      DriftClient.make({
        token: tokens.drift,
        baseUrl: settings.driftBaseUrl,
        rateLimit: { requestsPerMinute: settings.driftPerMinute }
      }).pipe(Effect.mapError((e) => new FleetError({ workspace, reason: "Drift", detail: e.message })))
    ).pipe(
      Layer.provide(
        Budget.layerHttpClient(Budget.driftRule(workspace, settings.driftPerMinute)).pipe(Layer.provide(http))
      )
    )
    return Layer.mergeAll(
      intercom,
      DriftStream.DriftStream.layer.pipe(Layer.provideMerge(drift)),
      ledgerLayer(workspace),
      Layer.succeed(MigrateWorkflow.SearchSettle, Duration.seconds(settings.searchSettleSeconds ?? 60))
    )
  }))

const ledgerLayer = (workspace: string): Layer.Layer<Ledger, FleetError, SqlClient.SqlClient> =>
  Layer.effect(
    Ledger,
    Effect.flatMap(
      SqlClient.SqlClient,
      (sql) => LedgerModule.make(sql, { workspace }).pipe(Effect.mapError(storage(workspace)))
    )
  )

/**
 * The {@link Workspaces} of a worker: requires the fleet database, the budget and the crypto services.
 *
 * @since 0.2.0
 */
export const layerWorkspaces: Layer.Layer<
  Workspaces,
  never,
  SqlClient.SqlClient | Budget.Budget | Aead.Aead
> = Layer.effect(
  Workspaces,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const map = yield* LayerMap.make((workspace: string) => workspaceLayer(sql, workspace), {
      idleTimeToLive: "30 seconds"
    })
    const ledgers = yield* LayerMap.make(
      (workspace: string) => ledgerLayer(workspace),
      { idleTimeToLive: "5 minutes" }
    )
    return Workspaces.of({
      provide: (workspace) => (effect) => Effect.provide(effect, map.get(workspace)),
      ledger: (workspace) => ledgers.get(workspace)
    })
  })
)

/**
 * How many conversation workflows one worker runs at once.
 *
 * @since 0.2.0
 */
export class Concurrency extends Context.Service<Concurrency, Semaphore.Semaphore>()(
  "@parley/migrate/Fleet/Concurrency"
) {}

const fromMigration = (workspace: string) => (error: Migration.MigrationFailed) =>
  new FleetError({
    workspace,
    reason: error.reason === "Storage" ? "Storage" : error.reason === "Directory" ? "Directory" : error.reason,
    detail: error.message
  })

const filtersOf = (settings: Settings): Migration.RunOptions => ({
  ...(settings.statuses.length === 0 ? {} : { statuses: settings.statuses as ReadonlyArray<Drift.FilterableStatus> }),
  ...(settings.until === null ? {} : { until: DateTime.makeUnsafe(settings.until) }),
  ...(settings.since === null ? {} : { since: DateTime.makeUnsafe(settings.since) }),
  ...(settings.sample === null ? {} : { sample: settings.sample }),
  ...(Object.keys(settings.mapping).length === 0 ? {} : { mapping: settings.mapping }),
  ...(settings.defaultAdmin === null ? {} : { defaultAdmin: settings.defaultAdmin }),
  ...(settings.botAdmin === null ? {} : { botAdmin: settings.botAdmin })
})

/** Plans one thread and starts its conversation workflow (or records why not). */
const startOne = (workspace: string, thread: Drift.Thread, dir: Migration.Directory) =>
  Effect.gen(function*() {
    const ledger = yield* Ledger
    const driftId = String(thread.conversation.id)
    const driftStatus = String(thread.conversation.status)
    const planned = Migration.planThread(thread, dir)
    if (Result.isFailure(planned)) {
      yield* ledger.setConversation({
        driftId,
        status: "rejected",
        intercomId: null,
        driftStatus,
        reason: planned.failure.message
      })
      return "rejected" as const
    }
    const plan = planned.success
    const previous = yield* ledger.getConversation(driftId)
    const attempt = Option.match(previous, {
      onNone: () => 0,
      onSome: (row) =>
        row.status === "rejected" && row.reason?.startsWith("retry:") ? Number(row.reason.split(":")[1]) : 0
    })
    const planJson = JSON.stringify(Schema.encodeSync(Plan.ConversationPlan)(plan))
    const samePlan = Option.isSome(previous) &&
      Option.getOrUndefined(yield* ledger.plan(driftId)) === planJson
    if (samePlan && previous._tag === "Some" && previous.value.status === "migrated") return "already" as const
    // A walk repeated after a takeover finds its own pending rows: the workflow it started is left to finish (its
    // row is not rewritten, so its outcome is never overwritten by "pending").
    if (!(samePlan && previous._tag === "Some" && previous.value.status === "pending")) {
      yield* ledger.setConversation(
        { driftId, status: "pending", intercomId: null, driftStatus, reason: null },
        planJson
      )
    }
    yield* FleetConversation.execute(
      { workspace, plan, revision: MigrateWorkflow.revision(plan, attempt) },
      { discard: true, detached: true }
    )
    return "started" as const
  })

const transientFleet = (error: FleetError) => error.reason === "Drift" || error.reason === "Intercom"

/**
 * The workspace workflow's body: the data attributes, the admin directory, then every selected thread planned and
 * its conversation workflow started, in one activity (repeated whole after a takeover: starting a workflow that
 * exists joins it, and migrated conversations are skipped).
 *
 * @since 0.2.0
 */
export const executeWorkspace = Effect.fnUntraced(function*(payload: typeof FleetWorkspace.payloadSchema.Type) {
  const { run, workspace } = payload
  const workspaces = yield* Workspaces
  const sql = yield* SqlClient.SqlClient
  const walk = Effect.gen(function*() {
    const row = yield* loadWorkspace(sql, workspace)
    const options = filtersOf(row.settings)
    yield* Effect.mapError(Migration.ensureAttributes(), fromMigration(workspace))
    const dir = yield* Effect.mapError(Migration.directory(options), fromMigration(workspace))
    const counts = { started: 0, already: 0, rejected: 0 }
    yield* Migration.threads(options, 4).pipe(
      Stream.mapError(fromMigration(workspace)),
      Stream.runForEach((thread) =>
        startOne(workspace, thread, dir).pipe(
          Effect.mapError(storage(workspace)),
          Effect.map((outcome) => {
            counts[outcome]++
          })
        )
      )
    )
    const walked = counts.started + counts.already + counts.rejected
    yield* sql`UPDATE parley_fleet_workspaces SET walked_at = ${Date.now()}, walked = ${walked}, error = NULL
      WHERE name = ${workspace} AND run = ${run}`.pipe(Effect.mapError(storage(workspace)))
    return counts
  }).pipe(
    workspaces.provide(workspace),
    Effect.retry({ schedule: Schedule.exponential("1 second"), times: 5, while: transientFleet }),
    Effect.tapError((error) =>
      sql`UPDATE parley_fleet_workspaces SET error = ${error.message} WHERE name = ${workspace} AND run = ${run}`.pipe(
        Effect.ignore
      )
    )
  )
  return yield* Activity.make({ name: "walk", success: Walked, error: FleetError, execute: walk })
})

/**
 * The conversation workflow's body: {@link MigrateWorkflow.execute} with the workspace's services, under the
 * worker's {@link Concurrency}, then its outcome recorded in the workspace's ledger (an activity, so it is
 * recorded once).
 *
 * @since 0.2.0
 */
export const executeConversation = Effect.fnUntraced(function*(payload: typeof FleetConversation.payloadSchema.Type) {
  const { plan, workspace } = payload
  const workspaces = yield* Workspaces
  const permits = yield* Concurrency
  const driftId = plan.driftConversationId
  const record = (name: string, row: Omit<LedgerModule.ConversationRow, "updatedAt">) =>
    Activity.make({
      name,
      error: MigrateWorkflow.MigrateError,
      execute: Effect.gen(function*() {
        const ledger = yield* Ledger
        yield* ledger.setConversation(row)
      }).pipe(
        Effect.provide(workspaces.ledger(workspace)),
        Effect.mapError((e) =>
          new MigrateWorkflow.MigrateError({
            driftConversationId: driftId,
            step: name,
            reason: "Storage",
            detail: e.message
          })
        )
      )
    })
  const asMigrateError = (error: FleetError) =>
    new MigrateWorkflow.MigrateError({
      driftConversationId: driftId,
      step: "workspace",
      reason: error.reason === "Secrets" ? "Unauthorized" : error.reason === "Storage" ? "Storage" : "Unavailable",
      detail: error.message
    })
  const body = MigrateWorkflow.execute({ plan, revision: payload.revision }).pipe(
    workspaces.provide(workspace),
    Effect.mapError((error) => error._tag === "FleetError" ? asMigrateError(error) : error)
  )
  return yield* permits.withPermits(1)(body).pipe(
    Effect.tap((migrated) =>
      record("record", {
        driftId,
        status: "migrated",
        intercomId: migrated.intercomId,
        driftStatus: plan.customAttributes.drift_status === undefined
          ? null
          : String(plan.customAttributes.drift_status),
        reason: null
      })
    ),
    Effect.tapError((error) => {
      const attempt = Number(payload.revision.split(":")[3] ?? 0)
      const reason = error.reason === "Unavailable" || error.reason === "Unauthorized"
        ? `retry:${attempt + 1}: ${error.detail}`
        : error.message
      return record("record-rejected", {
        driftId,
        status: "rejected",
        intercomId: null,
        driftStatus: null,
        reason
      }).pipe(Effect.ignore)
    })
  )
})

// -----------------------------------------------------------------------------
// Cluster layers
// -----------------------------------------------------------------------------

/**
 * How the workers coordinate: the cluster's settings every worker and client of one fleet must share, and how
 * fast a dead worker is noticed (its shards are taken over after its health check fails, or its heartbeat is
 * older than `shardLockExpiration`).
 *
 * @since 0.2.0
 */
export const shardingDefaults: Partial<ShardingConfig.ShardingConfig["Service"]> = {
  shardsPerGroup: 300,
  runnerHealthCheckInterval: Duration.seconds(5),
  shardLockExpiration: Duration.seconds(20),
  shardLockRefreshInterval: Duration.seconds(5),
  entityMessagePollInterval: Duration.seconds(2),
  refreshAssignmentsInterval: Duration.seconds(2)
}

/**
 * The fleet's PostgreSQL client.
 *
 * @since 0.2.0
 */
export const database = (url: string): Layer.Layer<SqlClient.SqlClient, SqlError.SqlError> =>
  PgClient.layer({ url: Redacted.make(url), maxConnections: 16 })

const serialization = RpcSerialization.layerSchemaBinary({})
const messageStorage = SqlMessageStorage.layer.pipe(Layer.provide(NodeCrypto.layerDigest))
const runnerStorage = Layer.orDie(SqlRunnerStorage.layer)

/**
 * The address a worker is reachable at, once it listens.
 *
 * @since 0.2.0
 */
export class WorkerAddress extends Context.Service<WorkerAddress, RunnerAddress.RunnerAddress>()(
  "@parley/migrate/Fleet/WorkerAddress"
) {}

/**
 * Options of {@link layerWorker}.
 *
 * @since 0.2.0
 */
export interface WorkerOptions {
  /** The fleet's PostgreSQL URL. */
  readonly database: string
  /** Where to listen for the other workers (port 0: any free port). Default `127.0.0.1:34431`. */
  readonly host?: string | undefined
  readonly port?: number | undefined
  /** The host the other workers reach this one at. Default: `host`. */
  readonly advertise?: string | undefined
  /** Conversation workflows run at once on this worker. Default 8. */
  readonly concurrency?: number | undefined
  readonly sharding?: Partial<ShardingConfig.ShardingConfig["Service"]> | undefined
}

/**
 * A worker: a cluster runner over sockets, with message and runner storage, the ledger and the budget in the
 * fleet's PostgreSQL, and both fleet workflows registered. Requires `PARLEY_FLEET_KEY`. Runs until its scope
 * closes.
 *
 * @since 0.2.0
 */
export const layerWorker = (
  options: WorkerOptions
): Layer.Layer<WorkerAddress | WorkflowEngine.WorkflowEngine, SocketServer.SocketServerError | SqlError.SqlError> => {
  const host = options.host ?? "127.0.0.1"
  const server = NodeSocketServer.layer({ host, port: options.port ?? 34431 })
  const config = Layer.effect(
    ShardingConfig.ShardingConfig,
    Effect.gen(function*() {
      const socket = yield* SocketServer.SocketServer
      const port = socket.address._tag === "UnixPathAddress" ? (options.port ?? 34431) : socket.address.port
      return {
        ...ShardingConfig.defaults,
        ...shardingDefaults,
        ...options.sharding,
        runnerAddress: Option.some(RunnerAddress.RunnerAddress.make({ host: options.advertise ?? host, port })),
        runnerListenAddress: Option.none()
      }
    })
  ).pipe(Layer.provideMerge(server))
  const address = Layer.effect(
    WorkerAddress,
    Effect.map(ShardingConfig.ShardingConfig, (c) => Option.getOrThrow(c.runnerAddress))
  )
  const health = RunnerHealth.layerPing.pipe(Layer.provide(Runners.layerRpc))
  const cluster = SocketRunner.layer.pipe(
    Layer.provide(health),
    Layer.provideMerge(messageStorage),
    Layer.provide(runnerStorage),
    Layer.provide(NodeClusterSocket.layerClientProtocol),
    Layer.provide(serialization),
    Layer.provideMerge(config)
  )
  const tables = Layer.effectDiscard(Effect.flatMap(SqlClient.SqlClient, createTables))
  const concurrency = Layer.effect(Concurrency, Semaphore.make(Math.max(1, options.concurrency ?? 8)))
  const prune = Layer.effectDiscard(
    Effect.forkScoped(
      Effect.flatMap(Budget.Budget, (budget) => budget.prune("2 minutes")).pipe(
        Effect.ignore,
        Effect.repeat(Schedule.spaced("1 minute"))
      )
    )
  )
  const workflows = Layer.mergeAll(
    FleetWorkspace.toLayer(executeWorkspace),
    FleetConversation.toLayer(executeConversation),
    prune
  ).pipe(
    Layer.provide(Layer.mergeAll(layerWorkspaces, concurrency)),
    Layer.provide(Budget.Budget.layer),
    Layer.provide(Layer.mergeAll(NodeCrypto.layerAead, NodeCrypto.layerSecureRandom))
  )
  return Layer.mergeAll(workflows, address).pipe(
    Layer.provideMerge(ClusterWorkflowEngine.layer),
    Layer.provide(cluster),
    Layer.provide(tables),
    Layer.provide(database(options.database))
  )
}

/**
 * A client of the fleet (`parley migrate submit`): the workflow engine over a client-only cluster participant,
 * which stores messages for the workers and hosts no shards; and the database.
 *
 * @since 0.2.0
 */
export const layerClient = (
  url: string,
  sharding: Partial<ShardingConfig.ShardingConfig["Service"]> = {}
): Layer.Layer<WorkflowEngine.WorkflowEngine | SqlClient.SqlClient, SqlError.SqlError> => {
  const cluster = SocketRunner.layerClientOnly.pipe(
    Layer.provideMerge(messageStorage),
    Layer.provide(runnerStorage),
    Layer.provide(NodeClusterSocket.layerClientProtocol),
    Layer.provide(serialization),
    Layer.provide(ShardingConfig.layer({ ...shardingDefaults, ...sharding }))
  )
  return ClusterWorkflowEngine.layer.pipe(
    Layer.provide(cluster),
    Layer.provideMerge(Layer.effectDiscard(Effect.flatMap(SqlClient.SqlClient, createTables))),
    Layer.provideMerge(database(url))
  )
}

// -----------------------------------------------------------------------------
// submit and status
// -----------------------------------------------------------------------------

/**
 * Options of {@link submit}.
 *
 * @since 0.2.0
 */
export interface SubmitOptions {
  readonly workspace: string
  readonly tokens: Secrets.Tokens
  readonly settings: Settings
}

/**
 * Stores a workspace (its tokens sealed, see {@link Secrets}) with a new run number and starts its workspace
 * workflow on the cluster. A workspace submitted again gets a new run: its conversations already migrated are
 * skipped, the ones that ran out of retries are tried again.
 *
 * @since 0.2.0
 */
export const submit = Effect.fn("Fleet.submit")(function*(options: SubmitOptions) {
  const { workspace } = options
  if (!isWorkspaceName(workspace)) {
    return yield* new FleetError({
      workspace,
      reason: "InvalidName",
      detail: "a workspace name is 1 to 64 letters, digits, dots, dashes or underscores"
    })
  }
  const sql = yield* SqlClient.SqlClient
  const sealed = yield* Secrets.seal(workspace, options.tokens).pipe(
    Effect.mapError((e) => new FleetError({ workspace, reason: "Secrets", detail: e.message }))
  )
  const settings = Schema.encodeSync(SettingsJson)(options.settings)
  const rows = yield* sql<{ readonly run: number | string }>`
    INSERT INTO parley_fleet_workspaces (name, run, settings, secrets, submitted_at)
    VALUES (${workspace}, 1, ${settings}, ${sealed}, ${Date.now()})
    ON CONFLICT (name) DO UPDATE SET run = parley_fleet_workspaces.run + 1, settings = ${settings},
      secrets = ${sealed}, submitted_at = ${Date.now()}, walked_at = NULL, walked = NULL, error = NULL
    RETURNING run`.pipe(Effect.mapError(storage(workspace)))
  const run = Number(rows[0]?.run ?? 1)
  const executionId = yield* FleetWorkspace.execute({ workspace, run }, { discard: true })
  return { workspace, run, executionId }
})

/**
 * One workspace in {@link status}.
 *
 * @since 0.2.0
 */
export interface WorkspaceStatus {
  readonly workspace: string
  readonly run: number
  readonly submittedAt: number
  /** Whether the walk has started every selected conversation. */
  readonly walked: boolean
  /** Conversations the walk took (known once walked). */
  readonly total: number | null
  readonly migrated: number
  readonly pending: number
  readonly rejected: number
  /** Conversations migrated in the last minute. */
  readonly perMinute: number
  /** Milliseconds left at the last minute's rate (null when unknown: still walking, or no progress). */
  readonly etaMs: number | null
  /** Intercom permits the budget granted in the last full minute, and the workspace's limit. */
  readonly intercomCallsLastMinute: number
  readonly intercomPerMinute: number
  readonly error: string | null
}

/**
 * Every workspace of the fleet with its counts, rate, ETA and rejects.
 *
 * @since 0.2.0
 */
export const status = Effect.fn("Fleet.status")(function*() {
  const sql = yield* SqlClient.SqlClient
  const fail = storage("*")
  const workspaces = (yield* sql<RawWorkspace>`SELECT * FROM parley_fleet_workspaces ORDER BY name`.pipe(
    Effect.mapError(fail)
  )).map(toWorkspace)
  const now = Date.now()
  const counts = yield* sql<{ readonly ws: string; readonly status: string; readonly n: number | string }>`
    SELECT split_part(drift_id, '/', 1) AS ws, status, COUNT(*) AS n FROM parley_conversations
    WHERE drift_id LIKE '%/%' GROUP BY 1, 2`.pipe(Effect.mapError(fail))
  const recent = yield* sql<{ readonly ws: string; readonly n: number | string }>`
    SELECT split_part(drift_id, '/', 1) AS ws, COUNT(*) AS n FROM parley_conversations
    WHERE drift_id LIKE '%/%' AND status = 'migrated' AND updated_at > ${now - 60_000} GROUP BY 1`.pipe(
    Effect.mapError(fail)
  )
  const calls = yield* sql<{ readonly key: string; readonly n: number | string }>`
    SELECT key, SUM(granted) AS n FROM parley_fleet_budget
    WHERE window_start >= ${now - 60_000} AND key LIKE '%/intercom' GROUP BY key`.pipe(Effect.mapError(fail))
  return workspaces.map((row): WorkspaceStatus => {
    const of = (s: string) => Number(counts.find((c) => c.ws === row.name && c.status === s)?.n ?? 0)
    const migrated = of("migrated") + of("mismatch")
    const pending = of("pending")
    const rejected = of("rejected")
    const perMinute = Number(recent.find((r) => r.ws === row.name)?.n ?? 0)
    const total = row.walked
    const left = total === null ? null : Math.max(0, total - migrated - rejected)
    return {
      workspace: row.name,
      run: row.run,
      submittedAt: row.submittedAt,
      walked: row.walkedAt !== null,
      total,
      migrated,
      pending,
      rejected,
      perMinute,
      etaMs: left === null ? null : left === 0 ? 0 : perMinute === 0 ? null : Math.round(left / perMinute * 60_000),
      intercomCallsLastMinute: Number(calls.find((c) => c.key === `${row.name}/intercom`)?.n ?? 0),
      intercomPerMinute: row.settings.intercomPerMinute,
      error: row.error
    }
  })
})

/**
 * The crypto services {@link submit} and the workers need (AES-256-GCM and random nonces on `node:crypto`).
 *
 * @since 0.2.0
 */
export const layerCrypto: Layer.Layer<Aead.Aead | SecureRandom.SecureRandom> = Layer.mergeAll(
  NodeCrypto.layerAead,
  NodeCrypto.layerSecureRandom
)
