import { describe, expect, it } from "vitest"
import * as Rng from "../../src/core/Rng.ts"
import * as Acquisition from "../../src/search/Acquisition.ts"

const one = (predictions: Array<number>) => Acquisition.moments(predictions.map((p) => [p]), 1)

describe("acquisition functions (docs/search.md)", () => {
  // predictions, y*, μ, σ, ei (c = 5), ei (c = 1), ucb
  it.each([
    [[90, 92], 90.8, 91, 1, 0.2166631, 0.5068946, 91.5],
    [[90, 92], 91.0, 91, 1, 0.0797885, 0.3989423, 91.5],
    [[90, 92], 91.2, 91, 1, 0.0166631, 0.3068946, 91.5],
    [[90, 91, 92], 91.0, 91, 0.8164966, 0.065147, 0.325735, 91.4082483],
    [[90, 91, 92], 90.8, 91, 0.8164966, 0.2087061, 0.4354585, 91.4082483],
    [[91, 91, 91], 90.5, 91, 0, 0.5, 0.5, 91],
    [[91, 91, 91], 91.5, 91, 0, 0, 0, 91]
  ])("%j, y* = %s: μ %s, σ %s, EI %s (c = 1: %s), UCB %s", (predictions, best, mu, sigma, ei, ei1, ucb) => {
    const m = one(predictions)
    expect(m.mu[0]).toBeCloseTo(mu, 7)
    expect(m.sigma[0]).toBeCloseTo(sigma, 7)
    const rng = Rng.make(0, "unused")
    expect(Acquisition.values("ei", m.mu, m.sigma, best, rng)[0]).toBeCloseTo(ei, 6)
    expect(Acquisition.values("ei", m.mu, m.sigma, best, rng, { beta: 0.5, calibration: 1 })[0]).toBeCloseTo(ei1, 6)
    expect(Acquisition.values("ucb", m.mu, m.sigma, best, rng)[0]).toBeCloseTo(ucb, 7)
    expect(Acquisition.values("exploit", m.mu, m.sigma, best, rng)[0]).toBe(mu)
  })

  it("ITS: σ = 0 gives μ exactly but still consumes a draw; over many draws mean μ and std σ", () => {
    const zero = Acquisition.values("its", Float64Array.of(91, 91), Float64Array.of(0, 1), 0, Rng.make(3, "a"))
    const reference = Rng.make(3, "a")
    reference.normal()
    expect(zero[0]).toBe(91)
    expect(zero[1]).toBe(91 + reference.normal())
    const n = 20_000
    const draws = Acquisition.values("its", new Float64Array(n).fill(2), new Float64Array(n).fill(3), 0, Rng.make(1, "its"))
    const mean = draws.reduce((a, b) => a + b, 0) / n
    const std = Math.sqrt(draws.reduce((a, b) => a + (b - mean) ** 2, 0) / n)
    expect(Math.abs(mean - 2)).toBeLessThan(0.06)
    expect(Math.abs(std - 3)).toBeLessThan(0.06)
  })

  it("selection: [0.3, 0.9, 0.1, 0.9, 0.5] with k = 3 → candidates 1, 3, 4 in that order", () => {
    expect(Acquisition.topK([0.3, 0.9, 0.1, 0.9, 0.5], 3)).toEqual([1, 3, 4])
  })
})
