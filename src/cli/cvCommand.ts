/**
 * `cole cv`: repeated stratified 10-fold cross-validation of the COLE head (docs/surrogate.md) on one
 * representation, optionally against others on the same folds and subsamples, with the Nadeau–Bengio
 * test per budget. Every trial is a cache entry, so a killed run picks up where it stopped.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { Console, Effect, Layer, Option } from "effect"
import { Command, Flag } from "effect/cli"
import * as Artifact from "../core/Artifact.ts"
import * as Executor from "../core/Executor.ts"
import * as Pipeline from "../core/Pipeline.ts"
import * as Progress from "../core/Progress.ts"
import * as Store from "../core/Store.ts"
import { Trials } from "../../schemas/Tables.ts"
import { Nb201Benchmark } from "../steps/Evaluator.ts"
import * as ImportLabels from "../steps/ImportLabels.ts"
import { labelsParams } from "../steps/ImportLabels.ts"
import { Architectures, CrossValidate, Evaluate, ImportObjective } from "../steps/Services.ts"
import * as SpaceSteps from "../steps/SpaceSteps.ts"
import { crossValidate } from "../steps/surrogate/CvStep.ts"
import * as LinePlot from "../report/LinePlot.ts"
import * as Markdown from "../report/Markdown.ts"
import * as Png from "../report/Png.ts"
import * as Report from "../steps/surrogate/Report.ts"
import { force, oneLine, parseBudgets, store } from "./common.ts"
import { featuresOf, textLabel, type TextOptions } from "./representations.ts"

/** What one configuration varies; the objective, repeats and budgets are shared by all. */
export interface Configuration {
  readonly representation: string
  readonly reducer: string
  readonly loss: "hinge" | "mse"
  readonly epochs: number
  /** Code-text representations: transpiler options (NB201 mode, addon) and ONNX pooling. */
  readonly text?: TextOptions
}

export const configurationName = (c: Configuration) => {
  const text = textLabel(c.text ?? {})
  return `${c.representation}${text === "" ? "" : ` · ${text}`} · ${c.reducer} · ${c.loss}${c.epochs === 100 ? "" : ` · ${c.epochs} ep`}`
}

const components = (reducer: string) => {
  if (reducer === "none") return 0
  const k = /^pca(\d+)$/.exec(reducer)
  if (k === null || Number(k[1]) < 1) throw new Error(`--reducer ${reducer}: expected none or pca<K> (e.g. pca128)`)
  return Number(k[1])
}

/** `--compare representation=onehot30,loss=mse`: the settings a compared configuration changes. */
export const parseCompare = (base: Configuration, text: string): Configuration => {
  let c = base
  for (const setting of text.split(/[\s,]+/).filter((w) => w !== "")) {
    const [key, value] = setting.replace(/^--/, "").split("=", 2) as [string, string | undefined]
    if (key === "representation" && value) c = { ...c, representation: value }
    else if (key === "reducer" && value) c = { ...c, reducer: value }
    else if (key === "loss" && (value === "hinge" || value === "mse")) c = { ...c, loss: value }
    else if (key === "epochs" && value !== undefined && /^\d+$/.test(value) && Number(value) > 0) c = { ...c, epochs: Number(value) }
    else if ((key === "mode" || key === "addon") && value) c = { ...c, text: { ...c.text, transpile: { ...c.text?.transpile, [key]: value } } }
    else if (key === "pooling" && (value === "mean" || value === "last-token" || value === "all-layer-mean")) c = { ...c, text: { ...c.text, pooling: value } }
    else throw new Error(`--compare ${text}: ${JSON.stringify(setting)}: expected representation=…, reducer=…, loss=hinge|mse, epochs=N, mode=…, addon=… or pooling=mean|last-token|all-layer-mean`)
  }
  return c
}

export interface CvOptions {
  readonly space: string
  readonly objective: string
  readonly repeats: number
  readonly budgets: ReadonlyArray<number>
  readonly archs: string | undefined
  readonly nb201: string | undefined
  readonly configurations: ReadonlyArray<Configuration>
}

