/**
 * `cole search`: T trials of BANANAS (or regularized evolution, or random search) against a benchmark
 * table, on one representation and optionally others (arms) with the same trial seeds; the summary of
 * docs/search.md with Welch's test between the first arm and each other. Every batch of every trial
 * is a cache entry, so a killed search resumes mid-trial.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { Console, Data, Effect, Layer, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { OpenTrajectory, Trajectory } from "../../schemas/Tables.ts"
import * as Artifact from "../core/Artifact.ts"
import * as Executor from "../core/Executor.ts"
import * as Pipeline from "../core/Pipeline.ts"
import * as Progress from "../core/Progress.ts"
import * as Store from "../core/Store.ts"
import * as LinePlot from "../report/LinePlot.ts"
import * as Markdown from "../report/Markdown.ts"
import * as Png from "../report/Png.ts"
import { openSearch } from "../search/OpenSearch.ts"
import { defaults, type Params, search } from "../search/SearchStep.ts"
import { CommandEvaluator } from "../steps/CommandEvaluator.ts"
import * as Summary from "../search/Summary.ts"
import { Nb201Benchmark } from "../steps/Evaluator.ts"
import { Architectures, Evaluate, OpenSearch, Search } from "../steps/Services.ts"
import * as SpaceSteps from "../steps/SpaceSteps.ts"
import { force, oneLine, store } from "./common.ts"
import { featuresOf, isEmbedding } from "./representations.ts"

/** What an arm varies; the objective, trials, budget and seed are shared by all arms. */
export interface Arm {
  readonly representation: string
  readonly algorithm: Params["algorithm"]
  readonly preset: Params["preset"]
}

export const armName = (a: Arm) => `${a.algorithm === "bananas" ? "BANANAS" : a.algorithm === "re" ? "RE" : "random"} · ${a.representation} · ${a.preset}`

const oneOf = <A extends string>(flag: string, value: string, allowed: ReadonlyArray<A>): A => {
  if (!(allowed as ReadonlyArray<string>).includes(value)) throw new Error(`${flag} ${value}: expected ${allowed.join(", ")}`)
  return value as A
}

/** `--compare algorithm=re` or `representation=…,preset=…`: the settings another arm changes. */
export const parseArm = (base: Arm, text: string): Arm => {
  let arm = base
  for (const setting of text.split(/[\s,]+/).filter((w) => w !== "")) {
    const [key, value = ""] = setting.replace(/^--/, "").split("=", 2) as [string, string | undefined]
    if (key === "representation" && value !== "") arm = { ...arm, representation: value }
    else if (key === "algorithm") arm = { ...arm, algorithm: oneOf(`--compare ${text}: algorithm`, value, ["bananas", "re", "random"]) }
    else if (key === "preset") arm = { ...arm, preset: oneOf(`--compare ${text}: preset`, value, ["naslib-default", "cole-paper"]) }
    else throw new Error(`--compare ${text}: ${JSON.stringify(setting)}: expected representation=…, algorithm=bananas|re|random or preset=naslib-default|cole-paper`)
  }
  return arm
}

export interface SearchOptions {
  readonly space: string
  readonly objective: string
  readonly nb201: string | undefined
  readonly archs: string | undefined
  readonly arms: ReadonlyArray<Arm>
  readonly settings: Omit<Params, "space" | "algorithm" | "preset" | "pca"> & { readonly pca: number | undefined }
}

