/**
 * cole's own record of units on the cluster, next to effect/cluster's message tables: per unit (its
 * content id) the task, the runner of the latest attempt, how many deliveries began (`attempts`), how
 * many of them performed the task (`performed`), and the output once it is in the store. Runners write
 * it; `cole cluster status` reads it, and `prune` clears it with the messages.
 *
 * The output column is what makes a finished unit whose reply was lost (its runner died between the two)
 * a hit: the next delivery answers with the recorded output instead of performing the task again.
 */
import { Effect, Layer } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { TABLES } from "./Cluster.ts"

const TABLE = TABLES.units

/** Creates the table when it is missing. */
export const layer = Layer.effectDiscard(Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE IF NOT EXISTS ${sql(TABLE)} (
    unit TEXT PRIMARY KEY,
    task TEXT NOT NULL,
    pool TEXT NOT NULL,
    runner TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    performed INTEGER NOT NULL DEFAULT 0,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    outcome TEXT,
    output TEXT
  )`
}))

export interface Begun {
  /** Deliveries begun, this one included. */
  readonly attempts: number
  /** The recorded output of a unit that already succeeded. */
  readonly output: string | null
}

/** Counts a delivery of `unit` to `runner`; says how many began and whether its output is recorded. */
export const begin = (sql: SqlClient.SqlClient, unit: { readonly unit: string; readonly task: string; readonly pool: string; readonly runner: string }) =>
  sql<{ readonly attempts: number; readonly output: string | null }>`INSERT INTO ${sql(TABLE)} (unit, task, pool, runner, attempts, started_at)
    VALUES (${unit.unit}, ${unit.task}, ${unit.pool}, ${unit.runner}, 1, now())
    ON CONFLICT (unit) DO UPDATE SET attempts = ${sql(TABLE)}.attempts + 1, runner = EXCLUDED.runner, started_at = now()
    RETURNING attempts, output`.pipe(Effect.map((rows): Begun => ({ attempts: Number(rows[0]!.attempts), output: rows[0]!.output })))

export const performing = (sql: SqlClient.SqlClient, unit: string) =>
  sql`UPDATE ${sql(TABLE)} SET performed = performed + 1, finished_at = NULL, outcome = NULL WHERE unit = ${unit}`

export const finish = (sql: SqlClient.SqlClient, unit: string, outcome: string, output: string | null) =>
  sql`UPDATE ${sql(TABLE)} SET finished_at = now(), outcome = ${outcome}, output = ${output} WHERE unit = ${unit}`

/** Takes back a delivery that was interrupted (its runner shutting down), not ended by its unit. */
export const uncount = (sql: SqlClient.SqlClient, unit: string) =>
  sql`UPDATE ${sql(TABLE)} SET attempts = attempts - 1 WHERE unit = ${unit}`

/**
 * Forgets how `unit` ended unless it succeeded, so that sending it again performs it again: its
 * answered messages and their replies, and its record, when no output is recorded and no delivery is
 * pending. Only successes are remembered, as only results are cached — a refusal, a crash or a task's
 * error in an earlier run (a runner without CUDA, other code) is not the answer for this one. With
 * `always`, it forgets a success too (its output went missing from the store).
 */
export const forget = (sql: SqlClient.SqlClient, unit: string, options: { readonly always?: boolean } = {}) =>
  // One statement, on the path of every unit sent: a unit never seen before costs one round trip.
  sql`WITH kept AS (
      SELECT 1 FROM ${sql(TABLE)} WHERE unit = ${unit} AND output IS NOT NULL AND NOT ${options.always === true}
    ), stale AS (
      DELETE FROM ${sql(TABLES.messages)} WHERE entity_id = ${unit} AND processed AND NOT EXISTS (SELECT 1 FROM kept) RETURNING id
    ), answers AS (
      DELETE FROM ${sql(TABLES.replies)} WHERE request_id IN (SELECT id FROM stale)
    )
    DELETE FROM ${sql(TABLE)} WHERE unit = ${unit} AND NOT EXISTS (SELECT 1 FROM kept)
      AND NOT EXISTS (SELECT 1 FROM ${sql(TABLES.messages)} WHERE entity_id = ${unit} AND NOT processed)`
