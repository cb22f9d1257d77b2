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
import { check, headRef, parse, reducerRef, Spec, specName } from "./ComponentSpec.ts"
import { InvalidConfiguration } from "./InvalidConfiguration.ts"
import { featuresOf, textLabel, TextOptions } from "./Representation.ts"

const positive = Schema.Int.check(Schema.isGreaterThan(0))

/** What one configuration varies; the objective, repeats and budgets are shared by all. */
export const Configuration = Schema.Struct({
  representation: Schema.String,
  /** Fitted per trial on the training rows: `none`, `pca<K>`, `rp<K>`, a built-in or a user's reducer. */
  reducer: Spec,
  /** `mlp` (the default): the COLE head with `loss` and `epochs`; or `gp`, or a user's head. */
  head: Schema.optional(Spec),
  /** The MLP head's loss and training epochs. */
  loss: Schema.Literals(["hinge", "mse"]),
  epochs: positive,
  /** Code-text representations: transpiler options (NB201 mode, addon) and ONNX pooling. */
  text: Schema.optional(TextOptions)
})
export type Configuration = typeof Configuration.Type

const usesMlp = (c: Configuration) => c.head === undefined || c.head === "mlp"

export const configurationName = (c: Configuration) => {
  const text = textLabel(c.text ?? {})
  const head = usesMlp(c) ? `${c.loss}${c.epochs === 100 ? "" : ` · ${c.epochs} ep`}` : specName(c.head!)
  return `${c.representation}${text === "" ? "" : ` · ${text}`} · ${specName(c.reducer)} · ${head}`
}

/** The settings a configuration can change by name, as `--compare` and ablation axes spell them. */
export const SETTINGS = ["representation", "mode", "addon", "pooling", "reducer", "head", "loss", "epochs"] as const

/**
 * `configuration` with one setting changed (`reducer=pca32`, `mode=inline`, `head=gp`), checked like
 * the rest; a reducer or head may be a ref (from an ablation file, or its JSON text).
 */
export const withSetting = Effect.fnUntraced(function*(configuration: Configuration, key: string, raw: string | Spec) {
  const c = configuration
  const setting = `${key}=${typeof raw === "string" ? raw : specName(raw)}`
  const spec = yield* parse(raw).pipe(Effect.mapError((problem) => new InvalidConfiguration({ setting, problem })))
  const value = typeof spec === "string" ? spec : undefined
  // Unchecked until decoded below: the value may not be one the setting takes.
  const changed: unknown = key === "reducer" || key === "head"
    ? { ...c, [key]: spec }
    : value === undefined
    ? undefined
    : key === "representation" && value !== ""
    ? { ...c, representation: value }
    : key === "loss"
    ? { ...c, loss: value }
    : key === "epochs" && /^\d+$/.test(value)
    ? { ...c, epochs: Number(value) }
    : (key === "mode" || key === "addon") && value !== ""
    ? { ...c, text: { ...c.text, transpile: { ...c.text?.transpile, [key]: value } } }
    : key === "pooling"
    ? { ...c, text: { ...c.text, pooling: value } }
    : undefined
  if (changed === undefined) {
    return yield* new InvalidConfiguration({ setting, problem: `expected one of ${SETTINGS.map((s) => `${s}=…`).join(", ")}` })
  }
  return yield* Schema.decodeUnknownEffect(Configuration)(changed).pipe(
    Effect.mapError((e) => new InvalidConfiguration({ setting, problem: e.message.replace(/\s*\n\s*/g, " ") }))
  )
})

/** The CV step's reducer and head for a configuration. */
export const components = (c: Configuration) => ({
  reducer: reducerRef(c.reducer),
  head: headRef(c.head, { use: "cole-mlp", params: { loss: c.loss, epochs: c.epochs } })
})

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
    yield* Effect.forEach(o.configurations, (c) => check(components(c)), { discard: true })
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
        const layer = crossValidate({ repeats: o.repeats, budgets: [...o.budgets], ...components(c) })
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
