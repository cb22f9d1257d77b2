/**
 * MLP trainer throughput: optimizer steps/s of the surrogate head next to bench/reference.py mlp
 * (PyTorch CPU, one thread, the same shapes: n = 260 rows, batch 32, MSE + L1 on the output weights,
 * Adam betas 0.9/0.99, Xavier init), alternating with it in the same run.
 *
 *   node --import tsx bench/mlp.ts        (COLE_KERNELS=wasm: on the WebAssembly kernels)
 */
import * as Rng from "../src/core/Rng.ts"
import * as Linalg from "../src/kernels/Linalg.ts"
import * as Mlp from "../src/steps/surrogate/Mlp.ts"
import * as Reference from "./Reference.ts"

const shapes = [
  { name: "3 × 128 on 128-d", inputs: 128, hiddenLayers: 3, width: 128, epochs: 200 },
  { name: "20 × 20 on 155-d", inputs: 155, hiddenLayers: 20, width: 20, epochs: 200 }
]
const n = 260
// Shared machines drift by tens of percent within a minute: the two sides alternate, round by round,
// and the ratio reported is the median of the rounds' ratios.
const ROUNDS = 11
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
console.log(`MLP optimizer steps/s, n = ${n}, batch 32, node ${process.version}, median of ${ROUNDS} alternating rounds, kernels: ${Linalg.inUse}`)
console.log(Reference.describe())
console.log("| shape | cole | PyTorch (1 thread) | ratio |")
console.log("| --- | --- | --- | --- |")
for (const s of shapes) {
  const rng = Rng.make(0, "bench")
  const x = Float64Array.from({ length: n * s.inputs }, () => Math.round(rng.next()))
  const y = Float64Array.from({ length: n }, () => rng.next() * 10 + 65)
  const config: Mlp.Config = {
    inputs: s.inputs, hiddenLayers: s.hiddenLayers, width: s.width, activation: "relu", dropout: 0, init: "xavier",
    loss: "mse", margin: 0.1, pairsPerItem: 4, l1: 0.2, lr: 1e-3, beta1: 0.9, beta2: 0.99, eps: 1e-8, clip: 0
  }
  const ours = () => {
    const streams = { init: Rng.make(1, "init"), batches: Rng.make(1, "batches"), dropout: Rng.make(1, "dropout") }
    const started = performance.now()
    const model = Mlp.train(config, { epochs: s.epochs, batchSize: 32, shuffle: true, standardize: false }, x, y, n, streams)
    return model.steps / ((performance.now() - started) / 1000)
  }
  const theirs = () => {
    const torch = Reference.run("mlp", [
      "--n", n, "--in", s.inputs, "--layers", s.hiddenLayers, "--width", s.width, "--epochs", s.epochs, "--batch", 32, "--threads", 1
    ])
    return torch.steps / torch.seconds
  }
  ours() // warm-up: compile the kernels' hot paths
  const rounds = Array.from({ length: ROUNDS }, () => {
    const a = ours()
    const b = theirs()
    return { a, b, ratio: a / b }
  })
  const spread = (xs: ReadonlyArray<number>) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`
  console.log(`| ${s.name} | ${median(rounds.map((r) => r.a)).toFixed(0)} steps/s (${spread(rounds.map((r) => r.a))}) | ${median(rounds.map((r) => r.b)).toFixed(0)} steps/s (${spread(rounds.map((r) => r.b))}) | ${median(rounds.map((r) => r.ratio)).toFixed(2)}× |`)
}