export const searchPipeline = (o: SearchOptions) =>
  Pipeline.make("search", Effect.gen(function*() {
    const { architectures } = yield* Pipeline.node(Architectures, {})
    const { objective } = yield* Pipeline.node(Evaluate, { architectures })
    const values = (yield* Pipeline.load(objective)).columns.value
    const arms = yield* Effect.forEach(o.arms, (arm) =>
      Effect.gen(function*() {
        const features = yield* featuresOf(o.space, arm.representation, o.archs, architectures)
        // Embeddings get a fresh PCA(min(128, n)) at every fit (the cole arm); encodings are used as they are.
        const pca = o.settings.pca ?? (isEmbedding(arm.representation) ? 128 : 0)
        const layer = search({ ...o.settings, space: o.space, algorithm: arm.algorithm, preset: arm.preset, pca })
        const { trajectory } = yield* Pipeline.node(Search, { features, objective }, { id: `search ${armName(arm)}`, layer })
        return Artifact.toRows(yield* Pipeline.load(trajectory))
      }), { concurrency: 1 })
    return { arms, optimum: values.reduce((a, b) => Math.max(a, b), -Infinity) }
  }), Layer.mergeAll(
    SpaceSteps.architectures({ space: o.space }),
    SpaceSteps.evaluate({}).pipe(Layer.provide(Nb201Benchmark.layer({ objective: o.objective, ...(o.nb201 === undefined ? {} : { location: o.nb201 }) })))
  ))

export interface OpenSearchOptions {
  readonly space: string
  readonly command: string
  readonly timeout: number
  readonly failureValue: number
  /** Files and folders the evaluation depends on, besides those the command names. */
  readonly dependencies: ReadonlyArray<string>
  readonly arms: ReadonlyArray<Arm>
  readonly settings: SearchOptions["settings"]
}

/**
 * A search on any space with a user's program as the evaluator (no table): the code text featurized on
 * demand. The reference for "evaluations to 0.99 ×" is the best value any arm found.
 */
export const openSearchPipeline = (o: OpenSearchOptions) =>
  Pipeline.make("search", Effect.gen(function*() {
    const evaluator = CommandEvaluator.layer({ command: o.command, timeout: o.timeout, space: o.space, dependencies: o.dependencies })
    const arms = yield* Effect.forEach(o.arms, (arm) =>
      Effect.gen(function*() {
        const featurizer = arm.representation.startsWith("onnx:")
          ? { representation: "onnx" as const, model: path.resolve(arm.representation.slice("onnx:".length)) }
          : { representation: "hashed-ngram" as const }
        const layer = openSearch({ ...o.settings, ...featurizer, space: o.space, algorithm: arm.algorithm, preset: arm.preset, pca: o.settings.pca ?? 128, failureValue: o.failureValue })
          .pipe(Layer.provide(evaluator))
        const { trajectory } = yield* Pipeline.node(OpenSearch, {}, { id: `search ${armName(arm)}`, layer })
        return Artifact.toRows(yield* Pipeline.load(trajectory))
      }), { concurrency: 1 })
    const values = arms.flat().flatMap((r) => (r.value === null ? [] : [r.value]))
    return { arms, optimum: values.reduce((a, b) => Math.max(a, b), -Infinity) }
  }), Layer.empty)

/** Every evaluation of an open search failed: there is nothing to report, and the user must see why. */
export class EvaluationsFailed extends Data.TaggedError("EvaluationsFailed")<{
  readonly count: number
  readonly first: ReadonlyArray<string>
}> {
  override get message() {
    return `all ${this.count} evaluations failed, so the search found nothing; the first: ${this.first.join("; ")}`
  }
}

/** The failed evaluations of an open search, first ones first, each as `status (arch): detail`. */
export const failures = (rows: ReadonlyArray<Artifact.Row<typeof OpenTrajectory.columns>>) =>
  rows.filter((r) => r.status !== "ok").map((r) => `${r.status} (${r.arch.length > 40 ? `${r.arch.slice(0, 37)}…` : r.arch}): ${r.detail}`)

/**
 * Refuses an open search in which every evaluation failed; warns (on stderr) when more than half did,
 * with the first failures' details, since the numbers then say more about the evaluator than the space.
 */
const checkEvaluations = (rows: ReadonlyArray<Artifact.Row<typeof OpenTrajectory.columns>>) =>
  Effect.gen(function*() {
    const failed = failures(rows)
    if (failed.length === 0) return
    if (failed.length === rows.length) return yield* new EvaluationsFailed({ count: rows.length, first: failed.slice(0, 3) })
    if (2 * failed.length > rows.length) {
      yield* Console.error(`cole: warning: ${failed.length} of ${rows.length} evaluations failed; the first: ${failed.slice(0, 3).join("; ")}`)
    }
  })

