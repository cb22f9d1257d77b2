/**
 * PCA fit of 3,516 × 4,096 → 128 (the largest default CV budget on a 4,096-d embedding) next to
 * ../shared/bench/reference.py pca (scikit-learn, float32, whatever BLAS NumPy links), alternating with
 * it, median of 3 rounds. Two inputs of that shape: i.i.d. Gaussian, as the reference uses (a flat
 * spectrum: the worst case for iterative solvers), and one with a decaying spectrum, like embeddings.
 * cole's fits run until every Ritz pair's residual is ≤ 1e-6 of its value (spec accuracy, guaranteed).
 *
 *   node --import tsx bench/pca.ts
 */
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as Rng from "../src/core/Rng.ts"
import * as Pca from "../src/steps/reduce/Pca.ts"

const n = 3516, d = 4096, k = 128, ROUNDS = 3
const rng = Rng.make(0, "bench")
const gaussian = Float32Array.from({ length: n * d }, () => rng.normal())
const decaying = gaussian.map((v, i) => v * Math.exp(-(i % d) / 200))
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const seconds = { gaussian: [] as Array<number>, decaying: [] as Array<number>, full: [] as Array<number>, randomized: [] as Array<number> }
const basis = { gaussian: 0, decaying: 0 }
console.log(`PCA fit ${n} × ${d} → ${k}, node ${process.version}, median of ${ROUNDS} alternating rounds`)
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, x] of [["gaussian", gaussian], ["decaying", decaying]] as const) {
    const started = performance.now()
    const model = Pca.fit(x, n, d, k)
    seconds[name].push((performance.now() - started) / 1000)
    if (!model.converged) throw new Error(`${name}: block Lanczos stopped at its cap`)
    basis[name] = model.basis
  }
  const reference = spawnSync("/usr/bin/python3", [fileURLToPath(new URL("../../shared/bench/reference.py", import.meta.url)), "pca", "--n", String(n), "--d", String(d), "--k", String(k)], {
    encoding: "utf8",
    env: Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("OPENBLAS_")))
  })
  if (reference.status !== 0) {
    console.log(`reference not run: ${reference.stderr.trim().split("\n").at(-1)}`)
    continue
  }
  const result = JSON.parse(reference.stdout.trim())
  seconds.full.push(result.seconds_full)
  seconds.randomized.push(result.seconds_randomized)
}
const spread = (xs: ReadonlyArray<number>) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`
console.log(`cole, Gaussian: ${median(seconds.gaussian).toFixed(2)} s (${spread(seconds.gaussian)}; block Lanczos, basis ${basis.gaussian} rows)`)
console.log(`cole, decaying spectrum: ${median(seconds.decaying).toFixed(2)} s (${spread(seconds.decaying)}; basis ${basis.decaying} rows)`)
if (seconds.full.length > 0) {
  console.log(`scikit-learn, Gaussian: full ${median(seconds.full).toFixed(2)} s (${spread(seconds.full)}), randomized ${median(seconds.randomized).toFixed(2)} s (${spread(seconds.randomized)})`)
  console.log(`ratio cole / scikit-learn on the Gaussian input: ${(median(seconds.gaussian) / median(seconds.full)).toFixed(2)}× full, ${(median(seconds.gaussian) / median(seconds.randomized)).toFixed(1)}× randomized`)
}
