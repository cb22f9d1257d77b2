/**
 * A runner: it joins the cluster, hosts the unit entities of its pools, and performs each unit on its
 * own pool of worker threads. A unit's input comes from the shared store; its output goes there, and the
 * reply names it by digest. A unit is refused (`CodeMismatch`) when the coordinator's code differs from
 * this install's: results computed by other code must never be published.
 *
 * Each attempt at a unit is counted in PostgreSQL (`cole_cluster_units`), before the work starts; a
 * unit whose attempts all ended a runner (SIGKILL, out of memory, a native crash) — found when it comes
 * back for attempt `maxAttempts + 1` — is answered `UnitAbandoned` instead of crashing the next runner.
 */
import * as os from "node:os"
import { Effect, Layer, Semaphore } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import * as Executor from "../core/Executor.ts"
import { ClusterUnavailable, CodeMismatch, UnitAbandoned } from "../core/Executor.ts"
import * as Fault from "../core/Fault.ts"
import * as ModulePath from "../core/ModulePath.ts"
import { Store } from "../core/Store.ts"
import * as Cluster from "./Cluster.ts"
import * as Code from "./Code.ts"
import * as Transfer from "./Transfer.ts"
import * as Units from "./Units.ts"
import { entities, type PoolName, type Reply, reply, type Request } from "./Unit.ts"

export interface Options {
  readonly db: string
  readonly listen: Cluster.Listen
  readonly pools: ReadonlyArray<PoolName>
  readonly workers?: number
  readonly maxAttempts?: number
}

const unavailable = (reason: string) => (error: unknown) =>
  new ClusterUnavailable({ reason: `${reason}: ${error instanceof Error ? error.message : String(error)}` })

const handlers = (options: Options, pool: PoolName, workers: Executor.Pool, slots: Semaphore.Semaphore, name: string) =>
  Effect.gen(function*() {
    const store = yield* Store
    const sql = yield* SqlClient.SqlClient
    const code = Code.fingerprint()
    const maxAttempts = options.maxAttempts ?? 3
    const perform = (request: Request) =>
      Effect.gen(function*() {
        const input = yield* Transfer.get(store, request.input)
        yield* Units.performing(sql, request.unit)
        const outcome = yield* workers.perform(ModulePath.resolve(request.module), request.fn, input)
        if (outcome._tag !== "Succeeded") return reply(outcome)
        const output = yield* Transfer.put(store, outcome.output)
        return { _tag: "Succeeded", output } as const
      }).pipe(
        Effect.catch((error): Effect.Effect<Reply> => Effect.succeed({ _tag: "Died", message: `on runner ${name}: ${error.message}` }))
      )
    return {
      Perform: ({ payload }: { readonly payload: Request }) =>
        Effect.gen(function*() {
          const task = `${payload.fn} (${payload.module})`
          if (payload.code !== code) return yield* new CodeMismatch({ task, runner: name, expected: payload.code, actual: code })
          if (payload.store !== store.root) {
            return yield* new ClusterUnavailable({ reason: `runner ${name} serves the store ${store.root}, not ${payload.store}: start runners with the coordinator's --store (a shared folder, at the same path on every machine)` })
          }
          const begun = yield* Units.begin(sql, { unit: payload.unit, task, pool, runner: name }).pipe(Effect.mapError(unavailable("recording the attempt")))
          // Finished before, its reply lost with the runner that sent it: answer with what it recorded.
          if (begun.output !== null) return { _tag: "Succeeded", output: begun.output } as const
          if (begun.attempts > maxAttempts) return yield* new UnitAbandoned({ task, unit: payload.unit, attempts: begun.attempts - 1 })
          Fault.point("runner unit started")
          const answer = yield* perform(payload).pipe(
            // An interrupted delivery (this runner shutting down) did not end the runner: it does not count.
            Effect.onInterrupt(() => Effect.ignore(Units.uncount(sql, payload.unit)))
          )
          yield* Units.finish(sql, payload.unit, answer._tag, answer._tag === "Succeeded" ? answer.output : null).pipe(
            Effect.mapError(unavailable("recording the outcome"))
          )
          Fault.point("runner unit recorded")
          return answer
        }).pipe(Semaphore.withPermits(slots, 1))
    }
  })

/** The runner's entities on a worker pool, over the cluster's runner sharding. */
export const layer = (options: Options) => {
  const name = `${os.hostname()}:${(options.listen.advertise ?? options.listen).port}`
  const entityLayers = Layer.unwrap(Effect.gen(function*() {
    // cpu units share the runner's worker threads; gpu units get one thread of their own, so a runner
    // holds one model session on its GPU however many CPU workers it has.
    const [first, ...rest] = yield* Effect.forEach(options.pools, (pool) =>
      Effect.gen(function*() {
        const workers = yield* Executor.pool(pool === "gpu" ? { workers: 1 } : options.workers === undefined ? {} : { workers: options.workers })
        // A delivery holds a slot from its count to its reply, so only units really being worked on are begun.
        const slots = yield* Semaphore.make(workers.size)
        return entities[pool].toLayer(Effect.map(handlers(options, pool, workers, slots, name), (h) => entities[pool].of(h)), { maxIdleTime: "10 seconds" })
      }))
    return rest.reduce((all, one) => Layer.merge(all, one), first!)
  }))
  return entityLayers.pipe(Layer.provideMerge(Units.layer), Layer.provideMerge(Cluster.runner(options.db, options.listen, options.pools)))
}
