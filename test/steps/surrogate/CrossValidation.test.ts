import { describe, expect, it } from "vitest"
import { Result } from "effect"
import { encodeAll } from "../../../src/core/Space.ts"
import { nb201 } from "../../../src/spaces/nb201/Nb201.ts"
import { coleMlp } from "../../../src/components/heads/ColeMlp.ts"
import { pca } from "../../../src/components/reducers/Pca.ts"
import * as Cv from "../../../src/steps/surrogate/CrossValidation.ts"
import { nb201Text } from "../../helpers.ts"

describe("cross-validation protocol (docs/surrogate.md)", () => {
  it("bins: the documented vector, and duplicate edges collapse", () => {
    expect(Array.from(Cv.bins([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4])
    expect(Array.from(Cv.bins([5, 5, 5, 5, 5, 5, 5, 9]))).toEqual([0, 0, 0, 0, 0, 0, 0, 1])
  })

  it("budgets: ⌈14,062 / 4^j⌉ = [14, 55, 220, 879, 3516]", () => {
    expect(Cv.budgets(14_062)).toEqual([14, 55, 220, 879, 3516])
    // A small labelled pool: no budget below 10 (budgets of 1 and 2 leave τ undefined).
    expect(Cv.budgets(269)).toEqual([17, 68])
    expect(Cv.budgets(30)).toEqual([30])
  })

  const table = nb201Text("nb201.csv").trim().split("\n").slice(1).map((l) => l.split(","))
  const y = table.map((f) => Number(f[3])) // cifar100_test

  it("folds on NB201: five of 1,563 and five of 1,562 rows, every bin spread within ±1, reproducible per repeat", () => {
    const binOf = Cv.bins(y)
    const fold = Cv.folds(binOf, 0)
    const sizes = Array.from({ length: 10 }, (_, f) => fold.filter((v) => v === f).length).sort()
    expect(sizes).toEqual([1562, 1562, 1562, 1562, 1562, 1563, 1563, 1563, 1563, 1563])
    for (let b = 0; b < 5; b++) {
      const perFold = Array.from({ length: 10 }, (_, f) => fold.filter((v, i) => v === f && binOf[i] === b).length)
      expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(1)
    }
    expect(Array.from(Cv.folds(binOf, 0))).toEqual(Array.from(fold))
    expect(Array.from(Cv.folds(binOf, 1))).not.toEqual(Array.from(fold))
  })

  it("subsamples are nested across budgets and identical for every configuration", () => {
    const p = Cv.permutation(14_062, 2, 3)
    expect(new Set(p).size).toBe(14_062)
    expect(Array.from(Cv.permutation(14_062, 2, 3))).toEqual(Array.from(p))
    expect(Array.from(Cv.permutation(14_062, 2, 4).slice(0, 14))).not.toEqual(Array.from(p.slice(0, 14)))
  })

  it("one trial on path-naslib features ranks held-out architectures (τ well above chance), deterministically", () => {
    const archs = table.map((f) => Result.getOrThrow(nb201.parse(f[1]!)))
    const x = encodeAll(nb201.encodings["path-naslib"]!, archs)
    const fold = Cv.folds(Cv.bins(y), 0)
    const test = [...fold.keys()].filter((i) => fold[i] === 0)
    const pool = [...fold.keys()].filter((i) => fold[i] !== 0)
    const order = Cv.permutation(pool.length, 0, 0)
    const train = Array.from(order.slice(0, 220), (p) => pool[p]!)
    const input = { x, d: 155, y, train, test, seed: 42 }
    const trial = () => Cv.trialWith(pca.make({ components: 128 }), coleMlp.make({ loss: "hinge", epochs: 30 }), input)
    const result = trial()
    expect(result.tau).toBeGreaterThan(0.4)
    expect(trial().tau).toBe(result.tau)
  })
})
