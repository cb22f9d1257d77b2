/**
 * The cross-validation pipeline: shared architectures and objective, one features node per distinct
 * representation, one repeated stratified 10-fold CV node per configuration (docs/surrogate.md), and the
 * summary that pairs every configuration with the first on the same folds. Library code: a script
 * decodes a `CvConfig` and runs `cvPipeline(config)`; `cole cv` and `cole ablate` do the same.
 */
import { Effect, Layer, Schema } from "effect"
import { Trials } from "../../schemas/Tables.ts"
import * as Artifact from "../core/Artifact.ts"
import * as Pipeline from "../core/Pipeline.ts"
import { Nb201Benchmark } from "../steps/Evaluator.ts"
import * as ImportLabels from "../steps/ImportLabels.ts"
import { Architectures, CrossValidate, Evaluate, ImportObjective } from "../steps/Services.ts"
import * as SpaceSteps from "../steps/SpaceSteps.ts"
import * as Report from "../steps/surrogate/Report.ts"
import { crossValidate } from "../steps/surrogate/CvStep.ts"
import { InvalidConfiguration } from "./InvalidConfiguration.ts"
import { featuresOf, textLabel, TextOptions } from "./Representation.ts"

const positive = Schema.Int.check(Schema.isGreaterThan(0))

/** What one configuration varies; the objective, repeats and budgets are shared by all. */
export const Configuration = Schema.Struct({
  representation: Schema.String,
  /** `none`, or `pca<K>`: PCA to K components fitted per trial on the training rows. */
  reducer: Schema.String.check(Schema.isPattern(/^(none|pca[1-9]\d*)$/)),
  loss: Schema.Literals(["hinge", "mse"]),
  epochs: positive,
  /** Code-text representations: transpiler options (NB201 mode, addon) and ONNX pooling. */
  text: Schema.optional(TextOptions)
})
export type Configuration = typeof Configuration.Type

export const configurationName = (c: Configuration) => {
  const text = textLabel(c.text ?? {})
  return `${c.representation}${text === "" ? "" : ` · ${text}`} · ${c.reducer} · ${c.loss}${c.epochs === 100 ? "" : ` · ${c.epochs} ep`}`
}

/** The PCA components a reducer name asks for (0: none). */
const components = (reducer: Configuration["reducer"]) => (reducer === "none" ? 0 : Number(reducer.slice("pca".length)))

/** The settings a configuration can change by name, as `--compare` and ablation axes spell them. */
export const SETTINGS = ["representation", "mode", "addon", "pooling", "reducer", "loss", "epochs"] as const

/** `configuration` with one setting changed (`reducer=pca32`, `mode=inline`), checked like the rest. */
export const withSetting = (configuration: Configuration, key: string, value: string) => {
  const c = configuration
  // Unchecked until decoded below: the value may not be one the setting takes.
  const changed: unknown = key === "representation" && value !== ""
    ? { ...c, representation: value }
    : key === "reducer" || key === "loss"
    ? { ...c, [key]: value }
    : key === "epochs" && /^\d+$/.test(value)
    ? { ...c, epochs: Number(value) }
    : (key === "mode" || key === "addon") && value !== ""
    ? { ...c, text: { ...c.text, transpile: { ...c.text?.transpile, [key]: value } } }
    : key === "pooling"
    ? { ...c, text: { ...c.text, pooling: value } }
    : undefined
  const setting = `${key}=${value}`
  if (changed === undefined) {
    return Effect.fail(new InvalidConfiguration({ setting, problem: `expected one of ${SETTINGS.map((s) => `${s}=…`).join(", ")}` }))
  }
  return Schema.decodeUnknownEffect(Configuration)(changed).pipe(
    Effect.mapError((e) => new InvalidConfiguration({ setting, problem: e.message.replace(/\s*\n\s*/g, " ") }))
  )
}

export const CvConfig = Schema.Struct({
  space: Schema.String,
  /** An NB201 objective column, or `labels:FILE.csv` (architecture, value) on any space. */
  objective: Schema.String,
  repeats: positive,
  /** Training budgets; empty: derived from the pool. */
  budgets: Schema.Array(positive),
  /** For `embeddings:FILE.npy`: the architectures file, one per line, in row order. */
  archs: Schema.optional(Schema.String),
  /** NB201 table folder or CSV (default: the shipped copy). */
  nb201: Schema.optional(Schema.String),
  configurations: Schema.NonEmptyArray(Configuration)
})
export type CvConfig = typeof CvConfig.Type

/** The pipeline: shared architectures and objective, one features node and one CV node per configuration. */
export const cvPipeline = (o: CvConfig) => {
  // `labels:FILE`: the labelled architectures and their values (any space); else the NB201 table's column.
  const labels = o.objective.startsWith("labels:") ? ImportLabels.labelsParams({ space: o.space, file: o.objective.slice("labels:".length) }) : undefined
  const evaluator = Nb201Benchmark.layer({ objective: o.objective, ...(o.nb201 === undefined ? {} : { location: o.nb201 }) })
  return Pipeline.make("cv", Effect.gen(function*() {
    const { architectures } = yield* Pipeline.node(Architectures, {}, {
      layer: labels === undefined ? SpaceSteps.architectures({ space: o.space }) : ImportLabels.architectures(labels)
    })
    const { objective } = labels === undefined
      ? yield* Pipeline.node(Evaluate, { architectures }, { layer: SpaceSteps.evaluate({}).pipe(Layer.provide(evaluator)) })
      : yield* Pipeline.node(ImportObjective, {}, { layer: ImportLabels.objective(labels) })
    // Configurations that read the same features share one node (an ablation varies the head over them).
    const shared = new Map<string, Pipeline.ArtifactRef>()
    const results = yield* Effect.forEach(o.configurations, (c) =>
      Effect.gen(function*() {
        const featuresKey = JSON.stringify([c.representation, c.text ?? {}])
        const features = shared.get(featuresKey) ?? (yield* featuresOf(o.space, c.representation, o.archs, architectures, c.text))
        shared.set(featuresKey, features)
        const layer = crossValidate({ repeats: o.repeats, budgets: [...o.budgets], components: components(c.reducer), loss: c.loss, epochs: c.epochs })
        const { trials } = yield* Pipeline.node(CrossValidate, { features, objective }, { id: `cv ${configurationName(c)}`, layer })
        return Artifact.toRows(yield* Pipeline.load(trials))
      }), { concurrency: 1 })
    return results
  }), Layer.empty)
}

/** Summaries per configuration and the first configuration against each other one. */
export const summary = (configurations: ReadonlyArray<Configuration>, trials: ReadonlyArray<ReadonlyArray<Artifact.Row<typeof Trials.columns>>>) => ({
  configurations: configurations.map((c, i) => ({ name: configurationName(c), ...c, budgets: Report.summarize(trials[i]!) })),
  tests: configurations.slice(1).map((c, i) => ({
    a: configurationName(configurations[0]!),
    b: configurationName(c),
    budgets: Report.compare(trials[0]!, trials[i + 1]!)
  }))
})
