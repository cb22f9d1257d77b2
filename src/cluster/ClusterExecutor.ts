/**
 * `Executor.cluster`: tasks as persisted unit messages, performed by runners (`cole runner`). The
 * pipeline is unchanged: a step asks the Executor for a unit's output exactly as with worker threads,
 * and this process keeps holding the unit's key lease and publishes its manifest, so the store's
 * exactly-once publish and crash guarantees hold as they do locally. Only the work moves.
 *
 * A unit's message id is its content (task, code fingerprint, input digest): a coordinator killed and
 * restarted sends the same ids again, and a unit a runner already answered returns that answer at
 * once instead of running again.
 */
import { Effect, Layer, Schema } from "effect"
import * as SqlClient from "effect/sql/SqlClient"
import { ClusterUnavailable, CodeMismatch, Executor, type Task, TaskFailed, UnitAbandoned, settle, describe } from "../core/Executor.ts"
import * as ModulePath from "../core/ModulePath.ts"
import * as Hash from "../core/Hash.ts"
import type { StoreIOError } from "../core/Files.ts"
import { type CorruptBlob, type MissingBlob, Store } from "../core/Store.ts"
import type * as TaskOutcome from "../core/TaskOutcome.ts"
import * as Cluster from "./Cluster.ts"
import * as Code from "./Code.ts"
import * as Transfer from "./Transfer.ts"
import * as Units from "./Units.ts"
import { entities, type Reply } from "./Unit.ts"

export interface Options {
  /** The PostgreSQL URL of the cluster. */
  readonly db: string
  /** Units in flight at once (each holds its key lease here while a runner works on it). */
  readonly concurrency?: number
}

const isClusterError = Schema.is(Schema.Union([CodeMismatch, UnitAbandoned, ClusterUnavailable]))

export const layer = (options: Options) =>
  Layer.effect(
    Executor,
    Effect.gen(function*() {
      const store = yield* Store
      const sql = yield* SqlClient.SqlClient
      const clients = { cpu: yield* entities.cpu.client, gpu: yield* entities.gpu.client }
      const code = Code.fingerprint()
      const run = <I, O, E = never>(task: Task<E>, input: I) =>
        Effect.gen(function*() {
          const storeFailed = (error: { readonly message: string }) =>
            new TaskFailed({ task: describe(task), reason: `moving the unit through the store: ${error.message}` })
          const inputDigest = yield* Transfer.put(store, input).pipe(Effect.mapError(storeFailed))
          const module = ModulePath.portable(task.module)
          const request = { module, fn: task.fn, code, input: inputDigest, store: store.root }
          const unit = Hash.hex(Hash.digestJson(request))
          const unavailable = (error: { readonly message: string }) =>
            new ClusterUnavailable({ reason: `unit ${unit.slice(0, 16)} of ${describe(task)}: ${error.message}` })
          const send = (options: { readonly always?: boolean } = {}) =>
            Units.forget(sql, unit, options).pipe(
              Effect.mapError(unavailable),
              Effect.andThen(clients[task.pool ?? "cpu"](unit).Perform({ unit, ...request })),
              Effect.mapError((error) => isClusterError(error) ? error : unavailable(error))
            )
          const outcomeOf = (reply: Reply): Effect.Effect<TaskOutcome.Outcome, CorruptBlob | MissingBlob | StoreIOError> =>
            reply._tag === "Succeeded"
              ? Effect.map(Transfer.get(store, reply.output), (output) => ({ _tag: "Succeeded", output }))
              : Effect.succeed(reply._tag === "Failed" ? { _tag: "Failed", encoded: reply.encoded, message: reply.message, stack: reply.stack } : reply)
          const outcome = yield* send().pipe(
            Effect.flatMap(outcomeOf),
            // An answer from an earlier run whose output blob has since gone (gc): perform it again, once.
            Effect.catchTag("MissingBlob", () => send({ always: true }).pipe(Effect.flatMap(outcomeOf))),
            Effect.mapError((error) => error._tag === "MissingBlob" || error._tag === "CorruptBlob" || error._tag === "StoreIOError" ? storeFailed(error) : error)
          )
          return yield* settle<O, E>(task, outcome)
        })
      return { concurrency: options.concurrency ?? 64, remote: true, run }
    })
  ).pipe(Layer.provide(Units.layer), Layer.provide(Cluster.client(options.db)))
