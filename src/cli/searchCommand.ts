/**
 * `cole search`: T trials of BANANAS (or regularized evolution, or random search) against a benchmark
 * table, on one representation and optionally others (arms) with the same trial seeds; the summary of
 * docs/search.md with Welch's test between the first arm and each other. Every batch of every trial
 * is a cache entry, so a killed search resumes mid-trial. The pipelines are in src/pipelines/Search.ts;
 * this file turns flags into their configuration.
 */
import { Console, Effect, Option, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { OpenTrajectory, Trajectory } from "../../schemas/Tables.ts"
import * as Components from "../components/registry.ts"
import * as Pipeline from "../core/Pipeline.ts"
import type * as Artifact from "../core/Artifact.ts"
import { Arm, EvaluationsFailed, failures, openSearchPipeline, searchPipeline, summary, withArmSetting } from "../pipelines/Search.ts"
import { markdown, writeSearchReport } from "../report/SearchReport.ts"
import { defaults } from "../search/SearchStep.ts"
import type * as SearchView from "../serve/SearchView.ts"
import { getSpace } from "../spaces/registry.ts"
import { db, executor, platformLayer } from "./clusterFlags.ts"
import { applySettings, componentFlag, force, oneLine, store } from "./common.ts"

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

/** The values a choice setting of an arm takes, for messages. */
const choices: Readonly<Record<string, ReadonlyArray<string>>> = {
  algorithm: [...Object.keys(Components.strategies), "FILE.ts#export"],
  preset: Arm.fields.preset.literals
}

/** `--compare algorithm=re` or `representation=…,preset=…`: the settings another arm changes. */
export const parseArm = (base: Arm, text: string) =>
  applySettings(base, text, withArmSetting, (key, value, setting) =>
    key in choices
      ? `${key} ${value}: expected ${choices[key]!.join(", ")}`
      : `${JSON.stringify(setting)}: expected representation=…, algorithm=${choices.algorithm!.join("|")}, preset=${choices.preset!.join("|")}, reducer=… or head=…`)

const positive = (flag: string, v: number) => {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${flag} ${v}: expected a positive integer`)
  return v
}

export const searchCommand = Command.make(
  "search",
  {
    store,
    force,
    space: Flag.String("space").pipe(Flag.withDescription("Search space (nb201, einspace, or one you registered); a space without a table needs --evaluate"), Flag.withDefault("nb201")),
    objective: Flag.String("objective").pipe(Flag.withDescription("Objective column (cifar10_test, cifar100_test, imagenet16_test, …)"), Flag.withDefault("cifar100_test")),
    representation: Flag.String("representation").pipe(Flag.withDescription("An encoding (path-naslib, …), hashed-ngram, onnx:MODEL_DIR or embeddings:FILE (default: path-naslib; hashed-ngram with --evaluate)"), Flag.optional),
    evaluate: Flag.String("evaluate").pipe(Flag.withDescription("A shell command that trains one architecture and prints its value last on stdout (code text on stdin and in $COLE_CODE_FILE, the architecture in $COLE_ARCH); searches any space without a table"), Flag.optional),
    evaluateDeps: Flag.String("evaluate-deps").pipe(Flag.withDescription("Files and folders the evaluation depends on, comma-separated (e.g. train.py,configs/): their content enters every evaluation's key, so an edit re-evaluates; files the command names are included without asking"), Flag.optional),
    evaluateTimeout: Flag.Finite("evaluate-timeout").pipe(Flag.withDescription("Seconds before an evaluation counts as a timeout"), Flag.withDefault(3600)),
    failureValue: Flag.Finite("failure-value").pipe(Flag.withDescription("The value a failed or timed-out evaluation counts as"), Flag.withDefault(0)),
    archs: Flag.String("archs").pipe(Flag.withDescription("For embeddings:FILE.npy: the architectures, one per line"), Flag.optional),
    preset: Flag.Literals("preset", ["naslib-default", "cole-paper"]).pipe(Flag.withDescription("BANANAS settings: NASLib's defaults, or those of the COLE paper's code (docs/search.md)"), Flag.withDefault("cole-paper")),
    algorithm: Flag.String("algorithm").pipe(Flag.withDescription("bananas (a surrogate picks each batch), re (regularized evolution), random, or a strategy of yours: FILE.ts#export"), Flag.withDefault("bananas")),
    head: Flag.String("head").pipe(Flag.withDescription("The surrogate head: mlp (the preset's ensemble), gp (a Gaussian process), or a head of yours: FILE.ts#export"), Flag.optional),
    reducer: Flag.String("reducer").pipe(Flag.withDescription("Refitted at every fit: pca<K>, rp<K> (random projection), none, or a reducer of yours: FILE.ts#export (default: pca128 for embeddings, none for encodings)"), Flag.optional),
    trials: Flag.Int("trials").pipe(Flag.withDescription("Independent trials per arm; trial i uses seed --seed + i"), Flag.withDefault(100)),
    budget: Flag.Int("budget").pipe(Flag.withDescription("Evaluations per trial"), Flag.withDefault(500)),
    seed: Flag.Int("seed").pipe(Flag.withDescription("Base seed: trial i uses seed + i"), Flag.withDefault(0)),
    acquisition: Flag.Literals("acquisition", ["its", "ucb", "ei", "exploit"]).pipe(Flag.withDescription("How BANANAS scores candidates from the ensemble: independent Thompson sampling, UCB, expected improvement, or the mean"), Flag.withDefault("its")),
    generator: Flag.Literals("candidates", ["mutation", "random"]).pipe(Flag.withDescription("Where BANANAS draws candidates from: mutations of the best so far, or the whole space"), Flag.withDefault("mutation")),
    mutationMode: Flag.Literals("mutation-mode", ["naslib-chain", "star"]).pipe(Flag.withDescription("Mutation candidates chained one from the last, as NASLib does, or each drawn from its parent independently"), Flag.withDefault("naslib-chain")),
    dedupe: Flag.Boolean("dedupe").pipe(Flag.withDescription("Never evaluate an architecture twice in a trial (a repeat is replaced by a random unevaluated one)"), Flag.withDefault(false)),
    epochs: Flag.Int("epochs").pipe(Flag.withDescription("Ensemble training epochs (default: the preset's)"), Flag.optional),
    pca: Flag.Int("pca").pipe(Flag.withDescription("PCA components refitted at every fit (default: 128 for embeddings, none for encodings; 0 = none)"), Flag.optional),
    compare: Flag.String("compare").pipe(Flag.withDescription("Another arm, as the settings it changes: algorithm=re or representation=…,preset=…; repeatable"), Flag.atLeast(0)),
    compareRepresentation: Flag.String("compare-representation").pipe(Flag.withDescription("Shorthand for --compare representation=…"), Flag.optional),
    nb201: Flag.String("nb201").pipe(Flag.withDescription("NB201 table folder or CSV"), Flag.optional),
    executor,
    db,
    workers: Flag.Int("workers").pipe(Flag.withSchema(Schema.Int.check(Schema.isGreaterThan(0))), Flag.withDescription("Worker threads for the surrogate fits (default: one per core)"), Flag.optional),
    out: Flag.String("out").pipe(Flag.withDescription("Folder for the report: trajectory-<i>.arrow, summary.md, summary.json, incumbent.svg and .png"), Flag.optional),
    json: Flag.Boolean("json").pipe(Flag.withDescription("Print the summary as one JSON object on stdout"), Flag.withDefault(false))
  },
  (o) =>
    oneLine(Effect.gen(function*() {
      const open = Option.isSome(o.evaluate)
      // A table search enumerates the space and looks every value up; a space without one needs a program.
      if (!open && (yield* getSpace(o.space)).enumerate === undefined) {
        return yield* Effect.fail(new Error(`search --space ${o.space}: ${o.space} has no table of measured values to search; give --evaluate CMD, a program that trains the network it is given and prints its value (README: "Add a search space"; examples/evaluate-stand-in.sh)`))
      }
      const representation = Option.getOrElse(o.representation, () => (open ? "hashed-ngram" : "path-naslib"))
      const base: Arm = {
        representation,
        algorithm: yield* componentFlag("--algorithm", o.algorithm),
        preset: o.preset,
        ...(Option.isSome(o.reducer) ? { reducer: yield* componentFlag("--reducer", o.reducer.value) } : {}),
        ...(Option.isSome(o.head) ? { head: yield* componentFlag("--head", o.head.value) } : {})
      }
      yield* Effect.try({
        try: () => {
          positive("--trials", o.trials)
          positive("--budget", o.budget)
          if (o.seed < 0) throw new Error(`--seed ${o.seed}: expected a non-negative integer`)
          Option.map(o.epochs, (e) => positive("--epochs", e))
          Option.map(o.pca, (k) => {
            if (!Number.isInteger(k) || k < 0) throw new Error(`--pca ${k}: expected a non-negative integer`)
          })
          if (open && o.evaluateTimeout <= 0) throw new Error(`--evaluate-timeout ${o.evaluateTimeout}: expected a positive number of seconds`)
          if (!open && Option.isSome(o.evaluateDeps)) throw new Error(`--evaluate-deps ${o.evaluateDeps.value}: only with --evaluate`)
        },
        catch: (e) => e as Error
      })
      const extra = [...o.compare, ...Option.match(o.compareRepresentation, { onNone: () => [], onSome: (r) => [`representation=${r}`] })]
      const arms = [base, ...yield* Effect.forEach(extra, (text) => parseArm(base, text))]
      const textOnly = arms.find((arm) => open && arm.representation !== "hashed-ngram" && !arm.representation.startsWith("onnx:"))
      if (textOnly !== undefined) {
        return yield* Effect.fail(new Error(`representation ${textOnly.representation}: a search with --evaluate featurizes code text on demand; use hashed-ngram or onnx:MODEL_DIR`))
      }
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
      const platform = platformLayer(o.store, o, o.json ? "silent" : "stderr")
      const value: { readonly arms: ReadonlyArray<ReadonlyArray<SearchView.Row>>; readonly optimum: number } = Option.isNone(o.evaluate)
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
      yield* Option.match(o.out, { onNone: () => Effect.void, onSome: (dir) => Effect.sync(() => writeSearchReport(dir, objective, o.budget, value.arms, result, { table: open ? OpenTrajectory : Trajectory, space: o.space })) })
      yield* Console.log(o.json ? JSON.stringify(printed) : text)
    }))
).pipe(Command.withDescription("Search a space with a surrogate (BANANAS), evolution or at random; summarize the trials"))
