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
  /** Which runners may perform it on a cluster: any (`cpu`, the default) or only GPU runners (`gpu`). */
  readonly pool?: "cpu" | "gpu"
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

/** A unit that ended its runner on every attempt (a crash, an out-of-memory kill) and was given up. */
export class UnitAbandoned extends Schema.TaggedError<UnitAbandoned>()("UnitAbandoned", {
  task: Schema.String,
  unit: Schema.String,
  attempts: Schema.Number
}) {
  override get message() {
    return `unit ${this.unit.slice(0, 16)} of ${this.task} was given up after ${this.attempts} attempts: each one ended the runner performing it (a crash or an out-of-memory kill; see the runners' output)`
  }
}

/** A runner whose code differs from the coordinator's: it refuses the unit rather than compute it with other code. */
export class CodeMismatch extends Schema.TaggedError<CodeMismatch>()("CodeMismatch", {
  task: Schema.String,
  runner: Schema.String,
  expected: Schema.String,
  actual: Schema.String
}) {
  override get message() {
    const short = (digest: string) => digest.replace(/^sha256:/, "").slice(0, 16)
    return `runner ${this.runner} refused ${this.task}: its code (fingerprint ${short(this.actual)}) differs from this run's (${short(this.expected)}); install the same version of cole on every machine`
  }
}

/** The cluster could not be reached or used (PostgreSQL down, a message that cannot be stored). */
export class ClusterUnavailable extends Schema.TaggedError<ClusterUnavailable>()("ClusterUnavailable", {
  reason: Schema.String
}) {
  override get message() {
    return `cluster unavailable: ${this.reason}`
  }
}

/** What running a task may fail with besides its own declared errors. */
export type ExecutorError = TaskFailed | UnitAbandoned | CodeMismatch | ClusterUnavailable

export class Executor extends Context.Service<Executor, {
  readonly concurrency: number
  /** Whether tasks run on other processes or machines (a step holding a big resource, a model, then sends work out rather than using its own). */
  readonly remote: boolean
  readonly run: <I, O, E = never>(task: Task<E>, input: I) => Effect.Effect<O, E | ExecutorError>
}>()("cole/core/Executor") {}

export const describe = (task: Task<unknown>) => `${task.fn} (${task.module})`

/** Turns what a task reported into its output or a typed failure, decoding a declared error. */
export const settle = <O, E>(task: Task<E>, outcome: TaskOutcome.Outcome): Effect.Effect<O, E | TaskFailed> => {
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
  remote: false,
  run: <I, O, E = never>(task: Task<E>, input: I) =>
    Effect.promise(() => TaskOutcome.perform(task.module, task.fn, input)).pipe(
      Effect.flatMap((outcome) => settle<O, E>(task, outcome))
    )
})

const call = (worker: Worker, module: string, fn: string, input: unknown) =>
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
    worker.postMessage({ module, fn, input })
  })

/** Worker threads that perform tasks and report each one's raw outcome (a runner's pool, and `local`'s). */
export interface Pool {
  readonly size: number
  readonly perform: (module: string, fn: string, input: unknown) => Effect.Effect<TaskOutcome.Outcome>
}

/** A pool of `workers` threads (default: one per core), started lazily and stopped with the scope. */
export const pool = (options: { readonly workers?: number } = {}) =>
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
    const perform = (module: string, fn: string, input: unknown) =>
      Semaphore.withPermits(semaphore, 1)(
        Effect.acquireUseRelease(
          take,
          (worker) => call(worker, module, fn, input),
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
      )
    return { size, perform } satisfies Pool
  })

/** Tasks on a `pool` of this process's worker threads (the embedded default). */
export const local = (options: { readonly workers?: number } = {}) =>
  Layer.effect(
    Executor,
    Effect.map(pool(options), (workers) => ({
      concurrency: workers.size,
      remote: false,
      run: <I, O, E = never>(task: Task<E>, input: I) =>
        workers.perform(task.module, task.fn, input).pipe(Effect.flatMap((outcome) => settle<O, E>(task, outcome)))
    }))
  )
