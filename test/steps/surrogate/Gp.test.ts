import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { gaussianProcess } from "../../../src/components/heads/GaussianProcess.ts"
import * as Gp from "../../../src/steps/surrogate/Gp.ts"

// scikit-learn's GaussianProcessRegressor on the same data (test/fixtures/gp/reference.py).
interface Fitted {
  readonly lml: number
  readonly theta: Array<number>
  readonly mean: Array<number>
  readonly std: Array<number>
}
interface Reference {
  readonly x: Array<number>
  readonly y: Array<number>
  readonly test: Array<number>
  readonly n: number
  readonly d: number
  readonly m: number
  readonly kernels: Record<Gp.Kernel, {
    readonly at: { readonly signal: number; readonly lengths: Array<number>; readonly noise: number }
    readonly lml: number
    readonly gradient: Array<number>
    readonly mean: Array<number>
    readonly std: Array<number>
    readonly fitted: Fitted
  }>
  readonly shared: Fitted
}
const reference: Reference = JSON.parse(readFileSync(new URL("../../fixtures/gp/reference.json", import.meta.url), "utf8"))
const { n, d, m } = reference
const x = Float64Array.from(reference.x)
const test = Float64Array.from(reference.test)

const close = (actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number) => {
  expect(actual.length).toBe(expected.length)
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThan(tolerance * Math.max(1, Math.abs(expected[i]!)))
}

describe("exact GP regression against scikit-learn's GaussianProcessRegressor", () => {
  for (const kernel of ["rbf", "matern52"] as const) {
    const ref = reference.kernels[kernel]
    const at = { signal: ref.at.signal, lengths: Float64Array.from(ref.at.lengths), noise: ref.at.noise }

    it(`${kernel}: the log marginal likelihood and its gradient in θ at given hyperparameters`, () => {
      const { z } = Gp.standardize(reference.y)
      const { lml, gradient } = Gp.logMarginalLikelihood(kernel, x, z, n, d, Gp.toTheta(at))
      expect(lml).toBeCloseTo(ref.lml, 9)
      close(gradient, ref.gradient, 1e-9)
    })

    it(`${kernel}: the posterior mean and predictive standard deviation at given hyperparameters`, () => {
      const model = Gp.condition(kernel, x, reference.y, n, d, at)!
      const { mean, sd } = Gp.predict(model, test, m)
      close(mean, ref.mean, 1e-9)
      close(sd, ref.std, 1e-9)
    })

    it(`${kernel}: the fit reaches scikit-learn's maximum of the likelihood, and its predictions`, () => {
      const model = Gp.fit(x, reference.y, n, d, {
        kernel,
        initial: { signal: 1, lengths: new Float64Array(d).fill(Math.sqrt(d)), noise: 0.1 },
        bounds: [Math.log(1e-5), Math.log(1e5)],
        noiseFloor: 1e-6,
        iterations: 200
      })
      expect(model.lml).toBeGreaterThan(ref.fitted.lml - 1e-3)
      close(Gp.toTheta(model.hyperparameters), ref.fitted.theta, 1e-2)
      const { mean, sd } = Gp.predict(model, test, m)
      close(mean, ref.fitted.mean, 1e-3)
      close(sd, ref.fitted.std, 1e-2)
    })
  }

  it("rbf with one shared length scale: the fit reaches scikit-learn's isotropic optimum", () => {
    const model = Gp.fit(x, reference.y, n, d, {
      kernel: "rbf",
      initial: { signal: 1, lengths: new Float64Array(d).fill(Math.sqrt(d)), noise: 0.1 },
      bounds: [Math.log(1e-5), Math.log(1e5)],
      noiseFloor: 1e-6,
      iterations: 200,
      shared: true
    })
    const theta = Gp.toTheta(model.hyperparameters)
    expect(new Set(theta.subarray(1, d + 1)).size).toBe(1)
    expect(model.lml).toBeGreaterThan(reference.shared.lml - 1e-3)
    close([theta[0]!, theta[1]!, theta[d + 1]!], reference.shared.theta, 1e-2)
    const { mean, sd } = Gp.predict(model, test, m)
    close(mean, reference.shared.mean, 1e-3)
    close(sd, reference.shared.std, 1e-2)
  })

  it("the Cholesky factor reproduces its matrix and refuses one that is not positive definite", () => {
    const a = Float64Array.from([4, 2, 2, 2, 5, 1, 2, 1, 6])
    const l = Gp.cholesky(a, 3)!
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0
        for (let c = 0; c < 3; c++) s += l[i * 3 + c]! * l[j * 3 + c]!
        expect(s).toBeCloseTo(a[i * 3 + j]!, 12)
      }
    }
    expect(Gp.cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toBeUndefined()
  })

  it("the head: duplicate training rows still fit; a constant column is harmless; σ is smallest at the data", () => {
    const rows = Float64Array.from([0, 1, 0, 1, 1, 1, 2, 1, 3, 1])
    const head = gaussianProcess.make({ kernel: "matern52", lengths: "ard", scale: "global", iterations: 50 }).fit(rows, [0, 0, 1, 4, 9], 5, 2, { seed: 0, path: [] })
    const { mean, sd } = head.predict(Float64Array.from([1, 1, 10, 1]), 2)
    expect(mean.every(Number.isFinite)).toBe(true)
    expect(sd[0]!).toBeLessThan(sd[1]!)
  })
})
