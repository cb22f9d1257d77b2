/** `cole ablate`: a cross product of layer choices over shared upstream results, one row per combination. */
import { writeFileSync } from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { tempDir } from "../helpers.ts"
import { cole, unitStatuses } from "./cli.ts"

describe("cole ablate", () => {
  it("runs two axes over the verbosity ablation; each code text and embedding is computed once", async () => {
    const store = path.join(tempDir(), "store")
    const args = ["ablate", "verbosity", "--store", store, "--axis", "mode=exclude-helper,helper", "--axis", "loss=hinge,mse", "--axis", "epochs=10",
      "--repeats", "1", "--budgets", "14", "--workers", "1", "--json"]
    const r = await cole(args)
    expect(r.code, r.stderr).toBe(0)
    const summary = JSON.parse(r.stdout)
    expect(summary.ablation).toBe("verbosity")
    expect(summary.configurations.map((c: { name: string }) => c.name)).toEqual([
      "hashed-ngram · exclude-helper · pca128 · hinge · 10 ep",
      "hashed-ngram · exclude-helper · pca128 · mse · 10 ep",
      "hashed-ngram · helper · pca128 · hinge · 10 ep",
      "hashed-ngram · helper · pca128 · mse · 10 ep"
    ])
    // Every configuration against the base (the first), at every budget.
    expect(summary.tests.map((t: { a: string }) => t.a)).toEqual(Array(3).fill(summary.configurations[0].name))
    expect(summary.tests.every((t: { budgets: Array<unknown> }) => t.budgets.length === 1)).toBe(true)
    // Upstream: one architectures list and objective, one code text and one embedding per mode.
    expect(unitStatuses(store, "architectures")).toEqual([["computed"]])
    expect(unitStatuses(store, "evaluate")).toEqual([["computed"]])
    expect(unitStatuses(store, "transpile")).toEqual([["computed", "computed"]])
    expect(unitStatuses(store, "embed")).toEqual([["computed", "computed"]])
    expect(unitStatuses(store, "cross-validate")).toEqual([Array(4).fill("computed")])

    // A third mode reuses everything the first run made.
    const more = await cole([...args.slice(0, 4), "--axis", "mode=exclude-helper,helper,inline", ...args.slice(6)])
    expect(more.code, more.stderr).toBe(0)
    expect(JSON.parse(more.stdout).configurations).toHaveLength(6)
    expect(unitStatuses(store, "transpile")[1]!.sort()).toEqual(["computed", "hit", "hit"])
    expect(unitStatuses(store, "cross-validate")[1]!.filter((s) => s === "hit")).toHaveLength(4)

    const unknown = await cole(["ablate", "verbosity", "--store", store, "--axis", "width=1,2"])
    expect(unknown.stderr.trim()).toBe("cole: --axis width=1,2: \"width\" is not an axis; expected one of representation, mode, addon, pooling, reducer, head, loss, epochs")
    const needsModel = await cole(["ablate", "pooling", "--store", store], { COLE_MODEL: "" })
    expect(needsModel.code).not.toBe(0)
  }, 240_000)

  it("ablates a search on NB201: strategy × representation, every arm on the same trial seeds", async () => {
    const dir = tempDir()
    const file = path.join(dir, "strategy.ts")
    writeFileSync(file, `export default ${JSON.stringify({
      kind: "search",
      name: "strategy",
      question: "which strategy and representation find good cells sooner?",
      objective: "cifar100_test",
      base: { representation: "path-naslib", algorithm: "bananas", preset: "cole-paper" },
      axes: { algorithm: ["bananas", "random"], representation: ["path-naslib", "onehot30"] },
      trials: 2,
      budget: 30,
      epochs: 5
    })}\n`)
    const r = await cole(["ablate", file, "--store", path.join(dir, "store"), "--workers", "1", "--json"])
    expect(r.code, r.stderr).toBe(0)
    const summary = JSON.parse(r.stdout)
    expect(summary.arms.map((a: { name: string; trials: number }) => [a.name, a.trials])).toEqual([
      ["BANANAS · path-naslib · cole-paper", 2],
      ["BANANAS · onehot30 · cole-paper", 2],
      ["random · path-naslib · cole-paper", 2],
      ["random · onehot30 · cole-paper", 2]
    ])
    expect(summary.optimum).toBeCloseTo(73.51, 2)
    // Random search ignores the representation: its two arms are the same trials.
    expect(summary.arms[2].reported).toEqual(summary.arms[3].reported)
    const wrong = await cole(["ablate", file, "--store", path.join(dir, "store"), "--axis", "loss=hinge,mse"])
    expect(wrong.stderr.trim()).toBe("cole: --axis loss=hinge,mse: \"loss\" is not an axis; expected one of representation, algorithm, preset, reducer, head")
  }, 240_000)
})
