/**
 * Where sharded work runs. `Executor.local` is a pool of worker threads with bounded concurrency (the
 * embedded default); `Executor.inline` runs tasks in this thread (tests, tiny inputs). A task is a
 * plain exported function of a module, so the same unit can later run on a remote worker.
 *
 * A task function returns its output (or a promise of it), or an Effect that may fail with a Schema
 * tagged error. Such an error crosses the thread boundary in its Schema-encoded form and is decoded
 * with the task's `errors` schema on this side, so callers `catchTag` it as if it had been raised here.
 * Anything else (a thrown exception, an error the task does not declare) becomes `TaskFailed` with the
 * original message and stack.
 */
import * as os from "node:os"
import { Worker } from "node:worker_threads"
import { Context, Effect, Layer, Schema, Semaphore } from "effect"
import * as TaskOutcome from "./TaskOutcome.ts"

/** A task: an exported function `fn` of the module at `module` (a file URL or absolute path). */
export interface Task<E = never> {
  readonly module: string
  readonly fn: string
  /** The tagged errors the task may fail with (a `Schema.TaggedError` class, or a union of them). */
  readonly errors?: Schema.Decoder<E>
}

export class TaskFailed extends Schema.TaggedError<TaskFailed>()("TaskFailed", {
  task: Schema.String,
  reason: Schema.String,
  stack: Schema.optional(Schema.String)
}) {
  override get message() {
    return `task ${this.task} failed: ${this.reason}`
  }
}

export class Executor extends Context.Service<Executor, {
  readonly concurrency: number
  readonly run: <I, O, E = never>(task: Task<E>, input: I) => Effect.Effect<O, E | TaskFailed>
}>()("cole/core/Executor") {}

const describe = (task: Task<unknown>) => `${task.fn} (${task.module})`

/** Turns what a task reported into its output or a typed failure, decoding a declared error. */
const settle = <O, E>(task: Task<E>, outcome: TaskOutcome.Outcome): Effect.Effect<O, E | TaskFailed> => {
  switch (outcome._tag) {
    case "Succeeded":
      return Effect.succeed(outcome.output as O)
    case "Died":
      return Effect.fail(new TaskFailed({ task: describe(task), reason: outcome.message, stack: outcome.stack }))
    case "Failed": {
      const undeclared = new TaskFailed({ task: describe(task), reason: outcome.message, stack: outcome.stack })
      if (task.errors === undefined) return Effect.fail(undeclared)
      return Schema.decodeUnknownEffect(task.errors)(outcome.encoded).pipe(
        Effect.matchEffect({ onFailure: () => Effect.fail(undeclared), onSuccess: (error) => Effect.fail(error) })
      )
    }
  }
}

/** Runs tasks in this thread, one at a time (the error still goes through its encoded form). */
export const inline = Layer.succeed(Executor, {
  concurrency: 1,
  run: <I, O, E = never>(task: Task<E>, input: I) =>
    Effect.promise(() => TaskOutcome.perform(task.module, task.fn, input)).pipe(
      Effect.flatMap((outcome) => settle<O, E>(task, outcome))
    )
})

const call = (worker: Worker, task: Task<unknown>, input: unknown) =>
  Effect.callback<TaskOutcome.Outcome>((resume) => {
    const died = (message: string) => resume(Effect.succeed(TaskOutcome.died(message)))
    const onMessage = (outcome: TaskOutcome.Outcome) => {
      cleanup()
      resume(Effect.succeed(outcome))
    }
    const onError = (e: Error) => {
      cleanup()
      resume(Effect.succeed(TaskOutcome.died(e.message, e.stack)))
    }
    const onExit = (code: number) => {
      cleanup()
      died(`worker exited with code ${code}`)
    }
    const cleanup = () => {
      worker.off("message", onMessage)
      worker.off("error", onError)
      worker.off("exit", onExit)
    }
    worker.on("message", onMessage).on("error", onError).on("exit", onExit)
    worker.postMessage({ module: task.module, fn: task.fn, input })
  })

/** A pool of `workers` threads (default: one per core), started lazily and stopped with the layer. */
export const local = (options: { readonly workers?: number } = {}) =>
  Layer.effect(
    Executor,
    Effect.gen(function*() {
      const size = Math.max(1, options.workers ?? os.availableParallelism())
      const idle: Array<Worker> = []
      const all = new Set<Worker>()
      yield* Effect.addFinalizer(() => Effect.promise(() => Promise.all([...all].map((w) => w.terminate()))))
      const semaphore = yield* Semaphore.make(size)
      const take = Effect.sync(() => {
        const worker = idle.pop() ?? new Worker(new URL("./worker.mjs", import.meta.url))
        all.add(worker)
        return worker
      })
      return {
        concurrency: size,
        run: <I, O, E = never>(task: Task<E>, input: I) =>
          Semaphore.withPermits(semaphore, 1)(
            Effect.acquireUseRelease(
              take,
              (worker) => call(worker, task, input),
              (worker, exit) =>
                Effect.sync(() => {
                  // A worker whose task died may be broken: replace it rather than reuse it.
                  if (exit._tag === "Success" && exit.value._tag !== "Died") idle.push(worker)
                  else {
                    all.delete(worker)
                    void worker.terminate()
                  }
                })
            )
          ).pipe(Effect.flatMap((outcome) => settle<O, E>(task, outcome)))
      }
    })
  )
