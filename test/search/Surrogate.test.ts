import { describe, expect, it } from "vitest"
import * as Rng from "../../src/core/Rng.ts"
import { mlpEnsemble } from "../../src/components/heads/MlpEnsemble.ts"
import { identity } from "../../src/components/reducers/Identity.ts"
import { pca } from "../../src/components/reducers/Pca.ts"
import { fitPredictWith } from "../../src/search/Surrogate.ts"

// A small synthetic set: 40 rows of 0/1 features, a target that depends on a few of them.
const rng = Rng.make(2, "synthetic")
const d = 30
const x = Float32Array.from({ length: 40 * d }, () => Math.round(rng.next()))
const y = Float64Array.from({ length: 40 }, (_, i) => 60 + 5 * x[i * d]! + 3 * x[i * d + 1]! - 2 * x[i * d + 2]!)
const candidates = x.slice(0, 5 * d)
const reducer = (components?: number) => (components === undefined ? identity.make({}) : pca.make({ components }))
const run = (o: { epochs?: number; pca?: number; x?: Float32Array; y?: Float64Array; candidates?: Float32Array; fit?: number }) =>
  fitPredictWith(reducer(o.pca), mlpEnsemble.make({ preset: "naslib-default", epochs: o.epochs ?? 5 }), {
    x: o.x ?? x, y: o.y ?? y, candidates: o.candidates ?? candidates, d, seed: 1, fit: o.fit ?? 1
  })

describe("the BANANAS surrogate fit (docs/search.md)", () => {
  it("the ensemble's training error falls with training; μ and σ for every candidate", () => {
    const mae = (epochs: number) => {
      const { mu } = run({ epochs, candidates: x })
      return mu.reduce((s, m, i) => s + Math.abs(m - y[i]!), 0) / mu.length
    }
    expect(mae(300)).toBeLessThan(mae(5))
    expect(mae(300)).toBeLessThan(2)
    const long = run({ epochs: 300 })
    expect(long.mu).toHaveLength(5)
    expect(Array.from(long.sigma).every((s) => s >= 0)).toBe(true)
    // Members differ only by their streams: the ensemble disagrees somewhat.
    expect(Math.max(...long.sigma)).toBeGreaterThan(0)
  })

  it("the cole arm: a fresh PCA of width min(pca, n, d) at every fit", () => {
    expect(run({}).width).toBe(30)
    expect(run({ pca: 128 }).width).toBe(30)
    expect(run({ pca: 8 }).width).toBe(8)
    expect(run({ pca: 128, x: x.slice(0, 20 * d), y: y.slice(0, 20) }).width).toBe(20)
  })

  it("the same seed and fit give the same predictions; another fit index draws other streams", () => {
    expect(Array.from(run({}).mu)).toEqual(Array.from(run({}).mu))
    expect(Array.from(run({ fit: 2 }).mu)).not.toEqual(Array.from(run({}).mu))
  })
})
