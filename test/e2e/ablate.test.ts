/** `cole ablate`: a cross product of layer choices over shared upstream results, one row per combination. */
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
    expect(unknown.stderr.trim()).toBe("cole: --axis width=1,2: \"width\" is not an axis; expected one of representation, mode, addon, pooling, reducer, loss, epochs")
    const needsModel = await cole(["ablate", "pooling", "--store", store], { COLE_MODEL: "" })
    expect(needsModel.code).not.toBe(0)
  }, 240_000)
})
