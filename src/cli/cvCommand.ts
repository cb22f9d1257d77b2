/**
 * `cole cv`: repeated stratified 10-fold cross-validation of the COLE head (docs/surrogate.md) on one
 * representation, optionally against others on the same folds and subsamples, with the Nadeau–Bengio
 * test per budget. Every trial is a cache entry, so a killed run picks up where it stopped. The pipeline
 * is `cvPipeline` (src/pipelines/CrossValidation.ts); this file turns flags into its configuration.
 */
import { Console, Effect, Option, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import * as Pipeline from "../core/Pipeline.ts"
import { Configuration, cvPipeline, SETTINGS, summary, withSetting } from "../pipelines/CrossValidation.ts"
import { markdown, writeCvReport } from "../report/CvReport.ts"
import { db, executor, platformLayer } from "./clusterFlags.ts"
import { applySettings, componentFlag, force, oneLine, parseBudgets, store } from "./common.ts"

/** `--compare representation=onehot30,loss=mse`: the settings a compared configuration changes. */
export const parseCompare = (base: Configuration, text: string) =>
  applySettings(base, text, withSetting, (_key, _value, setting) =>
    `${JSON.stringify(setting)}: expected ${SETTINGS.map((k) => `${k}=…`).join(", ")} (loss=hinge|mse, epochs=N, pooling=mean|last-token|all-layer-mean)`)

export const cv = Command.make(
  "cv",
  {
    store,
    force,
    space: Flag.String("space").pipe(Flag.withDescription("Search space"), Flag.withDefault("nb201")),
    objective: Flag.String("objective").pipe(Flag.withDescription("NB201 objective column (cifar10_test, cifar100_test, imagenet16_test, …) or labels:FILE.csv (architecture, value)"), Flag.withDefault("cifar100_test")),
    representation: Flag.String("representation").pipe(Flag.withDescription("An encoding (path-naslib, onehot30, …), hashed-ngram, onnx:MODEL_DIR, or embeddings:FILE (.arrow, .npy, .csv)"), Flag.withDefault("path-naslib")),
    archs: Flag.String("archs").pipe(Flag.withDescription("For embeddings:FILE.npy: the architectures, one per line, in row order"), Flag.optional),
    reducer: Flag.String("reducer").pipe(Flag.withDescription("Fitted per trial on the training rows: pca<K>, rp<K> (Gaussian random projection), none, or a reducer of yours: FILE.ts#export"), Flag.withDefault("pca128")),
    head: Flag.String("head").pipe(Flag.withDescription("The surrogate head: mlp (trained with --loss and --epochs), gp (a Gaussian process), or a head of yours: FILE.ts#export"), Flag.withDefault("mlp")),
    loss: Flag.Literals("loss", ["hinge", "mse"]).pipe(Flag.withDescription("The head's training loss: pairwise hinge ranking loss, or mean squared error"), Flag.withDefault("hinge")),
    epochs: Flag.Int("epochs").pipe(Flag.withDescription("Training epochs of the head"), Flag.withDefault(100)),
    repeats: Flag.Int("repeats").pipe(Flag.withDescription("Repeats R of the 10-fold CV"), Flag.withDefault(10)),
    budgets: Flag.String("budgets").pipe(Flag.withDescription("Training-subsample sizes, e.g. 14,55,220 (default: derived from the pool)"), Flag.optional),
    compare: Flag.String("compare").pipe(Flag.withDescription("Another configuration, as the settings it changes: representation=onehot30,loss=mse; repeatable"), Flag.atLeast(0)),
    nb201: Flag.String("nb201").pipe(Flag.withDescription("NB201 table folder or CSV (default: $COLE_NB201, then the copy in the package's data/nb201)"), Flag.optional),
    executor,
    db,
    workers: Flag.Int("workers").pipe(Flag.withSchema(Schema.Int.check(Schema.isGreaterThan(0))), Flag.withDescription("Worker threads for trials (default: one per core)"), Flag.optional),
    out: Flag.String("out").pipe(Flag.withDescription("Folder for the report: trials-<i>.arrow, summary.md, summary.json, tau.svg and .png"), Flag.optional),
    json: Flag.Boolean("json").pipe(Flag.withDescription("Print the summary as one JSON object on stdout"), Flag.withDefault(false))
  },
  (o) =>
    oneLine(Effect.gen(function*() {
      if (o.repeats < 1) return yield* Effect.fail(new Error(`--repeats ${o.repeats}: expected a positive integer`))
      if (o.epochs < 1) return yield* Effect.fail(new Error(`--epochs ${o.epochs}: expected a positive integer`))
      const budgets = yield* Effect.try({ try: () => Option.match(o.budgets, { onNone: () => [], onSome: parseBudgets }), catch: (e) => e as Error })
      const reducer = yield* componentFlag("--reducer", o.reducer)
      const head = yield* componentFlag("--head", o.head)
      const base: Configuration = { representation: o.representation, reducer, ...(head === "mlp" ? {} : { head }), loss: o.loss, epochs: o.epochs }
      const compared = yield* Effect.forEach(o.compare, (text) => parseCompare(base, text))
      const configurations = [base, ...compared] as const
      const pipeline = cvPipeline({
        space: o.space,
        objective: o.objective,
        repeats: o.repeats,
        budgets,
        ...Option.match(o.archs, { onNone: () => ({}), onSome: (archs) => ({ archs }) }),
        ...Option.match(o.nb201, { onNone: () => ({}), onSome: (nb201) => ({ nb201 }) }),
        configurations
      })
      const { value } = yield* Pipeline.run(pipeline, { force: o.force }).pipe(
        Effect.provide(platformLayer(o.store, o, o.json ? "silent" : "stderr"))
      )
      const result = summary(configurations, value)
      const text = markdown(o.objective, o.repeats, result)
      yield* Option.match(o.out, { onNone: () => Effect.void, onSome: (dir) => Effect.sync(() => writeCvReport(dir, text, value, result)) })
      yield* Console.log(o.json ? JSON.stringify(result) : text)
    }))
).pipe(Command.withDescription("Cross-validate the surrogate on a representation (and compare others on the same folds)"))
