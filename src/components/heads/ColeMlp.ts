/**
 * The COLE head of docs/surrogate.md, one network: 3 × [Linear 128 → LeakyReLU → Dropout 0.1] →
 * Linear 1, standardized inputs, Adam 1e-3, clip 1, trained in the given order (no shuffling) on the
 * pairwise hinge or the MSE loss.
 */
import { Schema } from "effect"
import * as Mlp from "../../steps/surrogate/Mlp.ts"
import { define, stream } from "../Head.ts"

export const config = (inputs: number, loss: "hinge" | "mse"): Mlp.Config => ({
  inputs,
  hiddenLayers: 3,
  width: 128,
  activation: "leaky-relu",
  dropout: 0.1,
  init: "pytorch",
  loss,
  margin: 0.1,
  pairsPerItem: 4,
  l1: 0,
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  clip: 1
})

export const coleMlp = define({
  name: "cole-mlp",
  version: 1,
  params: Schema.Struct({
    loss: Schema.Literals(["hinge", "mse"]),
    epochs: Schema.Int.check(Schema.isGreaterThan(0))
  }),
  sources: [import.meta.url],
  make: ({ loss, epochs }) => ({
    fit: (x, y, n, d, seeding) => {
      const streams = { init: stream(seeding, "mlp-init"), batches: stream(seeding, "batch-order"), dropout: stream(seeding, "dropout") }
      const model = Mlp.train(config(d, loss), { epochs, batchSize: 32, shuffle: false, standardize: true }, x, y, n, streams)
      return { predict: (rows, m) => ({ mean: Mlp.predict(model, rows, m), sd: new Float64Array(m) }) }
    }
  })
})
