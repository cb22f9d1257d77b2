/**
 * What `cole cluster status` shows and `cole cluster prune` clears, read from the cluster's tables:
 * the runners (address, pools, health, last heartbeat), and per pool the units queued (stored, not yet
 * begun), running (begun, no outcome yet), done (answered) and redelivered (begun more than once).
 */
import { Effect } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { TABLES } from "./Cluster.ts"

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
  sql<{ readonly n: number }>`SELECT count(*)::int AS n FROM pg_tables WHERE tablename IN (${TABLES.messages}, ${TABLES.runners}, ${TABLES.units})`.pipe(
    Effect.map((rows) => Number(rows[0]!.n) === 3)
  )

export const status = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  if (!(yield* tablesExist(sql))) return { runners: [], pools: [] } satisfies Status
  const runners = yield* sql<{ readonly address: string; readonly runner: string; readonly healthy: boolean; readonly last_heartbeat: Date }>`
    SELECT address, runner, healthy, last_heartbeat FROM ${sql(TABLES.runners)} ORDER BY address`
  // Requests only (kind 0); a unit's pool is its entity type, cole-cpu or cole-gpu.
  const counts = yield* sql<{ readonly pool: string; readonly queued: number; readonly running: number; readonly done: number; readonly redelivered: number }>`
    SELECT substring(m.entity_type from 6) AS pool,
      count(*) FILTER (WHERE NOT m.processed AND u.unit IS NULL)::int AS queued,
      count(*) FILTER (WHERE NOT m.processed AND u.unit IS NOT NULL)::int AS running,
      count(*) FILTER (WHERE m.processed)::int AS done,
      count(*) FILTER (WHERE u.attempts > 1)::int AS redelivered
    FROM ${sql(TABLES.messages)} m LEFT JOIN ${sql(TABLES.units)} u ON u.unit = m.entity_id
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
  const [pruned] = yield* sql<{ readonly messages: number }>`WITH done AS (
      DELETE FROM ${sql(TABLES.messages)} WHERE processed AND entity_type LIKE 'cole-%' RETURNING id, entity_id
    ), answers AS (
      DELETE FROM ${sql(TABLES.replies)} WHERE request_id IN (SELECT id FROM done)
    ), records AS (
      DELETE FROM ${sql(TABLES.units)} WHERE unit IN (SELECT entity_id FROM done)
    )
    SELECT count(*)::int AS messages FROM done`
  return { messages: Number(pruned!.messages) }
})
