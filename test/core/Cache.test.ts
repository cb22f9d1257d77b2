import { existsSync, readdirSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import * as Cache from "../../src/core/Cache.ts"
import * as Executor from "../../src/core/Executor.ts"
import * as Files from "../../src/core/Files.ts"
import * as Pipeline from "../../src/core/Pipeline.ts"
import * as Progress from "../../src/core/Progress.ts"
import * as Store from "../../src/core/Store.ts"
import * as Toy from "../fixtures/toySteps.ts"
import { tempDir } from "../helpers.ts"

const toy = (offset: number) =>
  Pipeline.make("toy", Effect.gen(function*() {
    const { numbers } = yield* Pipeline.node(Toy.Source, {})
    yield* Pipeline.node(Toy.Sum, { numbers })
  }), Layer.mergeAll(Toy.source({ n: 4, offset }), Toy.sum({ label: "t" })))

const allFiles = (root: string) => Files.listFiles(root)

const now = { graceMs: 0, keepRuns: 0 }

describe("verify", () => {
  it.live("quarantines an unreadable manifest, so the store verifies clean after and its unit recomputes", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const first = yield* Pipeline.run(toy(1))
      const source = first.report.nodes.find((n) => n.step === "toy/source")!
      writeFileSync(store.entryPath("toy/source", source.key!), "") // truncated to nothing, as by a full disk
      const report = yield* Cache.verify(store)
      assert.deepStrictEqual(report.unreadable.map((u) => path.basename(u.file)), [`${source.key}.json`])
      assert.match(report.unreadable[0]!.quarantinedTo, new RegExp(`quarantine/${source.key}\\.json\\.\\d+$`))
      const again = yield* Cache.verify(store)
      assert.deepStrictEqual([again.unreadable, again.corrupt, again.broken], [[], [], []])
      const rerun = yield* Pipeline.run(toy(1))
      assert.deepStrictEqual(rerun.report.nodes.map((n) => n.status), ["computed", "hit"])
      // Just quarantined, so kept for the grace period; dry run and gc agree, to the file.
      const graced = yield* Cache.gc(store, { dryRun: true, graceMs: 3_600_000, keepRuns: 0 })
      assert.isFalse(graced.deleted.some((d) => d.kind === "quarantine"))
      writeFileSync(store.dir("tmp", "debris"), "left by a crash")
      const dry = yield* Cache.gc(store, { ...now, dryRun: true })
      assert.includeMembers(dry.deleted.map((d) => d.kind), ["quarantine", "tmp"])
      const real = yield* Cache.gc(store, { ...now, dryRun: false })
      assert.deepStrictEqual(real.deleted, dry.deleted)
      assert.strictEqual(real.bytes, dry.bytes)
    }).pipe(Effect.provide(Layer.mergeAll(Store.layer(tempDir()), Executor.inline, Progress.silent))))
})

describe("gc", () => {
  it.live("keeps what a named ref or a live run uses, deletes the rest, and --dry-run deletes nothing", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const kept = yield* Pipeline.run(toy(1))
      yield* store.setRef("keep", kept.report.nodes.map((n) => ({ step: n.step, key: n.key! })))
      const dropped = yield* Pipeline.run(toy(2))
      const live = yield* Pipeline.run(toy(3))
      // Make the third run look alive: its marker exists, names this (live) process, and is fresh.
      writeFileSync(store.dir("runs", `${live.report.runId}.live`), JSON.stringify({ pid: process.pid, host: os.hostname() }))
      assert.strictEqual((yield* store.entries).length, 6)

      const before = yield* allFiles(store.root)
      const dry = yield* Cache.gc(store, { ...now, dryRun: true })
      assert.deepStrictEqual(yield* allFiles(store.root), before)
      const droppedKeys = dropped.report.nodes.map((n) => n.key!)
      const wouldDelete = dry.deleted.filter((d) => d.kind === "entry").map((d) => path.basename(d.path, ".json")).sort()
      assert.deepStrictEqual(wouldDelete, [...droppedKeys].sort())
      assert.isTrue(dry.deleted.every((d) => d.size > 0))
      assert.strictEqual(dry.bytes, dry.deleted.reduce((n, d) => n + d.size, 0))

      const real = yield* Cache.gc(store, { ...now, dryRun: false })
      assert.deepStrictEqual(real.deleted.map((d) => d.path).sort(), dry.deleted.map((d) => d.path).sort())
      for (const run of [kept, live]) {
        for (const n of run.report.nodes) assert.isTrue(Option.isSome(yield* store.lookup(n.step, n.key!)), `${n.id} of ${run.report.runId} survives`)
      }
      for (const n of dropped.report.nodes) assert.isTrue(Option.isNone(yield* store.readManifest(n.step, n.key!)))
      // No surviving manifest names a deleted blob.
      assert.deepStrictEqual((yield* Cache.verify(store)).broken, [])
      // The kept results are hits again.
      const rerun = yield* Pipeline.run(toy(1))
      assert.deepStrictEqual(rerun.report.nodes.map((n) => n.status), ["hit", "hit"])
    }).pipe(Effect.provide(Layer.mergeAll(Store.layer(tempDir()), Executor.inline, Progress.silent))))

  it.live("keeps the producers of a kept entry's inputs, recent runs, and anything within the grace period", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const first = yield* Pipeline.run(toy(1))
      const sumKey = first.report.nodes.find((n) => n.step === "toy/sum")!.key!
      // Only the downstream entry is named; its producer must survive too.
      yield* store.setRef("sum-only", [{ step: "toy/sum", key: sumKey }])
      yield* Pipeline.run(toy(2))
      const recent = yield* Cache.gc(store, { dryRun: true, graceMs: 0, keepRuns: 1 })
      assert.deepStrictEqual(recent.deleted.filter((d) => d.kind === "entry"), [])
      const young = yield* Cache.gc(store, { dryRun: true, graceMs: 3_600_000, keepRuns: 0 })
      assert.deepStrictEqual(young.deleted, [])
      yield* Cache.gc(store, { dryRun: false, graceMs: 0, keepRuns: 0 })
      assert.strictEqual((yield* store.entries).length, 2)
      assert.isTrue(existsSync(store.entryPath("toy/sum", sumKey)))
      assert.deepStrictEqual(readdirSync(store.dir("entries", "toy", "source")).length, 1)
    }).pipe(Effect.provide(Layer.mergeAll(Store.layer(tempDir()), Executor.inline, Progress.silent))))
})
