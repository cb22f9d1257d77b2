/**
 * A Gaussian-process head: exact GP regression (steps/surrogate/Gp.ts) with an RBF or Matérn-5/2
 * kernel over ARD length scales (or one shared length scale), fitted by maximising the log marginal
 * likelihood. Inputs are centred and divided by one scale for all columns (by default; per column
 * on request), targets standardized; θ starts at σf² = 1, every ℓ = √d (two average rows are then
 * about e^{−1} correlated) and σn² = 0.1, within scikit-learn's bounds [1e-5, 1e5] (σn² ≥ 1e-6). It
 * predicts the posterior mean and an observation's standard deviation, so BANANAS' acquisitions use it
 * as they use the ensemble.
 */
import { Effect, Schema } from "effect"
import * as Gp from "../../steps/surrogate/Gp.ts"
import { define } from "../Head.ts"

/**
 * Centres the columns on the training rows and divides by one scale for all of them (`global`: the
 * root mean column variance), which keeps a reducer's ordering of variances, or by each column's own
 * standard deviation (`column`). A constant column keeps scale 1.
 */
const scaling = (x: ArrayLike<number>, n: number, d: number, mode: "global" | "column") => {
  const mean = new Float64Array(d)
  const variance = new Float64Array(d)
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c]! += x[i * d + c]!
  for (let c = 0; c < d; c++) mean[c]! /= Math.max(n, 1)
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) variance[c]! += (x[i * d + c]! - mean[c]!) ** 2 / Math.max(n, 1)
  const overall = Math.sqrt(variance.reduce((a, b) => a + b, 0) / Math.max(d, 1))
  const scale = variance.map((v) => {
    const sd = mode === "global" ? overall : Math.sqrt(v)
    return sd > 0 ? sd : 1
  })
  return (rows: ArrayLike<number>, m: number) =>
    Float64Array.from({ length: m * d }, (_, k) => (rows[k]! - mean[k % d]!) / scale[k % d]!)
}

export const gaussianProcess = define({
  name: "gp",
  version: 1,
  params: Schema.Struct({
    kernel: Schema.Literals(["rbf", "matern52"]).pipe(Schema.withDecodingDefaultKey(Effect.succeed("rbf" as const))),
    /** `ard`: a length scale per column; `shared`: one for all (isotropic, 3 hyperparameters in all). */
    lengths: Schema.Literals(["ard", "shared"]).pipe(Schema.withDecodingDefaultKey(Effect.succeed("ard" as const))),
    /** How inputs are scaled before the kernel sees them (see `scaling`). */
    scale: Schema.Literals(["global", "column"]).pipe(Schema.withDecodingDefaultKey(Effect.succeed("global" as const))),
    /** L-BFGS iterations of the likelihood fit. */
    iterations: Schema.Int.check(Schema.isGreaterThan(0)).pipe(Schema.withDecodingDefaultKey(Effect.succeed(100)))
  }),
  sources: [import.meta.url],
  make: ({ kernel, lengths, scale, iterations }) => ({
    fit: (x, y, n, d) => {
      const scaled = scaling(x, n, d, scale)
      const model = Gp.fit(scaled(x, n), y, n, d, {
        kernel,
        initial: { signal: 1, lengths: new Float64Array(d).fill(Math.sqrt(Math.max(d, 1))), noise: 0.1 },
        bounds: [Math.log(1e-5), Math.log(1e5)],
        noiseFloor: 1e-6,
        iterations,
        shared: lengths === "shared"
      })
      return { predict: (rows, m) => Gp.predict(model, scaled(rows, m), m) }
    }
  })
})
