/**
 * What `cole cluster status` shows and `cole cluster prune` clears, read from the cluster's tables:
 * the runners (address, pools, health, last heartbeat), and per pool the units queued (stored, not yet
 * begun), running (begun, no outcome yet), done (answered) and redelivered (begun more than once).
 */
import { Effect } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { TABLE_PREFIX } from "./Cluster.ts"
import * as Units from "./Units.ts"

const MESSAGES = `${TABLE_PREFIX}_messages`
const REPLIES = `${TABLE_PREFIX}_replies`
const RUNNERS = `${TABLE_PREFIX}_runners`

export interface RunnerRow {
  readonly address: string
  readonly pools: ReadonlyArray<string>
  readonly healthy: boolean
  readonly lastHeartbeat: string
}

export interface PoolCounts {
  readonly pool: string
  readonly queued: number
  readonly running: number
  readonly done: number
  readonly redelivered: number
}

export interface Status {
  readonly runners: ReadonlyArray<RunnerRow>
  readonly pools: ReadonlyArray<PoolCounts>
}

const poolsOf = (runner: string): ReadonlyArray<string> => {
  try {
    const groups: unknown = JSON.parse(runner).groups
    return Array.isArray(groups) ? groups.map(String) : []
  } catch {
    return []
  }
}

/** Whether the cluster's tables exist yet (a database no runner or run has touched has none). */
const tablesExist = (sql: SqlClient.SqlClient) =>
  sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM pg_tables WHERE tablename IN (${MESSAGES}, ${RUNNERS}, ${Units.TABLE})`.pipe(
    Effect.map((rows) => Number(rows[0]!.n) === 3)
  )

export const status = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  if (!(yield* tablesExist(sql))) return { runners: [], pools: [] } satisfies Status
  const runners = yield* sql<{ readonly address: string; readonly runner: string; readonly healthy: boolean; readonly last_heartbeat: Date }>`
    SELECT address, runner, healthy, last_heartbeat FROM ${sql(RUNNERS)} ORDER BY address`
  // Requests only (kind 0); a unit's pool is its entity type, cole-cpu or cole-gpu.
  const counts = yield* sql<{ readonly pool: string; readonly queued: number; readonly running: number; readonly done: number; readonly redelivered: number }>`
    SELECT substring(m.entity_type from 6) AS pool,
      count(*) FILTER (WHERE NOT m.processed AND u.unit IS NULL)::int AS queued,
      count(*) FILTER (WHERE NOT m.processed AND u.unit IS NOT NULL)::int AS running,
      count(*) FILTER (WHERE m.processed)::int AS done,
      count(*) FILTER (WHERE u.attempts > 1)::int AS redelivered
    FROM ${sql(MESSAGES)} m LEFT JOIN ${sql(Units.TABLE)} u ON u.unit = m.entity_id
    WHERE m.kind = 0 AND m.entity_type LIKE 'cole-%'
    GROUP BY m.entity_type ORDER BY m.entity_type`
  return {
    runners: runners.map((r) => ({
      address: r.address,
      pools: poolsOf(r.runner),
      healthy: r.healthy,
      lastHeartbeat: new Date(r.last_heartbeat).toISOString()
    })),
    pools: counts.map((c) => ({ pool: c.pool, queued: Number(c.queued), running: Number(c.running), done: Number(c.done), redelivered: Number(c.redelivered) }))
  } satisfies Status
})

/**
 * Deletes the rows of answered units: their messages, replies and unit records. Units still queued
 * or running are kept. A pruned unit sent again runs again (its outputs are in the store's cache
 * already, so a pipeline never sends it again unless its result was deleted).
 */
export const prune = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  if (!(yield* tablesExist(sql))) return { messages: 0 }
  return yield* sql.withTransaction(Effect.gen(function*() {
    const done = yield* sql<{ readonly id: string; readonly entity_id: string }>`
      DELETE FROM ${sql(MESSAGES)} WHERE processed AND entity_type LIKE 'cole-%' RETURNING id::text AS id, entity_id`
    const ids = done.map((d) => d.id)
    if (ids.length > 0) {
      yield* sql`DELETE FROM ${sql(REPLIES)} WHERE request_id::text IN ${sql.in(ids)}`
      yield* sql`DELETE FROM ${sql(Units.TABLE)} WHERE unit IN ${sql.in(done.map((d) => d.entity_id))}`
    }
    return { messages: done.length }
  }))
})
