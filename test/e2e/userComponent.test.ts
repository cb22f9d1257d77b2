/**
 * A user's own components (test/fixtures/toyComponents.ts, written against the public kinds, no
 * change to src/) in `cole cv`, `cole search` and `cole ablate`, on worker threads. The toy reducer
 * keeping every column is the identity, so its results must equal `none`'s bit for bit.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { repoRoot, tempDir } from "../helpers.ts"
import { cole, unitStatuses } from "./cli.ts"

const TOY = "test/fixtures/toyComponents.ts"
const toy = (name: string) => `${TOY}#${name}`
/** The manifests of a step's cache entries (their key preimages). */
const entries = (store: string, step: string): Array<{ preimage: { params: any } }> =>
  readdirSync(path.join(store, "entries", step), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(path.join(store, "entries", step, f), "utf8")))

const cvArgs = (store: string) => ["cv", "--store", store, "--repeats", "1", "--budgets", "20,60", "--epochs", "5", "--workers", "2", "--json"]

describe("a user's own reducer and head", () => {
  it("cv: the toy reducer equals none; the k-NN head ranks; both ran on the workers; bad refs are one line", async () => {
    const store = path.join(tempDir(), "store")
    const r = await cole([...cvArgs(store), "--reducer", "none", "--compare", `reducer=${toy("firstColumns")}`, "--compare", `head=${toy("nearestNeighbours")}`])
    expect(r.code, r.stderr).toBe(0)
    const [none, first, knn] = JSON.parse(r.stdout).configurations as Array<{ name: string; budgets: Array<{ budget: number; meanTau: number }> }>
    expect(first!.name).toBe(`path-naslib · ${toy("firstColumns")} · hinge · 5 ep`)
    expect(first!.budgets).toEqual(none!.budgets)
    expect(knn!.name).toBe(`path-naslib · none · ${toy("nearestNeighbours")}`)
    expect(knn!.budgets.find((b) => b.budget === 60)!.meanTau).toBeGreaterThan(0.2)
    // The trials' keys carry the components' identities, a user's module with its content's fingerprint.
    const heads = entries(store, "cross-validate.trial").map((e) => e.preimage.params.head)
    expect(new Set(heads.map((h) => h.name))).toEqual(new Set(["cole-mlp", "nearest-neighbours"]))
    expect(heads.filter((h) => h.name === "nearest-neighbours").every((h) => /^[0-9a-f]{64}$/.test(h.fingerprint))).toBe(true)
    expect(heads.filter((h) => h.name === "cole-mlp").every((h) => h.fingerprint === undefined)).toBe(true)

    // Params by JSON; the same component with other params is another result.
    const k1 = await cole([...cvArgs(store), "--reducer", "none", "--head", JSON.stringify({ use: toy("nearestNeighbours"), params: { k: 1 } })])
    expect(k1.code, k1.stderr).toBe(0)
    expect(JSON.parse(k1.stdout).configurations[0].budgets).not.toEqual(knn!.budgets)

    // A bad ref is one line before anything runs (each kind of mistake: test/core/Component.test.ts).
    const noExport = await cole([...cvArgs(store), "--head", `${TOY}#nothing`])
    expect(noExport.code).not.toBe(0)
    expect(noExport.stderr.trim()).toMatch(/^cole: component test\/fixtures\/toyComponents\.ts#nothing: .*toyComponents\.ts has no component export "nothing" \(exports: firstColumns, nearestNeighbours, tenAtATime\)$/)
  }, 240_000)

  it("search: the toy head drives BANANAS; the toy reducer equals none; the toy strategy equals random search", async () => {
    const store = path.join(tempDir(), "store")
    const args = ["search", "--store", store, "--trials", "2", "--budget", "30", "--epochs", "5", "--workers", "2", "--json"]
    const knn = await cole([...args, "--head", toy("nearestNeighbours")])
    expect(knn.code, knn.stderr).toBe(0)
    expect(JSON.parse(knn.stdout).arms[0].name).toBe(`BANANAS · path-naslib · cole-paper · ${toy("nearestNeighbours")}`)
    const none = await cole([...args, "--reducer", "none"])
    const first = await cole([...args, "--reducer", toy("firstColumns")])
    expect(first.code, first.stderr).toBe(0)
    const curve = (text: string) => JSON.parse(text).arms[0].reported
    expect(curve(first.stdout)).toEqual(curve(none.stdout))
    const random = await cole([...args, "--algorithm", "random"])
    const batched = await cole([...args, "--algorithm", toy("tenAtATime")])
    expect(batched.code, batched.stderr).toBe(0)
    expect(curve(batched.stdout)).toEqual(curve(random.stdout))
    expect(entries(store, "search.batch").filter((e) => e.preimage.params.components.algorithm.name === "ten-at-a-time")).toHaveLength(2 * 3)
    // Every fit after the initial design was the toy head's.
    const batches = entries(store, "search.batch").filter((e) => e.preimage.params.components.head.name === "nearest-neighbours")
    expect(batches.length).toBeGreaterThan(2)
  }, 240_000)

  it("ablate: an ablation file names the toy head by a path relative to itself, against the built-in MLP", async () => {
    const dir = tempDir()
    const file = path.join(dir, "heads.ts")
    const module = path.relative(dir, path.join(repoRoot, TOY))
    writeFileSync(file, `export default ${JSON.stringify({
      name: "heads",
      question: "does a k-NN head rank as well as the MLP?",
      objective: "cifar100_test",
      base: { representation: "path-naslib", reducer: "none", loss: "hinge", epochs: 5 },
      axes: { head: ["mlp", `${module}#nearestNeighbours`, { use: `${module}#nearestNeighbours`, params: { k: 15 } }] },
      repeats: 1,
      budgets: [20, 60]
    })}\n`)
    const store = path.join(dir, "store")
    const r = await cole(["ablate", file, "--store", store, "--workers", "2", "--json"])
    expect(r.code, r.stderr).toBe(0)
    const names = JSON.parse(r.stdout).configurations.map((c: { name: string }) => c.name)
    expect(names).toEqual([
      "path-naslib · none · hinge · 5 ep",
      `path-naslib · none · ${path.join(repoRoot, TOY)}#nearestNeighbours`,
      `path-naslib · none · ${path.join(repoRoot, TOY)}#nearestNeighbours(k=15)`
    ])
    expect(unitStatuses(store, "cross-validate")).toEqual([Array(3).fill("computed")])
  }, 240_000)
})
