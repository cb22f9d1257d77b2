/**
 * The cluster's plumbing: effect/cluster's sharding over PostgreSQL (message and runner storage in
 * tables prefixed `cole_cluster`), runners talking over TCP sockets. A coordinator joins client-only:
 * it stores unit messages and reads their replies but hosts no shards. A runner listens on an address,
 * takes shards of the shard groups of its pools, and hosts the unit entities of those groups.
 *
 * Timing suits batch work: a runner looks for new messages every second, and a dead runner's shards
 * (its PostgreSQL session, holding their advisory locks, ends with it) pass to the others within
 * seconds. `COLE_CLUSTER_LOCK_MS` shortens the shard-lock expiry (tests use ~2 s).
 */
import * as NodeCrypto from "@effect/platform-node/NodeCrypto"
import { layerClientProtocol, layerSocketServer } from "@effect/platform-node/NodeClusterSocket"
import { PgClient } from "@effect/sql-pg"
import { Config, Context, Effect, Layer, Option, Redacted, References } from "effect"
import { RunnerAddress, RunnerHealth, Runners, ShardingConfig, SocketRunner, SqlMessageStorage, SqlRunnerStorage } from "effect/cluster"
import { RpcSerialization } from "effect/rpc"
import * as SqlClient from "effect/sql/SqlClient"
import { ClusterUnavailable } from "../core/Executor.ts"
import { pools, type PoolName } from "./Unit.ts"

const TABLE_PREFIX = "cole_cluster"

/** The cluster's tables: effect/cluster's messages, replies and runners, and cole's units (Units.ts). */
export const TABLES = {
  messages: `${TABLE_PREFIX}_messages`,
  replies: `${TABLE_PREFIX}_replies`,
  runners: `${TABLE_PREFIX}_runners`,
  units: `${TABLE_PREFIX}_units`
} as const

/** Where a runner listens and how others reach it. */
export interface Listen {
  readonly host: string
  readonly port: number
  /** The address other machines use (default: the listen address). */
  readonly advertise?: { readonly host: string; readonly port: number }
}

const timing = Effect.gen(function*() {
  const lockMs = yield* Config.Int("COLE_CLUSTER_LOCK_MS").pipe(Config.withDefault(20_000))
  const pollMs = yield* Config.Int("COLE_CLUSTER_POLL_MS").pipe(Config.withDefault(1_000))
  return {
    shardLockExpiration: lockMs,
    shardLockRefreshInterval: Math.max(100, Math.round(lockMs / 4)),
    entityMessagePollInterval: pollMs,
    entityReplyPollInterval: Math.min(200, pollMs),
    refreshAssignmentsInterval: Math.max(100, Math.round(lockMs / 8)),
    runnerHealthCheckInterval: Math.max(500, Math.round(lockMs / 2))
  }
})

const shardingConfig = (runner: { readonly listen: Listen; readonly pools: ReadonlyArray<PoolName> } | undefined) =>
  Layer.effect(
    ShardingConfig.ShardingConfig,
    Effect.map(timing, (t) => ({
      ...ShardingConfig.defaults,
      ...t,
      runnerAddress: runner === undefined
        ? Option.none()
        : Option.some(RunnerAddress.make((runner.listen.advertise ?? runner.listen).host, (runner.listen.advertise ?? runner.listen).port)),
      runnerListenAddress: runner === undefined ? Option.none() : Option.some(RunnerAddress.make(runner.listen.host, runner.listen.port)),
      availableShardGroups: [...pools],
      assignedShardGroups: runner === undefined ? [] : [...runner.pools],
      shardsPerGroup: 64,
      entityMaxIdleTime: 10_000
    }))
  )

/** The PostgreSQL client for `url`, tried once: an unreachable server fails here, in one line naming it. */
export const database = (url: string) =>
  Layer.effectContext(
    Effect.gen(function*() {
      const context = yield* Layer.build(PgClient.layer({ url: Redacted.make(url), connectTimeout: "5 seconds" }))
      const sql = Context.get(context, SqlClient.SqlClient)
      yield* sql`SELECT 1`
      return context
    }).pipe(
      Effect.mapError((error) => new ClusterUnavailable({ reason: `cannot connect to PostgreSQL at ${redact(url)}: ${messageOf(error)}` }))
    )
  )

/** The innermost message of an error and its causes (a driver's ECONNREFUSED, not the wrapper's). */
const messageOf = (error: unknown): string => {
  const cause = (error as { readonly cause?: unknown } | undefined)?.cause
  if (cause !== undefined && cause !== error) return messageOf(cause)
  return error instanceof Error ? error.message : String(error)
}

/** A URL with its password hidden. */
export const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@")

const storage = Layer.mergeAll(
  SqlMessageStorage.layerWith({ prefix: TABLE_PREFIX }).pipe(Layer.provide(NodeCrypto.layerDigest)),
  Layer.orDie(SqlRunnerStorage.layerWith({ prefix: TABLE_PREFIX }))
)

const serialization = RpcSerialization.layerSchemaBinary({})

/**
 * The cluster's own log lines (shard moves, runners joining) only at COLE_CLUSTER_LOG and above
 * (default Error): a run's output stays cole's.
 */
const logLevel = Layer.effect(
  References.MinimumLogLevel,
  Config.Literals(["All", "Trace", "Debug", "Info", "Warn", "Error", "Fatal", "None"], "COLE_CLUSTER_LOG").pipe(Config.withDefault("Error" as const))
)

/** Sharding for a coordinator: it sends units and reads replies, and hosts none. */
export const client = (url: string) =>
  Layer.provide(SocketRunner.layerClientOnly, layerClientProtocol).pipe(
    Layer.provideMerge(storage),
    Layer.provide(shardingConfig(undefined)),
    Layer.provide(serialization),
    Layer.provideMerge(database(url)),
    Layer.provide(logLevel)
  )

/** Sharding for a runner: it listens, takes shards of its pools' groups, and checks its peers' health. */
export const runner = (url: string, listen: Listen, runnerPools: ReadonlyArray<PoolName>) =>
  Layer.provide(SocketRunner.layer, [layerSocketServer, layerClientProtocol]).pipe(
    Layer.provide(RunnerHealth.layerPing.pipe(Layer.provide(Runners.layerRpc), Layer.provide(layerClientProtocol))),
    Layer.provideMerge(storage),
    Layer.provide(shardingConfig({ listen, pools: runnerPools })),
    Layer.provide(serialization),
    Layer.provideMerge(database(url)),
    Layer.provide(logLevel)
  )
