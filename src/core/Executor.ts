/**
 * Where sharded work runs. `Executor.local` is a pool of worker threads with bounded concurrency (the
 * embedded default); `Executor.inline` runs tasks in this thread (tests, tiny inputs). A task is a
 * plain exported function of a module, so the same unit can later run on a remote worker.
 */
import * as os from "node:os"
import { Worker } from "node:worker_threads"
import { Context, Data, Effect, Layer, Semaphore } from "effect"

/** A task: an exported function `fn` of the module at `module` (a file URL or absolute path). */
export interface Task {
  readonly module: string
  readonly fn: string
}

export class TaskFailed extends Data.TaggedError("TaskFailed")<{
  readonly task: string
  readonly reason: string
}> {
  override get message() {
    return `task ${this.task} failed: ${this.reason}`
  }
}

export class Executor extends Context.Service<Executor, {
  readonly concurrency: number
  readonly run: <I, O>(task: Task, input: I) => Effect.Effect<O, TaskFailed>
}>()("cole/core/Executor") {}

const describe = (task: Task) => `${task.fn} (${task.module})`

/** Runs tasks in this thread, one at a time. */
export const inline = Layer.succeed(Executor, {
  concurrency: 1,
  run: <I, O>(task: Task, input: I) =>
    Effect.tryPromise({
      try: async () => {
        const mod = await import(task.module)
        if (typeof mod[task.fn] !== "function") throw new Error(`no exported function ${task.fn}`)
        return (await mod[task.fn](input)) as O
      },
      catch: (e) => new TaskFailed({ task: describe(task), reason: e instanceof Error ? e.message : String(e) })
    })
})

const call = <O>(worker: Worker, task: Task, input: unknown) =>
  Effect.callback<O, TaskFailed>((resume) => {
    const fail = (reason: string) => resume(Effect.fail(new TaskFailed({ task: describe(task), reason })))
    const onMessage = (m: { ok: boolean; output?: O; error?: string }) => {
      cleanup()
      resume(m.ok ? Effect.succeed(m.output as O) : fail(m.error ?? "unknown error") as any)
    }
    const onError = (e: Error) => (cleanup(), fail(e.message))
    const onExit = (code: number) => (cleanup(), fail(`worker exited with code ${code}`))
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
        run: <I, O>(task: Task, input: I) =>
          Semaphore.withPermits(semaphore, 1)(
            Effect.acquireUseRelease(
              take,
              (worker) => call<O>(worker, task, input),
              (worker, exit) =>
                Effect.sync(() => {
                  // A worker that failed may be broken: replace it rather than reuse it.
                  if (exit._tag === "Success") idle.push(worker)
                  else {
                    all.delete(worker)
                    void worker.terminate()
                  }
                })
            )
          )
      }
    })
  )
