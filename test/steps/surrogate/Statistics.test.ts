import { describe, expect, it } from "vitest"
import { logGamma, nadeauBengio, studentTCdf } from "../../../src/steps/surrogate/Statistics.ts"

describe("statistics", () => {
  it("log Γ matches factorials and Γ(1/2) = √π", () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12)
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12)
    expect(logGamma(10.5)).toBeCloseTo(13.940625219403763, 10)
  })

  it("Student's t CDF matches table values", () => {
    expect(studentTCdf(0, 7)).toBeCloseTo(0.5, 12)
    expect(studentTCdf(2.776445, 4)).toBeCloseTo(0.975, 6) // t_{0.975, 4}
    expect(studentTCdf(1.812461, 10)).toBeCloseTo(0.95, 6) // t_{0.95, 10}
    expect(studentTCdf(-2.527977, 20)).toBeCloseTo(0.01, 6) // t_{0.01, 20}
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 12) // Cauchy: 1/2 + atan(1)/π
  })

  it("Nadeau–Bengio: the documented vector", () => {
    const r = nadeauBengio([0.02, 0.04, 0.06, 0.0, 0.08], 1 / 9)
    expect(r.meanDifference).toBeCloseTo(0.04, 12)
    expect(r.t).toBeCloseTo(2.267787, 6)
    expect(r.df).toBe(4)
    expect(r.p).toBeCloseTo(0.042969, 6)
  })

  it("zero corrected variance reports t = 0, p = 1", () => {
    expect(nadeauBengio([0.1, 0.1, 0.1], 1 / 9)).toMatchObject({ n: 3, t: 0, df: 2, p: 1 })
    expect(nadeauBengio([0.25, 0.25], 1 / 9)).toMatchObject({ meanDifference: 0.25, t: 0, p: 1 })
  })
})
