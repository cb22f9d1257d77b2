/**
 * `cole runner`: joins a cluster (PostgreSQL at --db) and performs its units on this machine's worker
 * threads until stopped. Inputs and outputs go through the store at --store, which must be the same
 * shared folder, at the same path, as the coordinator's.
 */
import * as os from "node:os"
import { Console, Effect, Layer, Option } from "effect"
import { Command, Flag } from "effect/cli"
import * as Store from "../core/Store.ts"
import { db, workers } from "./clusterFlags.ts"
import { oneLine, store } from "./common.ts"

const ADDRESS = /^(?<host>[^:\s]+|\[[0-9a-f:]+\]):(?<port>\d{1,5})$/i

/** `HOST:PORT`, or one line saying what is wrong with it. */
export const parseAddress = (flag: string, text: string) => {
  const match = ADDRESS.exec(text.trim())
  const port = Number(match?.groups?.port)
  return match === null || port < 1 || port > 65535
    ? Effect.fail(new Error(`${flag} ${text}: expected HOST:PORT, e.g. 0.0.0.0:34431 (a port from 1 to 65535)`))
    : Effect.succeed({ host: match.groups!.host!.replace(/^\[|\]$/g, ""), port })
}

/** `cpu`, `gpu` or `cpu,gpu`. */
export const parsePools = (text: string) => {
  const pools = [...new Set(text.split(",").map((p) => p.trim()))]
  const bad = pools.find((p) => p !== "cpu" && p !== "gpu")
  return bad !== undefined || pools.length === 0
    ? Effect.fail(new Error(`--pools ${text}: ${JSON.stringify(bad ?? "")} is not a pool; expected cpu, gpu or cpu,gpu`))
    : Effect.succeed(pools as Array<"cpu" | "gpu">)
}

export const runnerCommand = Command.make(
  "runner",
  {
    db,
    store,
    listen: Flag.String("listen").pipe(Flag.withDescription("Address to listen on for the cluster, HOST:PORT"), Flag.withDefault("127.0.0.1:34431")),
    advertise: Flag.String("advertise").pipe(Flag.withDescription("Address the others reach this runner at (default: --listen, or this host's name and port when listening on 0.0.0.0)"), Flag.optional),
    workers,
    pools: Flag.String("pools").pipe(Flag.withDescription("Which units to take: cpu, gpu (units that need a GPU), or cpu,gpu"), Flag.withDefault("cpu")),
    attempts: Flag.Int("attempts").pipe(Flag.withDescription("Attempts at a unit that keeps ending its runner before it is given up"), Flag.withDefault(3))
  },
  (o) =>
    oneLine(Effect.gen(function*() {
      if (Option.isNone(o.db)) return yield* Effect.fail(new Error("cole runner needs the cluster's database: --db postgres://… or COLE_CLUSTER_DB"))
      if (o.attempts < 1) return yield* Effect.fail(new Error(`--attempts ${o.attempts}: expected a positive integer`))
      const listen = yield* parseAddress("--listen", o.listen)
      const advertise = yield* Option.match(o.advertise, { onNone: () => Effect.succeed(undefined), onSome: (a) => parseAddress("--advertise", a) })
      const pools = yield* parsePools(o.pools)
      const Runner = yield* Effect.promise(() => import("../cluster/Runner.ts"))
      // Listening on every interface, the runner is reached at its host name unless told otherwise.
      const reachable = advertise ?? (listen.host === "0.0.0.0" || listen.host === "::" ? { host: os.hostname(), port: listen.port } : undefined)
      const runner = Runner.layer({
        db: o.db.value,
        listen: { ...listen, ...(reachable === undefined ? {} : { advertise: reachable }) },
        pools,
        maxAttempts: o.attempts,
        ...Option.match(o.workers, { onNone: () => ({}), onSome: (workers) => ({ workers }) })
      })
      yield* Effect.gen(function*() {
        const reached = reachable === undefined ? "" : ` (reached at ${reachable.host}:${reachable.port})`
        yield* Console.error(`cole runner: listening on ${listen.host}:${listen.port}${reached}, pools ${pools.join(",")}; store ${o.store}`)
        return yield* Effect.never
      }).pipe(Effect.provide(runner.pipe(Layer.provideMerge(Store.layer(o.store)))))
    }))
).pipe(Command.withDescription("Join a cluster and perform its units on this machine (see the README's cluster section)"))
