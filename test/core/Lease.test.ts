import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, utimesSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Option } from "effect"
import * as Lease from "../../src/core/Lease.ts"
import * as Store from "../../src/core/Store.ts"
import { tempDir } from "../helpers.ts"

const fast: Lease.Options = { heartbeatMs: 50, staleMs: 60_000, pollMs: 5 }

const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid!

const newStore = Effect.gen(function*() {
  const store = Store.make(tempDir())
  yield* store.init
  return store
})

const writeLease = (store: Store.Store["Service"], step: string, key: string, pid: number, host = os.hostname()) => {
  const file = store.dir("leases", step, `${key}.lease`)
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, JSON.stringify({ owner: "someone", pid, host, runId: "r", acquiredAt: new Date().toISOString() }))
  return file
}

describe("Lease", () => {
  it.live("runs the computation once when many fibers want the same key", () =>
    Effect.gen(function*() {
      const store = yield* newStore
      let result: Option.Option<number> = Option.none()
      let runs = 0
      const work = {
        hit: Effect.sync(() => result),
        compute: Effect.gen(function*() {
          runs++
          yield* Effect.yieldNow
          result = Option.some(42)
          return 42
        })
      }
      const values = yield* Effect.all(Array.from({ length: 8 }, () => Lease.withLease(store, "s", "k", "r", work, fast)), { concurrency: "unbounded" })
      assert.deepStrictEqual(values, Array(8).fill(42))
      assert.strictEqual(runs, 1)
      assert.isFalse(existsSync(store.dir("leases", "s", "k.lease")))
    }))

  it.live("a waiter takes the result published by the holder instead of computing", () =>
    Effect.gen(function*() {
      const store = yield* newStore
      const release = yield* Deferred.make<void>()
      let published = false
      let computedByWaiter = false
      const holder = yield* Effect.forkChild(Lease.withLease(store, "s", "k", "r", {
        hit: Effect.succeed(Option.none<string>()),
        compute: Deferred.await(release).pipe(Effect.andThen(Effect.sync(() => (published = true))), Effect.as("holder"))
      }, fast))
      // Wait until the holder has the lease file, then start the waiter.
      while (!existsSync(store.dir("leases", "s", "k.lease"))) yield* Effect.yieldNow
      const waiter = yield* Effect.forkChild(Lease.withLease(store, "s", "k", "r", {
        hit: Effect.sync(() => published ? Option.some("published") : Option.none()),
        compute: Effect.sync(() => (computedByWaiter = true)).pipe(Effect.as("waiter"))
      }, fast))
      yield* Deferred.succeed(release, undefined)
      assert.strictEqual(yield* Fiber.join(holder), "holder")
      assert.strictEqual(yield* Fiber.join(waiter), "published")
      assert.isFalse(computedByWaiter)
    }))

  it.live("takes over at once a lease whose holder process has died", () =>
    Effect.gen(function*() {
      const store = yield* newStore
      writeLease(store, "s", "k", deadPid())
      const value = yield* Lease.withLease(store, "s", "k", "r", { hit: Effect.succeed(Option.none()), compute: Effect.succeed("mine") }, fast)
      assert.strictEqual(value, "mine")
    }))

  it.live("takes over a lease naming this process's pid that this process does not hold (pid reuse)", () =>
    Effect.gen(function*() {
      const store = yield* newStore
      writeLease(store, "s", "k", process.pid)
      const value = yield* Lease.withLease(store, "s", "k", "r", { hit: Effect.succeed(Option.none()), compute: Effect.succeed("mine") }, fast)
      assert.strictEqual(value, "mine")
    }))

  it.live("takes over a lease from another host once its heartbeat is stale", () =>
    Effect.gen(function*() {
      const store = yield* newStore
      const file = writeLease(store, "s", "k", process.pid, "another-host")
      const old = new Date(Date.now() - 120_000)
      utimesSync(file, old, old)
      const value = yield* Lease.withLease(store, "s", "k", "r", { hit: Effect.succeed(Option.none()), compute: Effect.succeed("mine") }, fast)
      assert.strictEqual(value, "mine")
    }))

  it.live("leaves alone a fresh lease from another host, and one of a live process here however old", () =>
    Effect.gen(function*() {
      const store = yield* newStore
      writeLease(store, "s", "remote", process.pid, "another-host")
      // A long synchronous step cannot heartbeat: on this host a live pid is enough.
      const local = writeLease(store, "s", "local", process.ppid)
      const old = new Date(Date.now() - 120_000)
      utimesSync(local, old, old)
      for (const key of ["remote", "local"]) {
        const attempt = yield* Effect.timeoutOption(
          Lease.withLease(store, "s", key, "r", { hit: Effect.succeed(Option.none()), compute: Effect.succeed("stolen") }, fast),
          "300 millis"
        )
        assert.isTrue(Option.isNone(attempt), key)
      }
    }))
})
