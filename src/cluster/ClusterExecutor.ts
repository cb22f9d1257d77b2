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
import * as path from "node:path"
import { Effect, Layer, Schema } from "effect"
import { ClusterUnavailable, CodeMismatch, Executor, type Task, TaskFailed, UnitAbandoned, settle, describe } from "../core/Executor.ts"
import * as Fingerprint from "../core/Fingerprint.ts"
import * as Hash from "../core/Hash.ts"
import { Store } from "../core/Store.ts"
import type * as TaskOutcome from "../core/TaskOutcome.ts"
import * as Cluster from "./Cluster.ts"
import * as Code from "./Code.ts"
import * as Transfer from "./Transfer.ts"
import { entities } from "./Unit.ts"

export interface Options {
  /** The PostgreSQL URL of the cluster. */
  readonly db: string
  /** Units in flight at once (each holds its key lease here while a runner works on it). */
  readonly concurrency?: number
}

/** A module inside the install, named relative to it, so a runner installed elsewhere finds its own copy. */
export const portableModule = (module: string) => {
  const file = module.startsWith("file:") ? new URL(module).pathname : module
  const relative = path.relative(Fingerprint.projectRoot, file)
  return relative.startsWith("..") || path.isAbsolute(relative) ? module : relative.split(path.sep).join("/")
}

const isClusterError = Schema.is(Schema.Union([CodeMismatch, UnitAbandoned, ClusterUnavailable]))

export const layer = (options: Options) =>
  Layer.effect(
    Executor,
    Effect.gen(function*() {
      const store = yield* Store
      const clients = { cpu: yield* entities.cpu.client, gpu: yield* entities.gpu.client }
      const code = Code.fingerprint()
      const run = <I, O, E = never>(task: Task<E>, input: I) =>
        Effect.gen(function*() {
          const storeFailed = (error: { readonly message: string }) =>
            new TaskFailed({ task: describe(task), reason: `moving the unit through the store: ${error.message}` })
          const inputDigest = yield* Transfer.put(store, input).pipe(Effect.mapError(storeFailed))
          const module = portableModule(task.module)
          const request = { module, fn: task.fn, code, input: inputDigest, store: store.root }
          const unit = Hash.hex(Hash.digestJson(request))
          const reply = yield* clients[task.pool ?? "cpu"](unit).Perform({ unit, ...request }).pipe(
            Effect.mapError((error) =>
              isClusterError(error) ? error : new ClusterUnavailable({ reason: `unit ${unit.slice(0, 16)} of ${describe(task)}: ${error.message}` })
            )
          )
          const outcome: TaskOutcome.Outcome = reply._tag === "Succeeded"
            ? { _tag: "Succeeded", output: yield* Transfer.get(store, reply.output).pipe(Effect.mapError(storeFailed)) }
            : reply._tag === "Failed"
            ? { _tag: "Failed", encoded: reply.encoded, message: reply.message, stack: reply.stack }
            : reply
          return yield* settle<O, E>(task, outcome)
        })
      return { concurrency: options.concurrency ?? 64, remote: true, run }
    })
  ).pipe(Layer.provide(Cluster.client(options.db)))