export const summary = (arms: ReadonlyArray<Arm>, trajectories: ReadonlyArray<ReadonlyArray<Summary.Incumbent>>, budget: number, optimum: number) => {
  const summaries = arms.map((arm, i) => Summary.summarize(armName(arm), trajectories[i]!, budget, optimum))
  return {
    optimum,
    arms: summaries.map(({ curve: _curve, ...rest }) => rest),
    tests: arms.slice(1).map((arm, i) => ({ a: armName(arms[0]!), b: armName(arm), reported: Summary.compare(trajectories[0]!, trajectories[i + 1]!, budget) })),
    curves: summaries.map((s) => s.curve)
  }
}

export const markdown = (objective: string, result: ReturnType<typeof summary>) => {
  const reported = result.arms[0]?.reported.map((p) => p.t) ?? []
  const hit = (h: Summary.Hitting) => `${h.meanCurve ?? "not reached"} / ${h.median ?? "not reached"} (${(100 * h.reached).toFixed(0)}%)`
  return [
    `${objective}: incumbent mean ± std [95% CI half-width] over trials; optimum ${result.optimum}`,
    "",
    Markdown.table(
      ["arm", "trials", ...reported.map((t) => `t = ${t}`), `evaluations to ${result.arms[0]?.hitting.threshold.toFixed(4) ?? ""}: mean curve / median (reached)`],
      result.arms.map((a) => [a.name, String(a.trials), ...a.reported.map((p) => Number.isNaN(p.mean) ? "no value yet" : `${p.mean.toFixed(3)} ± ${p.std.toFixed(3)} [${p.ci95.toFixed(3)}]`), hit(a.hitting)])
    ),
    "",
    ...result.tests.map((t) => [`${t.b} vs ${t.a}, Welch's t-test (two-sided):`, ...t.reported.map((r) => `  t = ${r.evaluations}: t = ${r.t.toFixed(3)}, df ${r.df.toFixed(1)}, ${Markdown.pValue(r.p)}`)].join("\n"))
  ].join("\n")
}

/** Writes trajectory-<i>.arrow, summary.md, summary.json and incumbent.svg/.png into `dir`. */
export const writeSearchReport = (
  dir: string, objective: string, budget: number,
  trajectories: ReadonlyArray<ReadonlyArray<Summary.Incumbent>>, result: ReturnType<typeof summary>,
  table: Artifact.Table<any> = Trajectory
) => {
  const { curves, ...printed } = result
  mkdirSync(dir, { recursive: true })
  trajectories.forEach((rows, i) => writeFileSync(path.join(dir, `trajectory-${i}.arrow`), Artifact.encode(Artifact.fromRows(table, rows))))
  writeFileSync(path.join(dir, "summary.md"), `${markdown(objective, result)}\n`)
  writeFileSync(path.join(dir, "summary.json"), `${JSON.stringify(printed, null, 2)}\n`)
  // From t = 10: the first few evaluations are single random draws whose spread would set the y range.
  const from = Math.min(10, budget)
  const plot = LinePlot.svg(
    result.arms.map((a, i) => ({ name: a.name, points: curves[i]!.filter((p) => p.t >= from).map((p) => ({ x: p.t, y: p.mean, spread: p.ci95 })) })),
    {
      xLabel: `evaluations (from ${from})`,
      yLabel: `${objective}: mean incumbent (95% CI)`,
      spread: "band",
      xTicks: [from, ...Summary.reportedFor(budget).filter((t) => t > from)],
      rules: [{ y: result.arms[0]!.hitting.threshold, label: "0.99 × optimum" }]
    }
  )
  writeFileSync(path.join(dir, "incumbent.svg"), plot)
  writeFileSync(path.join(dir, "incumbent.png"), Png.fromSvg(plot))
}

