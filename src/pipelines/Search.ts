/**
 * The search pipelines: on a space with a table (NB201), the table evaluates and the features are any
 * representation; on any space with a user's program as the evaluator, the code text is featurized on
 * demand (the open search). T trials per arm on the same seeds, and the summary of docs/search.md with
 * Welch's test between the first arm and each other. Library code: `cole search` and the quickstart
 * build these from their flags.
 */
import * as path from "node:path"
import { Data, Effect, Layer, Schema } from "effect"
import type { OpenTrajectory } from "../../schemas/Tables.ts"
import * as Artifact from "../core/Artifact.ts"
import * as Pipeline from "../core/Pipeline.ts"
import { openSearch } from "../search/OpenSearch.ts"
import { type Params, search } from "../search/SearchStep.ts"
import * as Summary from "../search/Summary.ts"
import { CommandEvaluator } from "../steps/CommandEvaluator.ts"
import { Nb201Benchmark } from "../steps/Evaluator.ts"
import { Architectures, Evaluate, OpenSearch, Search } from "../steps/Services.ts"
import * as SpaceSteps from "../steps/SpaceSteps.ts"
import { check, headRef, parse, reducerRef, Spec, specName } from "./ComponentSpec.ts"
import { InvalidConfiguration } from "./InvalidConfiguration.ts"
import { featuresOf, isEmbedding } from "./Representation.ts"

/** What an arm varies; the objective, trials, budget and seed are shared by all arms. */
export const Arm = Schema.Struct({
  representation: Schema.String,
  /** `bananas`, `re`, `random`, or a user's strategy (`./mine.ts#strategy`). */
  algorithm: Spec,
  preset: Schema.Literals(["naslib-default", "cole-paper"]),
  /** Refitted at every fit; default: `pca128` for embeddings and in open searches, else none. */
  reducer: Schema.optional(Spec),
  /** The surrogate head; default: the preset's MLP ensemble. */
  head: Schema.optional(Spec)
})
export type Arm = typeof Arm.Type

/** The settings an arm can change by name, as `--compare` and search ablation axes spell them. */
export const ARM_SETTINGS = ["representation", "algorithm", "preset", "reducer", "head"] as const

/** `arm` with one setting changed (`algorithm=re`, `head=gp`), checked by the Schema. */
export const withArmSetting = Effect.fnUntraced(function*(arm: Arm, key: string, raw: string | Spec) {
  const setting = `${key}=${typeof raw === "string" ? raw : specName(raw)}`
  if (!(ARM_SETTINGS as ReadonlyArray<string>).includes(key) || raw === "") {
    return yield* new InvalidConfiguration({ setting, problem: `expected one of ${ARM_SETTINGS.map((s) => `${s}=…`).join(", ")}` })
  }
  const value = yield* parse(raw).pipe(Effect.mapError((problem) => new InvalidConfiguration({ setting, problem })))
  return yield* Schema.decodeUnknownEffect(Arm)({ ...arm, [key]: value }).pipe(
    Effect.mapError((e) => new InvalidConfiguration({ setting, problem: e.message.replace(/\s*\n\s*/g, " ") }))
  )
})

const ALGORITHM_NAMES: Readonly<Record<string, string>> = { bananas: "BANANAS", re: "RE", random: "random" }

export const armName = (a: Arm) => {
  const algorithm = typeof a.algorithm === "string" && a.algorithm in ALGORITHM_NAMES ? ALGORITHM_NAMES[a.algorithm] : specName(a.algorithm)
  const components = [a.reducer, a.head].flatMap((s) => (s === undefined ? [] : [specName(s)]))
  return [algorithm, a.representation, a.preset, ...components].join(" · ")
}

/** The settings every arm shares; `pca` (when given) is the default reducer: PCA to that many components, 0 = none. */
export type SharedSettings = Omit<Params, "space" | "algorithm" | "preset" | "reducer" | "head"> & { readonly pca: number | undefined }

export interface SearchOptions {
  readonly space: string
  readonly objective: string
  readonly nb201: string | undefined
  readonly archs: string | undefined
  readonly arms: ReadonlyArray<Arm>
  readonly settings: SharedSettings
}

/** The search step's strategy, reducer and head for an arm; `reduce` says whether the default reducer is PCA 128. */
export const armComponents = (arm: Arm, settings: SharedSettings, reduce: boolean) => {
  const pca = settings.pca ?? (reduce ? 128 : 0)
  const { pca: _pca, ...shared } = settings
  return {
    ...shared,
    algorithm: typeof arm.algorithm === "string" ? { use: arm.algorithm } : arm.algorithm,
    preset: arm.preset,
    reducer: reducerRef(arm.reducer ?? (pca > 0 ? `pca${pca}` : "none")),
    ...(arm.head === undefined ? {} : { head: headRef(arm.head, { use: "mlp-ensemble", params: { preset: arm.preset, epochs: settings.epochs } }) })
  }
}

/** Every arm's components loaded once before anything runs. */
const checkArms = (arms: ReadonlyArray<Arm>, settings: SharedSettings) =>
  Effect.forEach(arms, (arm) => check(armComponents(arm, settings, true)), { discard: true })

export const searchPipeline = (o: SearchOptions) =>
  Pipeline.make("search", Effect.gen(function*() {
    yield* checkArms(o.arms, o.settings)
    const { architectures } = yield* Pipeline.node(Architectures, {})
    const { objective } = yield* Pipeline.node(Evaluate, { architectures })
    const values = (yield* Pipeline.load(objective)).columns.value
    const arms = yield* Effect.forEach(o.arms, (arm) =>
      Effect.gen(function*() {
        const features = yield* featuresOf(o.space, arm.representation, o.archs, architectures)
        // Embeddings get a fresh PCA(min(128, n)) at every fit (the cole arm); encodings are used as they are.
        const layer = search({ ...armComponents(arm, o.settings, isEmbedding(arm.representation)), space: o.space })
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
    yield* checkArms(o.arms, o.settings)
    const evaluator = CommandEvaluator.layer({ command: o.command, timeout: o.timeout, space: o.space, dependencies: o.dependencies })
    const arms = yield* Effect.forEach(o.arms, (arm) =>
      Effect.gen(function*() {
        const featurizer = arm.representation.startsWith("onnx:")
          ? { representation: "onnx" as const, model: path.resolve(arm.representation.slice("onnx:".length)) }
          : { representation: "hashed-ngram" as const }
        const layer = openSearch({ ...armComponents(arm, o.settings, true), ...featurizer, space: o.space, failureValue: o.failureValue })
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

export const summary = (arms: ReadonlyArray<Arm>, trajectories: ReadonlyArray<ReadonlyArray<Summary.Incumbent>>, budget: number, optimum: number) => {
  const summaries = arms.map((arm, i) => Summary.summarize(armName(arm), trajectories[i]!, budget, optimum))
  return {
    optimum,
    arms: summaries.map(({ curve: _curve, ...rest }) => rest),
    tests: arms.slice(1).map((arm, i) => ({ a: armName(arms[0]!), b: armName(arm), reported: Summary.compare(trajectories[0]!, trajectories[i + 1]!, budget) })),
    curves: summaries.map((s) => s.curve)
  }
}

