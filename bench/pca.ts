/**
 * PCA fit of 3,516 × 4,096 → 128 (the largest default CV budget on a 4,096-d embedding) next to
 * ../shared/bench/reference.py pca (scikit-learn, float32, whatever BLAS NumPy links), run right after.
 * Two inputs of that shape: i.i.d. Gaussian, as the reference uses (a flat spectrum: the worst case for
 * subspace iteration, which then runs to its cap), and one with a decaying spectrum, like embeddings.
 *
 *   node --import tsx bench/pca.ts
 */
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as Rng from "../src/core/Rng.ts"
import * as Pca from "../src/steps/reduce/Pca.ts"

const n = 3516, d = 4096, k = 128
const rng = Rng.make(0, "bench")
const gaussian = Float32Array.from({ length: n * d }, () => rng.normal())
const decaying = gaussian.map((v, i) => v * Math.exp(-(i % d) / 200))
console.log(`PCA fit ${n} × ${d} → ${k}, node ${process.version}`)
// Until converged (capped at 30 iterations), and on scikit-learn's schedule: its 7 power iterations
// plus the range finder are the same 16 large products as 8 of these iterations.
for (const [name, x, maxIterations] of [["Gaussian", gaussian, 30], ["decaying spectrum", decaying, 30], ["Gaussian, scikit-learn's schedule", gaussian, 8]] as const) {
  const started = performance.now()
  const model = Pca.fit(x, n, d, k, { maxIterations })
  console.log(`cole, ${name}: ${((performance.now() - started) / 1000).toFixed(2)} s (${model.solver}, ${model.iterations} iterations)`)
}
const reference = spawnSync("/usr/bin/python3", [fileURLToPath(new URL("../../shared/bench/reference.py", import.meta.url)), "pca", "--n", String(n), "--d", String(d), "--k", String(k)], {
  encoding: "utf8",
  env: Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("OPENBLAS_")))
})
console.log(reference.status === 0 ? `scikit-learn, Gaussian: ${reference.stdout.trim()}` : `reference not run: ${reference.stderr.trim().split("\n").at(-1)}`)