const positive = (flag: string, v: number) => {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${flag} ${v}: expected a positive integer`)
  return v
}

export const searchCommand = Command.make(
  "search",
  {
    store,
    force,
    space: Flag.String("space").pipe(Flag.withDefault("nb201")),
    objective: Flag.String("objective").pipe(Flag.withDescription("Objective column (cifar10_test, cifar100_test, imagenet16_test, …)"), Flag.withDefault("cifar100_test")),
    representation: Flag.String("representation").pipe(Flag.withDescription("An encoding (path-naslib, …), hashed-ngram, onnx:MODEL_DIR or embeddings:FILE (default: path-naslib; hashed-ngram with --evaluate)"), Flag.optional),
    evaluate: Flag.String("evaluate").pipe(Flag.withDescription("A shell command that trains one architecture and prints its value last on stdout (code text on stdin and in $COLE_CODE_FILE, the architecture in $COLE_ARCH); searches any space without a table"), Flag.optional),
    evaluateDeps: Flag.String("evaluate-deps").pipe(Flag.withDescription("Files and folders the evaluation depends on, comma-separated (e.g. train.py,configs/): their content enters every evaluation's key, so an edit re-evaluates; files the command names are included without asking"), Flag.optional),
    evaluateTimeout: Flag.Finite("evaluate-timeout").pipe(Flag.withDescription("Seconds before an evaluation counts as a timeout"), Flag.withDefault(3600)),
    failureValue: Flag.Finite("failure-value").pipe(Flag.withDescription("The value a failed or timed-out evaluation counts as"), Flag.withDefault(0)),
    archs: Flag.String("archs").pipe(Flag.withDescription("For embeddings:FILE.npy: the architectures, one per line"), Flag.optional),
    preset: Flag.Literals("preset", ["naslib-default", "cole-paper"]).pipe(Flag.withDefault("cole-paper")),
    algorithm: Flag.Literals("algorithm", ["bananas", "re", "random"]).pipe(Flag.withDefault("bananas")),
    trials: Flag.Int("trials").pipe(Flag.withDefault(100)),
    budget: Flag.Int("budget").pipe(Flag.withDescription("Evaluations per trial"), Flag.withDefault(500)),
    seed: Flag.Int("seed").pipe(Flag.withDescription("Base seed: trial i uses seed + i"), Flag.withDefault(0)),
    acquisition: Flag.Literals("acquisition", ["its", "ucb", "ei", "exploit"]).pipe(Flag.withDefault("its")),
    generator: Flag.Literals("candidates", ["mutation", "random"]).pipe(Flag.withDefault("mutation")),
    mutationMode: Flag.Literals("mutation-mode", ["naslib-chain", "star"]).pipe(Flag.withDefault("naslib-chain")),
    dedupe: Flag.Boolean("dedupe").pipe(Flag.withDefault(false)),
    epochs: Flag.Int("epochs").pipe(Flag.withDescription("Ensemble training epochs (default: the preset's)"), Flag.optional),
    pca: Flag.Int("pca").pipe(Flag.withDescription("PCA components refitted at every fit (default: 128 for embeddings, none for encodings; 0 = none)"), Flag.optional),
    compare: Flag.String("compare").pipe(Flag.withDescription("Another arm, as the settings it changes: algorithm=re or representation=…,preset=…; repeatable"), Flag.atLeast(0)),
    compareRepresentation: Flag.String("compare-representation").pipe(Flag.withDescription("Shorthand for --compare representation=…"), Flag.optional),
    nb201: Flag.String("nb201").pipe(Flag.withDescription("NB201 table folder or CSV"), Flag.optional),
    workers: Flag.Int("workers").pipe(Flag.withDescription("Worker threads for the surrogate fits (default: one per core)"), Flag.optional),
    out: Flag.String("out").pipe(Flag.withDescription("Folder for the report: trajectory-<i>.arrow, summary.md, summary.json, incumbent.svg and .png"), Flag.optional),
    json: Flag.Boolean("json").pipe(Flag.withDescription("Print the summary as one JSON object on stdout"), Flag.withDefault(false))
  },
  (o) =>
    oneLine(Effect.gen(function*() {
      const open = Option.isSome(o.evaluate)
      const representation = Option.getOrElse(o.representation, () => (open ? "hashed-ngram" : "path-naslib"))
      const base: Arm = { representation, algorithm: o.algorithm, preset: o.preset }
      const arms = yield* Effect.try({
        try: () => {
          positive("--trials", o.trials)
          positive("--budget", o.budget)
          if (o.seed < 0) throw new Error(`--seed ${o.seed}: expected a non-negative integer`)
          Option.map(o.epochs, (e) => positive("--epochs", e))
          Option.map(o.pca, (k) => {
            if (!Number.isInteger(k) || k < 0) throw new Error(`--pca ${k}: expected a non-negative integer`)
          })
          const extra = [...o.compare, ...Option.match(o.compareRepresentation, { onNone: () => [], onSome: (r) => [`representation=${r}`] })]
          const all = [base, ...extra.map((text) => parseArm(base, text))]
          if (open && o.evaluateTimeout <= 0) throw new Error(`--evaluate-timeout ${o.evaluateTimeout}: expected a positive number of seconds`)
          if (!open && Option.isSome(o.evaluateDeps)) throw new Error(`--evaluate-deps ${o.evaluateDeps.value}: only with --evaluate`)
          for (const arm of all) {
            if (open && arm.representation !== "hashed-ngram" && !arm.representation.startsWith("onnx:")) {
              throw new Error(`representation ${arm.representation}: a search with --evaluate featurizes code text on demand; use hashed-ngram or onnx:MODEL_DIR`)
            }
          }
          return all
        },
        catch: (e) => e as Error
      })
      const settings = {
        trials: o.trials,
        seed: o.seed,
        budget: o.budget,
        acquisition: o.acquisition,
        generator: o.generator,
        mutationMode: o.mutationMode,
        dedupe: o.dedupe,
        epochs: Option.getOrElse(o.epochs, () => defaults.epochs),
        pca: Option.getOrUndefined(o.pca)
      }
      const platform = Layer.mergeAll(Store.layer(o.store), Executor.local({ ...Option.match(o.workers, { onNone: () => ({}), onSome: (workers) => ({ workers }) }) }), o.json ? Progress.silent : Progress.layer)
      const value: { readonly arms: ReadonlyArray<ReadonlyArray<Summary.Incumbent>>; readonly optimum: number } = Option.isNone(o.evaluate)
        ? (yield* Pipeline.run(searchPipeline({ space: o.space, objective: o.objective, nb201: Option.getOrUndefined(o.nb201), archs: Option.getOrUndefined(o.archs), arms, settings }), { force: o.force })
          .pipe(Effect.provide(platform))).value
        : (yield* Pipeline.run(openSearchPipeline({
            space: o.space,
            command: o.evaluate.value,
            timeout: o.evaluateTimeout,
            failureValue: o.failureValue,
            dependencies: Option.match(o.evaluateDeps, { onNone: () => [], onSome: (list) => list.split(",").map((d) => d.trim()).filter((d) => d !== "") }),
            arms,
            settings
          }), { force: o.force }).pipe(Effect.tap(({ value }) => checkEvaluations(value.arms.flat())), Effect.provide(platform))).value
      const objective = open ? `${o.space}, evaluated by \`${Option.getOrThrow(o.evaluate)}\` (reference: the best value found)` : o.objective
      const result = summary(arms, value.arms, o.budget, value.optimum)
      const { curves: _curves, ...printed } = result
      const text = markdown(objective, result)
      yield* Option.match(o.out, { onNone: () => Effect.void, onSome: (dir) => Effect.sync(() => writeSearchReport(dir, objective, o.budget, value.arms, result, open ? OpenTrajectory : Trajectory)) })
      yield* Console.log(o.json ? JSON.stringify(printed) : text)
    }))
).pipe(Command.withDescription("Search a space with a surrogate (BANANAS), evolution or at random; summarize the trials"))
