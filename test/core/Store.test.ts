import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Option } from "effect"
import type { Manifest } from "../../schemas/Store.ts"
import * as Cache from "../../src/core/Cache.ts"
import * as Hash from "../../src/core/Hash.ts"
import * as Store from "../../src/core/Store.ts"
import { tempDir } from "../helpers.ts"

const manifestFor = (step: string, key: string, blob: Store.BlobInfo): Manifest => ({
  step,
  key,
  preimage: { keyFormat: 1, step, implementation: "x", version: 1, params: {}, inputs: {}, environment: {} },
  outputs: { out: { ...blob, table: "t" } },
  inputs: {},
  createdAt: new Date().toISOString(),
  durationMs: 1,
  runId: "r"
})

describe("Store", () => {
  it.effect("refuses an empty store path, and fails at once where the directory cannot be made (no endless mkdir under /proc)", () =>
    Effect.gen(function*() {
      const empty = yield* Effect.flip(Effect.provide(Effect.service(Store.Store), Store.layer("")))
      assert.strictEqual(empty._tag, "InvalidStorePath")
      assert.match(empty.message, /^store path "": expected a directory path/)
      const started = Date.now()
      const proc = yield* Effect.flip(Effect.provide(Effect.service(Store.Store), Store.layer("/proc/cole-no-store/a")))
      assert.strictEqual(proc._tag, "StoreIOError")
      assert.match(proc.message, /^store init failed for \/proc\/cole-no-store\/a: ENOENT/)
      assert.isBelow(Date.now() - started, 5000)
      // A nested path that can be made is made, parents included.
      const nested = path.join(tempDir(), "a", "b", "store")
      yield* Effect.provide(Effect.service(Store.Store), Store.layer(nested))
      assert.deepStrictEqual(readdirSync(nested), ["tmp"])
    }))

  it.effect("stores blobs under their digest and reads them back verified", () =>
    Effect.gen(function*() {
      const store = Store.make(tempDir())
      yield* store.init
      const bytes = new TextEncoder().encode("hello")
      const blob = yield* store.putBlob(bytes)
      assert.strictEqual(blob.digest, Hash.sha256(bytes))
      assert.strictEqual(path.basename(store.blobPath(blob.digest)), Hash.hex(blob.digest))
      assert.deepStrictEqual(Array.from(yield* store.readBlob(blob.digest)), Array.from(bytes))
      // Writing the same content again is a no-op, not a second file.
      yield* store.putBlob(bytes)
      assert.strictEqual((yield* store.blobs).length, 1)
      assert.deepStrictEqual(readdirSync(store.tmp), [])
    }))

  it.effect("a committed manifest is a hit; one whose blob is missing is a miss, not an error", () =>
    Effect.gen(function*() {
      const store = Store.make(tempDir())
      yield* store.init
      const blob = yield* store.putBlob(new Uint8Array([1, 2, 3]))
      yield* store.commit(manifestFor("s", "k1", blob))
      assert.isTrue(Option.isSome(yield* store.lookup("s", "k1")))
      assert.isTrue(Option.isNone(yield* store.lookup("s", "other")))
      rmSync(store.blobPath(blob.digest))
      assert.isTrue(Option.isNone(yield* store.lookup("s", "k1")))
      // A blob truncated to another size is also a miss.
      const again = yield* store.putBlob(new Uint8Array([1, 2, 3]))
      writeFileSync(store.blobPath(again.digest), new Uint8Array([1]))
      assert.isTrue(Option.isNone(yield* store.lookup("s", "k1")))
    }))

  it.effect("an unparseable manifest is a miss", () =>
    Effect.gen(function*() {
      const store = Store.make(tempDir())
      yield* store.init
      const blob = yield* store.putBlob(new Uint8Array([9]))
      yield* store.commit(manifestFor("s", "k", blob))
      writeFileSync(store.entryPath("s", "k"), "{ half a manif")
      assert.isTrue(Option.isNone(yield* store.lookup("s", "k")))
    }))

  it.effect("detects a corrupt blob on read and quarantines it; verify finds the rest", () =>
    Effect.gen(function*() {
      const store = Store.make(tempDir())
      yield* store.init
      const a = yield* store.putBlob(new TextEncoder().encode("alpha"))
      const b = yield* store.putBlob(new TextEncoder().encode("bravo"))
      yield* store.commit(manifestFor("s", "a", a))
      yield* store.commit(manifestFor("s", "b", b))
      writeFileSync(store.blobPath(a.digest), "alphA")
      writeFileSync(store.blobPath(b.digest), "bravO")

      const read = yield* Effect.exit(store.readBlob(a.digest))
      assert.isTrue(Exit.isFailure(read))
      const error = yield* Effect.flip(store.readBlob(a.digest))
      assert.strictEqual(error._tag, "MissingBlob") // already moved aside by the first read

      const report = yield* Cache.verify(store)
      assert.deepStrictEqual(report.corrupt.map((c) => c.digest), [b.digest])
      assert.deepStrictEqual(report.broken.map((x) => x.key).sort(), ["a", "b"])
      assert.strictEqual(readdirSync(store.dir("quarantine")).length, 2)
      assert.strictEqual(readFileSync(report.corrupt[0]!.quarantinedTo, "utf8"), "bravO")
      // Both entries are now misses and will recompute.
      assert.isTrue(Option.isNone(yield* store.lookup("s", "a")))
      assert.isTrue(Option.isNone(yield* store.lookup("s", "b")))
    }))

  it.effect("verify of a healthy store reports nothing", () =>
    Effect.gen(function*() {
      const store = Store.make(tempDir())
      yield* store.init
      yield* store.commit(manifestFor("s", "a", yield* store.putBlob(new Uint8Array(1000))))
      const report = yield* Cache.verify(store)
      assert.deepStrictEqual([report.blobs, report.entries, report.corrupt.length, report.broken.length, report.unreadable.length], [1, 1, 0, 0, 0])
    }))

  it.effect("rejects ref names that could escape the store", () =>
    Effect.gen(function*() {
      const store = Store.make(tempDir())
      yield* store.init
      const problems = ["../x", "a/../../b", "Upper", "", "a//b", "x".repeat(201)].map((bad) =>
        Effect.runSync(Effect.flip(Store.checkName("ref", bad))).problem)
      assert.deepStrictEqual(problems, [
        `".." would leave its folder`,
        `".." would leave its folder`,
        `"U" is not allowed`,
        "it is empty",
        "it has an empty part ('//', or '/' at an end)",
        "it is 201 characters long"
      ])
      yield* store.setRef("paper/figure-3", [{ step: "s", key: "k" }])
      assert.deepStrictEqual((yield* store.getRef("paper/figure-3")).entries, [{ step: "s", key: "k" }])
      const missing = yield* Effect.flip(store.getRef("nope"))
      assert.match(missing.message, /known refs: paper\/figure-3/)
    }))
})
