/**
 * The quickstart: the method at a glance on NB201 — code-text embeddings (a model folder, or the
 * model-free hashed n-grams) against NASLib's path encoding, first in repeated 10-fold cross-validation
 * of the surrogate, then in BANANAS. Library code: two pipelines from one `QuickstartConfig`.
 */
import * as path from "node:path"
import { Schema } from "effect"
import { defaults } from "../search/SearchStep.ts"
import { type Configuration, cvPipeline } from "./CrossValidation.ts"
import { type Arm, searchPipeline } from "./Search.ts"

const positive = Schema.Int.check(Schema.isGreaterThan(0))

export const QuickstartConfig = Schema.Struct({
  objective: Schema.String,
  /** An exported model folder; without one, the hashed n-gram featurizer. */
  model: Schema.optional(Schema.String),
  repeats: positive,
  budgets: Schema.Array(positive),
  /** Training epochs of the CV head. */
  epochs: positive,
  trials: positive,
  /** Evaluations per BANANAS trial. */
  budget: positive,
  /** Ensemble epochs per fit (default: the preset's). */
  searchEpochs: Schema.optional(positive),
  nb201: Schema.optional(Schema.String)
})
export type QuickstartConfig = typeof QuickstartConfig.Type

/** The code-text representation: the model folder's embeddings, or hashed n-grams. */
export const codeText = (o: QuickstartConfig) => (o.model === undefined ? "hashed-ngram" : `onnx:${path.resolve(o.model)}`)

export const quickstartPipelines = (o: QuickstartConfig) => {
  const nb201 = o.nb201 === undefined ? {} : { nb201: o.nb201 }
  // 1. How well does a surrogate rank unseen architectures from each representation? The baseline
  // comes first, so the test reads "code text vs path-naslib, H1: code text ranks better".
  const configurations: readonly [Configuration, ...Array<Configuration>] = [
    { representation: "path-naslib", reducer: "none", loss: "hinge", epochs: o.epochs },
    { representation: codeText(o), reducer: "pca128", loss: "hinge", epochs: o.epochs }
  ]
  // 2. Does the better-ranking representation find good architectures sooner?
  const arms: ReadonlyArray<Arm> = [
    { representation: "path-naslib", algorithm: "bananas", preset: "cole-paper" },
    { representation: codeText(o), algorithm: "bananas", preset: "cole-paper" }
  ]
  const settings = { ...defaults, trials: o.trials, budget: o.budget, pca: undefined, epochs: o.searchEpochs ?? defaults.epochs }
  return {
    configurations,
    arms,
    cv: cvPipeline({ space: "nb201", objective: o.objective, repeats: o.repeats, budgets: o.budgets, ...nb201, configurations }),
    search: searchPipeline({ space: "nb201", objective: o.objective, nb201: o.nb201, archs: undefined, arms, settings })
  }
}
