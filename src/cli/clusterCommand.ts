/** `cole cluster status` and `cole cluster prune`: look at and tidy a cluster's PostgreSQL tables. */
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import type { SqlClient } from "effect/sql/SqlClient"
import type * as Inspect from "../cluster/Inspect.ts"
import { db } from "./clusterFlags.ts"
import { oneLine } from "./common.ts"

const json = Flag.Boolean("json").pipe(Flag.withDescription("Print one JSON object"), Flag.withDefault(false))

/** Runs `use` against the cluster's database, or says in one line which flag is missing. */
const withDatabase = <A, E>(url: Option.Option<string>, use: (inspect: typeof Inspect) => Effect.Effect<A, E, SqlClient>) =>
  Effect.gen(function*() {
    if (Option.isNone(url)) return yield* Effect.fail(new Error("needs the cluster's database: --db postgres://… or COLE_CLUSTER_DB"))
    const [inspect, Cluster] = yield* Effect.promise(() => Promise.all([import("../cluster/Inspect.ts"), import("../cluster/Cluster.ts")]))
    return yield* use(inspect).pipe(Effect.provide(Cluster.database(url.value)))
  })

const status = Command.make("status", { db, json }, (o) =>
  oneLine(withDatabase(o.db, (Inspect) => Inspect.status).pipe(Effect.flatMap((s) => {
    if (o.json) return Console.log(JSON.stringify(s))
    const lines = [
      `runners: ${s.runners.length}`,
      ...s.runners.map((r) => `  ${r.address.padEnd(24)} ${r.pools.join(",").padEnd(8)} ${r.healthy ? "healthy" : "unhealthy"}  last seen ${r.lastHeartbeat}`),
      "units:",
      ...(s.pools.length === 0 ? ["  (none)"] : s.pools.map((p) => `  ${p.pool.padEnd(4)} queued ${p.queued}, running ${p.running}, done ${p.done}${p.redelivered > 0 ? `, redelivered ${p.redelivered}` : ""}`))
    ]
    return Console.log(lines.join("\n"))
  })))
).pipe(Command.withDescription("List the cluster's runners and its units queued, running and done, per pool"))

const prune = Command.make("prune", { db }, (o) =>
  oneLine(withDatabase(o.db, (Inspect) => Inspect.prune).pipe(
    Effect.flatMap(({ messages }) => Console.log(`pruned ${messages} message rows of answered units`))
  ))
).pipe(Command.withDescription("Delete the message rows of answered units (their results stay in the store)"))

export const clusterCommand = Command.make("cluster").pipe(
  Command.withDescription("Look at and tidy a cluster (see cole runner)"),
  Command.withSubcommands([status, prune])
)
