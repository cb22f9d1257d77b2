/**
 * The ground the cluster executor stands on: a real PostgreSQL (test/postgres.ts), reached through
 * @effect/sql-pg, with effect/cluster's message-storage tables created by its own migrations.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Redacted } from "effect"
import * as SqlMessageStorage from "effect/cluster/SqlMessageStorage"
import * as SqlClient from "effect/sql/SqlClient"
import * as Postgres from "../postgres.ts"

let server: Postgres.Postgres

beforeAll(async () => {
  server = await Postgres.start()
}, 60_000)

afterAll(async () => {
  await server?.stop()
})

const client = (url: string) => PgClient.layer({ url: Redacted.make(url) })

describe("PostgreSQL for the cluster", () => {
  it.effect("answers a query through @effect/sql-pg, and effect/cluster's migrations create its tables", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const [row] = yield* sql<{ readonly answer: number }>`SELECT 6 * 7 AS answer`
      expect(row!.answer).toBe(42)
      const tables = yield* sql<{ readonly tablename: string }>`SELECT tablename FROM pg_tables WHERE tablename LIKE 'cole_cluster%' ORDER BY tablename`
      expect(tables.map((t) => t.tablename)).toEqual(expect.arrayContaining(["cole_cluster_messages", "cole_cluster_replies"]))
    }).pipe(Effect.provide(SqlMessageStorage.layerMigrations({ prefix: "cole_cluster" }).pipe(Layer.provideMerge(client(server.database()))))), 60_000)
})
