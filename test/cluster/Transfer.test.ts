/** Values through the store (Transfer.ts), the install's fingerprint (Code.ts), module names and runner flags. */
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import * as Code from "../../src/cluster/Code.ts"
import * as Transfer from "../../src/cluster/Transfer.ts"
import { parseAddress, parsePools } from "../../src/cli/runnerCommand.ts"
import * as ModulePath from "../../src/core/ModulePath.ts"
import * as Store from "../../src/core/Store.ts"
import { repoRoot, tempDir } from "../helpers.ts"

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)

describe("Transfer", () => {
  it("round-trips a task input: typed arrays (large ones as blobs of their own, stored once), arrays, nested data", async () => {
    const store = Store.make(tempDir())
    await run(store.init)
    const x = new Float32Array(40_000).map((_, i) => Math.sin(i))
    const trial = (seed: number) => ({ x, d: 8, y: new Float64Array([1.5, -2, 3]), train: [0, 2], reducer: { module: "file:///m.ts", params: { k: 2 } }, seed })
    const first = await run(Transfer.put(store, trial(1)))
    const second = await run(Transfer.put(store, trial(2)))
    expect(first).not.toBe(second)
    const back = await run(Transfer.get(store, first)) as ReturnType<typeof trial>
    expect(back).toEqual(trial(1))
    expect(back.x).toBeInstanceOf(Float32Array)
    expect(back.y).toBeInstanceOf(Float64Array)
    // Two small envelopes and one copy of the 160 KB matrix, shared by both.
    const blobs = await run(store.blobs)
    expect(blobs.length).toBe(3)
    expect(blobs.filter((b) => b.size === x.byteLength)).toHaveLength(1)
    // The shared matrix is read from the store once: a unit after it gets its own copy from memory.
    rmSync(store.blobPath(blobs.find((b) => b.size === x.byteLength)!.digest))
    const again = await run(Transfer.get(store, second)) as ReturnType<typeof trial>
    expect(again).toEqual(trial(2))
    expect(again.x.buffer).not.toBe(back.x.buffer)
    // A view into a larger buffer travels as its own bytes only.
    const view = new Float32Array(new Float32Array(30_000).fill(7).buffer, 4 * 100, 20_000)
    expect(await run(Effect.flatMap(Transfer.put(store, { view }), (d) => Transfer.get(store, d)))).toEqual({ view })
    // Values that are not objects, and outputs of any shape.
    for (const value of [42, "text", [1, 2, 3], { tau: 0.5, nested: { a: [new Int32Array([1, 2])] } }]) {
      expect(await run(Effect.flatMap(Transfer.put(store, value), (d) => Transfer.get(store, d)))).toEqual(value)
    }
  })
})

describe("Code", () => {
  it("the fingerprint is the code's, wherever it is installed, and changes with any module", () => {
    const copy = (to: string) => {
      for (const part of ["src", "schemas", "kernels/native", "package.json", "steps.lock.json", "data/nb201/SHA256SUMS"]) {
        mkdirSync(path.dirname(path.join(to, part)), { recursive: true })
        cpSync(path.join(repoRoot, part), path.join(to, part), { recursive: true })
      }
      return to
    }
    const a = copy(path.join(tempDir(), "one"))
    const b = copy(path.join(tempDir(), "elsewhere", "two"))
    expect(Code.fingerprintOf(a)).toBe(Code.fingerprintOf(b))
    expect(Code.fingerprintOf(a)).toBe(Code.fingerprint())
    writeFileSync(path.join(b, "src", "core", "Rng.ts"), "// edited\n", { flag: "a" })
    expect(Code.fingerprintOf(b)).not.toBe(Code.fingerprintOf(a))
  })
})

describe("module names and runner flags", () => {
  it("a module inside the install travels relative to it (tasks, built-in components); outside, as it is", () => {
    const inside = new URL("../../src/steps/surrogate/Cv.ts", import.meta.url).href
    expect(ModulePath.portable(inside)).toBe("src/steps/surrogate/Cv.ts")
    expect(ModulePath.resolve("src/steps/surrogate/Cv.ts")).toBe(inside)
    expect(ModulePath.portable("file:///opt/user/head.ts")).toBe("file:///opt/user/head.ts")
    expect(ModulePath.resolve("file:///opt/user/head.ts")).toBe("file:///opt/user/head.ts")
    // A dependency inside the install's node_modules stays absolute (it is not the install's code).
    const dependency = new URL("../../node_modules/effect/package.json", import.meta.url).href
    expect(ModulePath.portable(dependency)).toBe(dependency)
  })

  it("--listen, --advertise and --pools are checked", async () => {
    expect(await run(parseAddress("--listen", "0.0.0.0:34431"))).toEqual({ host: "0.0.0.0", port: 34431 })
    expect(await run(parseAddress("--listen", "[::1]:80"))).toEqual({ host: "::1", port: 80 })
    for (const bad of ["34431", "host:", "host:70000", "a b:1"]) {
      await expect(run(parseAddress("--listen", bad))).rejects.toThrow(`--listen ${bad}: expected HOST:PORT`)
    }
    expect(await run(parsePools("gpu,cpu"))).toEqual(["gpu", "cpu"])
    await expect(run(parsePools("cpu,tpu"))).rejects.toThrow(`--pools cpu,tpu: "tpu" is not a pool; expected cpu, gpu or cpu,gpu`)
  })
})
