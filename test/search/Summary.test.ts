import { describe, expect, it } from "vitest"
import { studentTQuantile, welch } from "../../src/steps/surrogate/Statistics.ts"
import * as Summary from "../../src/search/Summary.ts"
import type { Record } from "../../src/search/Trial.ts"

/** A trial's records from its objective values (the incumbent is their running maximum). */
const trial = (index: number, values: ReadonlyArray<number>): Array<Record> => {
  let best = -Infinity
  return values.map((value, i) => {
    best = Math.max(best, value)
    return { trial: index, t: i + 1, arch: `a${i}`, value, origin: "init", fit: null, rank: null, acquisition: null, mu: null, sigma: null, duplicate: false, incumbent: best, incumbentArch: "" }
  })
}

describe("search aggregates (docs/search.md)", () => {
  // Three short trajectories, optimum 100, threshold 0.99 × 100 = 99.
  const records = [...trial(0, [90, 99, 95, 98]), ...trial(1, [80, 85, 100, 90]), ...trial(2, [70, 75, 80, 85])]

  it("mean, sample std and 95% half-width of the incumbent at every t", () => {
    const points = Summary.aggregate(Summary.curves(records, 4), 4)
    // t = 3: incumbents 99, 100, 80; t = 4: 99, 100, 85.
    expect(points.map((p) => p.mean)).toEqual([80, 86.33333333333333, 93, 94.66666666666667])
    // t = 1: incumbents 90, 80, 70 → sd 10; half-width t(0.975, 2) · 10 / √3 = 4.302653 · 5.773503.
    expect(points[0]!.std).toBeCloseTo(10, 12)
    expect(points[0]!.ci95).toBeCloseTo(4.302653 * 10 / Math.sqrt(3), 5)
  })

  it("hitting times: the mean curve never reaches 99; per trial 2, 3, never → median 3, 2/3 reached", () => {
    const curves = Summary.curves(records, 4)
    const h = Summary.hitting(curves, Summary.aggregate(curves, 4), 100)
    expect(h.threshold).toBe(99)
    expect(h.meanCurve).toBeNull()
    expect(h.median).toBe(3)
    expect(h.reached).toBeCloseTo(2 / 3, 12)
    expect(Summary.hitting(curves, Summary.aggregate(curves, 4), 100, 0.9).meanCurve).toBe(3)
  })

  it("Welch: A = [1, 2, 3, 4], B = [2, 4, 6, 8] → t = 1.7320508, df = 4.4118, p = 0.15158; t(0.975, 99) = 1.984217", () => {
    const w = welch([1, 2, 3, 4], [2, 4, 6, 8])
    expect(w.t).toBeCloseTo(1.7320508, 6)
    expect(w.df).toBeCloseTo(4.4118, 4)
    expect(w.p).toBeCloseTo(0.15158, 5)
    expect(studentTQuantile(0.975, 99)).toBeCloseTo(1.984217, 5)
  })
})
