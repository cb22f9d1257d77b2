/**
 * The Gaussian-process head's fit (ARD RBF, log marginal likelihood maximised from the same start)
 * and prediction of 1,000 candidates, next to scikit-learn's GaussianProcessRegressor with the same
 * kernel, start and bounds (normalize_y, no jitter), alternating with it, median of 3 rounds. Inputs:
 * n training rows × 32 columns of a smooth function plus noise, as a BANANAS fit on reduced features
 * sees. Both fits' reached log marginal likelihoods are printed (the fit's quality, not just its time);
 * cole runs twice, at the head's default of 100 L-BFGS iterations and with room to converge (2,000), as
 * scikit-learn's L-BFGS-B runs until its own tolerances.
 *
 *   node --import tsx bench/gp.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Rng from "../src/core/Rng.ts"
import * as Gp from "../src/steps/surrogate/Gp.ts"
import * as Reference from "./Reference.ts"

const d = 32, candidates = 1000, ROUNDS = 3, SIZES = [100, 400]
const SKLEARN = `
import json, sys, time, numpy as np
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel
n, d, m = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
X = np.fromfile(sys.argv[1] + "/x.f64").reshape(n, d); y = np.fromfile(sys.argv[1] + "/y.f64"); C = np.fromfile(sys.argv[1] + "/c.f64").reshape(m, d)
kernel = ConstantKernel(1.0, (1e-5, 1e5)) * RBF([np.sqrt(d)] * d, (1e-5, 1e5)) + WhiteKernel(0.1, (1e-6, 1e5))
t = time.perf_counter(); gp = GaussianProcessRegressor(kernel, normalize_y=True, alpha=0.0).fit(X, y); mean, std = gp.predict(C, return_std=True); s = time.perf_counter() - t
print(json.dumps(dict(seconds=s, lml=float(gp.log_marginal_likelihood_value_))))
`
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const dir = mkdtempSync(join(tmpdir(), "cole-bench-gp-"))
console.log(`GP fit (ARD RBF, ${d} columns) + prediction of ${candidates} rows, node ${process.version}, median of ${ROUNDS} alternating rounds`)
console.log(Reference.describe())
try {
  for (const n of SIZES) {
    const rng = Rng.make(n, "bench-gp")
    const x = Float64Array.from({ length: n * d }, () => rng.normal())
    const c = Float64Array.from({ length: candidates * d }, () => rng.normal())
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(x[i * d]!) + 0.5 * x[i * d + 1]! ** 2 - 0.3 * x[i * d + 2]! + 0.1 * rng.normal())
    writeFileSync(join(dir, "x.f64"), x)
    writeFileSync(join(dir, "y.f64"), y)
    writeFileSync(join(dir, "c.f64"), c)
    const ours = { 100: [] as Array<number>, 2000: [] as Array<number> }
    const lml = { 100: 0, 2000: 0 }
    const theirs: Array<number> = []
    let reference = 0
    for (let round = 0; round < ROUNDS; round++) {
      for (const iterations of [100, 2000] as const) {
        const started = performance.now()
        const model = Gp.fit(x, y, n, d, { kernel: "rbf", initial: { signal: 1, lengths: new Float64Array(d).fill(Math.sqrt(d)), noise: 0.1 }, bounds: [Math.log(1e-5), Math.log(1e5)], noiseFloor: 1e-6, iterations })
        Gp.predict(model, c, candidates)
        ours[iterations].push((performance.now() - started) / 1000)
        lml[iterations] = model.lml
      }
      const r = Reference.python(["-c", SKLEARN, dir, String(n), String(d), String(candidates)])
      theirs.push(r.seconds)
      reference = r.lml
    }
    const ratio = (xs: ReadonlyArray<number>) => (median(xs) / median(theirs)).toFixed(2)
    console.log(`n = ${n}: cole ${median(ours[100]).toFixed(2)} s at 100 iterations (log marginal likelihood ${lml[100].toFixed(3)}), ${median(ours[2000]).toFixed(2)} s with room to converge (${lml[2000].toFixed(3)}) | scikit-learn ${median(theirs).toFixed(2)} s (${reference.toFixed(3)}) | cole / scikit-learn ${ratio(ours[100])}× / ${ratio(ours[2000])}×`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
