import { threadId } from "node:worker_threads"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Executor, inline, local } from "../../src/core/Executor.ts"
import { Diverged } from "../fixtures/tasks.ts"

const tasks = new URL("../fixtures/tasks.ts", import.meta.url).href
const squares = { module: tasks, fn: "squares" }
const explode = { module: tasks, fn: "explode" }
const train = { module: tasks, fn: "train", errors: Diverged }
const misbehave = { module: tasks, fn: "misbehave", errors: Diverged }

// Both executors must report errors the same way: a declared one decoded, the rest as TaskFailed.
const typedErrors = Effect.gen(function*() {
  const executor = yield* Executor
  const ok = yield* executor.run<{ epochs: number; divergeAt: number }, { epochs: number }, Diverged>(train, { epochs: 3, divergeAt: 9 })
  assert.deepStrictEqual(ok, { epochs: 3 })
  const caught = yield* executor.run(train, { epochs: 3, divergeAt: 1 }).pipe(
    Effect.catchTag("Diverged", (e) => Effect.succeed(e))
  )
  assert.instanceOf(caught, Diverged)
  assert.deepStrictEqual([caught.epoch, caught.loss, caught.message], [1, 1e30, "training diverged at epoch 1 (loss 1e+30)"])
  const undeclared = yield* Effect.flip(executor.run(misbehave, { detail: "odd" }))
  assert.strictEqual(undeclared._tag, "TaskFailed")
  assert.match(undeclared.message, /^task misbehave \(.*tasks\.ts\) failed: /)
  const thrown = yield* Effect.flip(executor.run(explode, { why: "stack" }))
  assert.match(thrown._tag === "TaskFailed" ? thrown.stack ?? "" : "", /exploded: stack\n\s+at explode .*tasks\.ts/)
})

describe("Executor", () => {
  it.live("local runs TypeScript tasks on worker threads, at most `workers` at a time", () =>
    Effect.gen(function*() {
      const executor = yield* Executor
      assert.strictEqual(executor.concurrency, 2)
      const results = yield* Effect.forEach(
        [3, 4, 5, 6],
        (n) => executor.run<{ n: number }, { values: Float64Array; thread: number }>(squares, { n }),
        { concurrency: "unbounded" }
      )
      assert.deepStrictEqual(Array.from(results[1]!.values), [0, 1, 4, 9])
      assert.isTrue(results.every((r) => r.thread !== threadId && r.values instanceof Float64Array))
      assert.isAtMost(new Set(results.map((r) => r.thread)).size, 2)
    }).pipe(Effect.provide(local({ workers: 2 }))))

  it.live("a task that throws is a typed failure naming the task, and the pool recovers", () =>
    Effect.gen(function*() {
      const executor = yield* Executor
      const error = yield* Effect.flip(executor.run(explode, { why: "on purpose" }))
      assert.strictEqual(error._tag, "TaskFailed")
      assert.match(error.message, /^task explode \(.*tasks\.ts\) failed: exploded: on purpose$/)
      const after = yield* executor.run<{ n: number }, { values: Float64Array }>(squares, { n: 2 })
      assert.deepStrictEqual(Array.from(after.values), [0, 1])
    }).pipe(Effect.provide(local({ workers: 1 }))))

  it.live("a task's declared Schema tagged error crosses the thread decoded, to be caught by its tag", () =>
    typedErrors.pipe(Effect.provide(local({ workers: 1 }))))

  it.live("inline reports typed errors exactly as the worker pool does", () => typedErrors.pipe(Effect.provide(inline)))

  it.live("inline runs the same tasks in this thread", () =>
    Effect.gen(function*() {
      const executor = yield* Executor
      const result = yield* executor.run<{ n: number }, { thread: number }>(squares, { n: 1 })
      assert.strictEqual(result.thread, threadId)
      const missing = yield* Effect.flip(executor.run({ module: squares.module, fn: "nope" }, {}))
      assert.match(missing.message, /no exported function nope/)
    }).pipe(Effect.provide(inline)))
})
