/**
 * NASLib's MLP ensemble (docs/search.md) with its two presets: M members trained from scratch
 * on the same data, differing only in their initialisation and shuffling streams; each predicts every
 * candidate. Raw accuracies as targets, Xavier init, ReLU, Adam β2 = 0.99, L1 0.2 on the output weights.
 */
import * as Rng from "../../core/Rng.ts"
import * as Mlp from "./Mlp.ts"

export interface Preset {
  readonly name: "naslib-default" | "cole-paper"
  readonly hiddenLayers: number
  readonly width: number
  readonly loss: "mae" | "mse"
  readonly epochs: number
  readonly members: number
}

export const presets: Readonly<Record<Preset["name"], Preset>> = {
  "naslib-default": { name: "naslib-default", hiddenLayers: 20, width: 20, loss: "mae", epochs: 500, members: 3 },
  "cole-paper": { name: "cole-paper", hiddenLayers: 3, width: 128, loss: "mse", epochs: 200, members: 3 }
}

export const config = (preset: Preset, inputs: number): Mlp.Config => ({
  inputs,
  hiddenLayers: preset.hiddenLayers,
  width: preset.width,
  activation: "relu",
  dropout: 0,
  init: "xavier",
  loss: preset.loss,
  margin: 0,
  pairsPerItem: 0,
  l1: 0.2,
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.99,
  eps: 1e-8,
  clip: 0
})

/** Member m's stream `name`: the caller names the fit's streams, so refits and members never share draws. */
export type Streams = (name: string, member: number) => Rng.Rng

/** The streams of fit `fitIndex` of the trial with this seed, as a search draws them. */
export const searchStreams = (seed: number, fitIndex: number): Streams => (name, member) => Rng.make(seed, name, String(fitIndex), String(member))

/** Trains the M members. */
export const fit = (preset: Preset, x: ArrayLike<number>, y: ArrayLike<number>, n: number, inputs: number, streams: Streams) =>
  Array.from({ length: preset.members }, (_, member) =>
    Mlp.train(config(preset, inputs), { epochs: preset.epochs, batchSize: 32, shuffle: true, standardize: false }, x, y, n, {
      init: streams("mlp-init", member),
      batches: streams("mlp-shuffle", member),
      dropout: streams("mlp-dropout", member)
    })
  )

/** Every member's prediction for n rows: members × n. */
export const predict = (members: ReadonlyArray<Mlp.Trained>, x: ArrayLike<number>, n: number) =>
  members.map((m) => Mlp.predict(m, x, n))