/** The pipeline: shared architectures and objective, one features node and one CV node per configuration. */
export const cvPipeline = (o: CvOptions) => {
  // `labels:FILE`: the labelled architectures and their values (any space); else the NB201 table's column.
  const labels = o.objective.startsWith("labels:") ? labelsParams({ space: o.space, file: o.objective.slice("labels:".length) }) : undefined
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

/** The table of mean ± std τ per configuration and budget, then the corrected t-tests. */
export const markdown = (objective: string, repeats: number, result: ReturnType<typeof summary>) => {
  const table = Report.markdown(result.configurations.map((c) => ({ name: c.name, summary: c.budgets })))
  const tests = result.tests.map((t) =>
    [`${t.b} vs ${t.a} (one-tailed Nadeau–Bengio, H1: the first ranks better):`, ...t.budgets.map((b) => `  budget ${b.budget}: mean Δτ ${b.meanDifference.toFixed(4)}, t = ${b.t.toFixed(3)}, df ${b.df}, ${Markdown.pValue(b.p)}`)].join("\n")
  )
  return [`${objective}, ${repeats} × 10-fold CV, Kendall τ-b mean ± std over trials`, "", table, "", ...tests].join("\n")
}

/** Writes trials-<i>.arrow, summary.md, summary.json and tau.svg/.png into `dir`. */
export const writeCvReport = (
  dir: string, text: string, trials: ReadonlyArray<ReadonlyArray<Artifact.Row<typeof Trials.columns>>>, result: ReturnType<typeof summary>
) => {
  mkdirSync(dir, { recursive: true })
  trials.forEach((rows, i) => writeFileSync(path.join(dir, `trials-${i}.arrow`), Artifact.encode(Artifact.fromRows(Trials, rows))))
  writeFileSync(path.join(dir, "summary.md"), `${text}\n`)
  writeFileSync(path.join(dir, "summary.json"), `${JSON.stringify(result, null, 2)}\n`)
  const plot = LinePlot.svg(
    result.configurations.map((c) => ({ name: c.name, points: c.budgets.map((b) => ({ x: b.budget, y: b.meanTau, spread: b.stdTau })) })),
    { xLabel: "training budget (architectures, log scale)", yLabel: "Kendall τ-b (mean ± std)", xLog: true, spread: "bars" }
  )
  writeFileSync(path.join(dir, "tau.svg"), plot)
  writeFileSync(path.join(dir, "tau.png"), Png.fromSvg(plot))
}

export const cv = Command.make(
  "cv",
  {
    store,
    force,
    space: Flag.String("space").pipe(Flag.withDescription("Search space"), Flag.withDefault("nb201")),
    objective: Flag.String("objective").pipe(Flag.withDescription("NB201 objective column (cifar10_test, cifar100_test, imagenet16_test, …) or labels:FILE.csv (architecture, value)"), Flag.withDefault("cifar100_test")),
    representation: Flag.String("representation").pipe(Flag.withDescription("An encoding (path-naslib, onehot30, …), hashed-ngram, onnx:MODEL_DIR, or embeddings:FILE (.arrow, .npy, .csv)"), Flag.withDefault("path-naslib")),
    archs: Flag.String("archs").pipe(Flag.withDescription("For embeddings:FILE.npy: the architectures, one per line, in row order"), Flag.optional),
    reducer: Flag.String("reducer").pipe(Flag.withDescription("pca<K> (fitted per trial on the training rows) or none"), Flag.withDefault("pca128")),
    loss: Flag.Literals("loss", ["hinge", "mse"]).pipe(Flag.withDefault("hinge")),
    epochs: Flag.Int("epochs").pipe(Flag.withDescription("Training epochs of the head"), Flag.withDefault(100)),
    repeats: Flag.Int("repeats").pipe(Flag.withDescription("Repeats R of the 10-fold CV"), Flag.withDefault(10)),
    budgets: Flag.String("budgets").pipe(Flag.withDescription("Training-subsample sizes, e.g. 14,55,220 (default: derived from the pool)"), Flag.optional),
    compare: Flag.String("compare").pipe(Flag.withDescription("Another configuration, as the settings it changes: representation=onehot30,loss=mse; repeatable"), Flag.atLeast(0)),
    nb201: Flag.String("nb201").pipe(Flag.withDescription("NB201 table folder or CSV (default: $COLE_NB201, then the copy in the package's data/nb201)"), Flag.optional),
    workers: Flag.Int("workers").pipe(Flag.withDescription("Worker threads for trials (default: one per core)"), Flag.optional),
    out: Flag.String("out").pipe(Flag.withDescription("Folder for the report: trials-<i>.arrow, summary.md, summary.json, tau.svg and .png"), Flag.optional),
    json: Flag.Boolean("json").pipe(Flag.withDescription("Print the summary as one JSON object on stdout"), Flag.withDefault(false))
  },
  (o) =>
    oneLine(Effect.gen(function*() {
      if (o.repeats < 1) return yield* Effect.fail(new Error(`--repeats ${o.repeats}: expected a positive integer`))
      if (o.epochs < 1) return yield* Effect.fail(new Error(`--epochs ${o.epochs}: expected a positive integer`))
      const budgets = yield* Effect.try({ try: () => Option.match(o.budgets, { onNone: () => [], onSome: parseBudgets }), catch: (e) => e as Error })
      const base: Configuration = { representation: o.representation, reducer: o.reducer, loss: o.loss, epochs: o.epochs }
      const configurations = [base, ...o.compare.map((text) => parseCompare(base, text))]
      configurations.forEach((c) => components(c.reducer))
      const pipeline = cvPipeline({
        space: o.space,
        objective: o.objective,
        repeats: o.repeats,
        budgets,
        archs: Option.getOrUndefined(o.archs),
        nb201: Option.getOrUndefined(o.nb201),
        configurations
      })
      const { value } = yield* Pipeline.run(pipeline, { force: o.force }).pipe(
        Effect.provide(Layer.mergeAll(Store.layer(o.store), Executor.local({ ...Option.match(o.workers, { onNone: () => ({}), onSome: (workers) => ({ workers }) }) }), o.json ? Progress.silent : Progress.layer))
      )
      const result = summary(configurations, value)
      const text = markdown(o.objective, o.repeats, result)
      yield* Option.match(o.out, { onNone: () => Effect.void, onSome: (dir) => Effect.sync(() => writeCvReport(dir, text, value, result)) })
      yield* Console.log(o.json ? JSON.stringify(result) : text)
    }))
).pipe(Command.withDescription("Cross-validate the surrogate on a representation (and compare others on the same folds)"))
