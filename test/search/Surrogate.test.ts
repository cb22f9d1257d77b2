import { describe, expect, it } from "vitest"
import * as Rng from "../../src/core/Rng.ts"
import { fitPredict, type FitInput } from "../../src/search/Surrogate.ts"

// A small synthetic set: 40 rows of 0/1 features, a target that depends on a few of them.
const rng = Rng.make(2, "synthetic")
const d = 30
const x = Float32Array.from({ length: 40 * d }, () => Math.round(rng.next()))
const y = Float64Array.from({ length: 40 }, (_, i) => 60 + 5 * x[i * d]! + 3 * x[i * d + 1]! - 2 * x[i * d + 2]!)
const candidates = x.slice(0, 5 * d)
const input = (o: Partial<FitInput>): FitInput => ({ preset: "naslib-default", epochs: 5, x, y, candidates, d, pca: 0, seed: 1, fit: 1, ...o })

describe("the BANANAS surrogate fit (docs/search.md)", () => {
  it("every member's training MAE falls with training; μ and σ for every candidate", () => {
    const short = fitPredict(input({ epochs: 5 }))
    const long = fitPredict(input({ epochs: 300 }))
    expect(short.mae).toHaveLength(3)
    long.mae.forEach((m, i) => expect(m).toBeLessThan(short.mae[i]!))
    expect(Math.max(...long.mae)).toBeLessThan(2)
    expect(long.mu).toHaveLength(5)
    expect(Array.from(long.sigma).every((s) => s >= 0)).toBe(true)
    // Members differ only by their streams: the ensemble disagrees somewhat.
    expect(Math.max(...long.sigma)).toBeGreaterThan(0)
  })

  it("the cole arm: a fresh PCA of width min(pca, n, d) at every fit", () => {
    expect(fitPredict(input({})).width).toBe(30)
    expect(fitPredict(input({ pca: 128 })).width).toBe(30)
    expect(fitPredict(input({ pca: 8 })).width).toBe(8)
    expect(fitPredict(input({ pca: 128, x: x.slice(0, 20 * d), y: y.slice(0, 20) })).width).toBe(20)
  })

  it("the same seed and fit give the same predictions; another fit index draws other streams", () => {
    expect(Array.from(fitPredict(input({})).mu)).toEqual(Array.from(fitPredict(input({})).mu))
    expect(Array.from(fitPredict(input({ fit: 2 })).mu)).not.toEqual(Array.from(fitPredict(input({})).mu))
  })
})
