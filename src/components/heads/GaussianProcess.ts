/**
 * A Gaussian-process head: exact GP regression (steps/surrogate/Gp.ts) with an RBF or Matérn-5/2
 * kernel over ARD length scales, fitted by maximising the log marginal likelihood. Inputs are
 * standardized per column (a constant column keeps scale 1) and targets to zero mean and unit
 * variance; θ starts at σf² = 1, every ℓ = √d (unit-variance columns are then about e^{−1} correlated)
 * and σn² = 0.1, within sklearn's bounds [1e-5, 1e5] (σn² ≥ 1e-6). It predicts the posterior mean and
 * an observation's standard deviation, so BANANAS' acquisitions use it as they use the ensemble.
 */
import { Effect, Schema } from "effect"
import * as Gp from "../../steps/surrogate/Gp.ts"
import { define } from "../Head.ts"

const columnScaling = (x: ArrayLike<number>, n: number, d: number) => {
  const mean = new Float64Array(d)
  const scale = new Float64Array(d)
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c]! += x[i * d + c]!
  for (let c = 0; c < d; c++) mean[c]! /= Math.max(n, 1)
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) scale[c]! += (x[i * d + c]! - mean[c]!) ** 2
  for (let c = 0; c < d; c++) {
    const sd = Math.sqrt(scale[c]! / Math.max(n, 1))
    scale[c] = sd > 0 ? sd : 1
  }
  return (rows: ArrayLike<number>, m: number) =>
    Float64Array.from({ length: m * d }, (_, k) => (rows[k]! - mean[k % d]!) / scale[k % d]!)
}

export const gaussianProcess = define({
  name: "gp",
  version: 1,
  params: Schema.Struct({
    kernel: Schema.Literals(["rbf", "matern52"]).pipe(Schema.withDecodingDefaultKey(Effect.succeed("rbf" as const))),
    /** L-BFGS iterations of the likelihood fit. */
    iterations: Schema.Int.check(Schema.isGreaterThan(0)).pipe(Schema.withDecodingDefaultKey(Effect.succeed(100)))
  }),
  sources: [import.meta.url],
  make: ({ kernel, iterations }) => ({
    fit: (x, y, n, d) => {
      const scaled = columnScaling(x, n, d)
      const model = Gp.fit(scaled(x, n), y, n, d, {
        kernel,
        initial: { signal: 1, lengths: new Float64Array(d).fill(Math.sqrt(Math.max(d, 1))), noise: 0.1 },
        bounds: [Math.log(1e-5), Math.log(1e5)],
        noiseFloor: 1e-6,
        iterations
      })
      return { predict: (rows, m) => Gp.predict(model, scaled(rows, m), m) }
    }
  })
})
