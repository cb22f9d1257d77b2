/**
 * PCA fit of 3,516 × 4,096 → 128 (the largest default CV budget on a 4,096-d embedding) next to
 * scikit-learn, alternating with it, median of 3 rounds. Two inputs of that shape: i.i.d. Gaussian, as
 * bench/reference.py pca uses (a flat spectrum: the worst case for iterative solvers; the
 * reference is run as it is), and one with a decaying spectrum, like embeddings (the same scikit-learn
 * calls, float32 input, run on the very matrix cole fits). cole's fits stop when every Ritz pair's
 * residual is ≤ 1e-6 of its value, which bounds its singular values' error by 5e-7 relative; scikit-
 * learn's are compared with cole's: σ error and components within |cos| 0.9999.
 *
 *   node --import tsx bench/pca.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as Rng from "../src/core/Rng.ts"
import * as Linalg from "../src/kernels/Linalg.ts"
import * as Pca from "../src/steps/reduce/Pca.ts"
import * as Reference from "./Reference.ts"

const n = 3516, d = 4096, k = 128, ROUNDS = 3
const rng = Rng.make(0, "bench")
const gaussian = Float32Array.from({ length: n * d }, () => rng.normal())
const decaying = gaussian.map((v, i) => v * Math.exp(-(i % d) / 200))
const dir = mkdtempSync(join(tmpdir(), "cole-bench-pca-"))

// scikit-learn on the decaying matrix, scored against cole's fit of it.
const SKLEARN = `
import json, sys, time, numpy as np
from sklearn.decomposition import PCA
n, d, k = ${n}, ${d}, ${k}
X = np.fromfile(sys.argv[1], dtype=np.float32).reshape(n, d)
sigma = np.fromfile(sys.argv[2]); V = np.fromfile(sys.argv[3]).reshape(k, d)
out = {}
for solver in ("full", "randomized"):
    t = time.perf_counter(); p = PCA(n_components=k, svd_solver=solver, random_state=0).fit(X); s = time.perf_counter() - t
    cos = np.abs(np.sum(p.components_ * V, 1))
    out[solver] = dict(seconds=s, max_sigma_error=float(np.max(np.abs(p.singular_values_ - sigma) / sigma)), components_within=int(np.sum(cos >= 0.9999)))
print(json.dumps(out))
`

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const spread = (xs: ReadonlyArray<number>) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`
const cole = { gaussian: [] as Array<number>, decaying: [] as Array<number> }
const sklearn = { gaussian: { full: [] as Array<number>, randomized: [] as Array<number> }, decaying: { full: [] as Array<number>, randomized: [] as Array<number> } }
const basis = { gaussian: 0, decaying: 0 }
let accuracy: Record<string, { max_sigma_error: number; components_within: number }> = {}
console.log(`PCA fit ${n} × ${d} → ${k}, node ${process.version}, median of ${ROUNDS} alternating rounds, kernels: ${Linalg.inUse}`)
console.log(Reference.describe())
try {
  writeFileSync(join(dir, "decaying.f32"), decaying)
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, x] of [["gaussian", gaussian], ["decaying", decaying]] as const) {
      const started = performance.now()
      const model = Pca.fit(x, n, d, k)
      cole[name].push((performance.now() - started) / 1000)
      if (model.solver !== "block-lanczos") throw new Error(`${name}: block Lanczos stopped at its cap`)
      basis[name] = model.basis
      if (name === "decaying" && round === 0) {
        writeFileSync(join(dir, "sigma.f64"), model.singularValues)
        writeFileSync(join(dir, "components.f64"), model.components)
      }
    }
    const reference = Reference.run("pca", ["--n", n, "--d", d, "--k", k])
    sklearn.gaussian.full.push(reference.seconds_full)
    sklearn.gaussian.randomized.push(reference.seconds_randomized)
    const decay = Reference.python(["-c", SKLEARN, join(dir, "decaying.f32"), join(dir, "sigma.f64"), join(dir, "components.f64")])
    sklearn.decaying.full.push(decay.full.seconds)
    sklearn.decaying.randomized.push(decay.randomized.seconds)
    accuracy = { full: decay.full, randomized: decay.randomized }
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
for (const name of ["gaussian", "decaying"] as const) {
  const ours = median(cole[name]), full = median(sklearn[name].full), randomized = median(sklearn[name].randomized)
  console.log(`${name}: cole ${ours.toFixed(2)} s (${spread(cole[name])}; basis ${basis[name]} rows) | scikit-learn full ${full.toFixed(2)} s (${spread(sklearn[name].full)}), randomized ${randomized.toFixed(2)} s (${spread(sklearn[name].randomized)}) | cole / full ${(ours / full).toFixed(2)}×, cole / randomized ${(ours / randomized).toFixed(1)}×`)
}
for (const [solver, a] of Object.entries(accuracy)) console.log(`scikit-learn ${solver} on the decaying input, against cole: σ up to ${a.max_sigma_error.toExponential(1)} relative off, ${a.components_within} of ${k} components within |cos| 0.9999`)
