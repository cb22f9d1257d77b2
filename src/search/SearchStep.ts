/**
 * The `search` step: T trials of BANANAS, regularized evolution or random search on a representation
 * (any Features artifact) and an objective (any Objective artifact). Trials run concurrently; each is a
 * chain of cached batches (the initial design, then one per surrogate fit, whose fit runs on the
 * Executor's workers), so a killed search resumes mid-trial and ends with the same trajectory, and
 * adding trials reuses every finished one.
 */
import { Effect, Schema } from "effect"
import { type Features, type Objective, Trajectory } from "../../schemas/Tables.ts"
import * as Artifact from "../core/Artifact.ts"
import { Executor } from "../core/Executor.ts"
import * as Hash from "../core/Hash.ts"
import { tracked } from "../core/Progress.ts"
import * as Shards from "../core/Shards.ts"
import * as Step from "../core/Step.ts"
import { getSpace } from "../spaces/registry.ts"
import { Search } from "../steps/Services.ts"
import { InvalidStepInput } from "../steps/InvalidStepInput.ts"
import type * as Candidates from "./Candidates.ts"
import { presets } from "./Presets.ts"
import type { FitInput, FitOutput } from "./Surrogate.ts"
import * as Trial from "./Trial.ts"

const FIT_TASK = { module: new URL("./Surrogate.ts", import.meta.url).href, fn: "fitPredict" }

export const Params = Schema.Struct({
  space: Schema.String,
  algorithm: Schema.Literals(["bananas", "re", "random"]),
  preset: Schema.Literals(["naslib-default", "cole-paper"]),
  trials: Schema.Int.check(Schema.isGreaterThan(0)),
  /** Trial i uses seed `seed + i`. */
  seed: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  budget: Schema.Int.check(Schema.isGreaterThan(0)),
  /** A fresh PCA(min(pca, n)) of the features at every fit (the cole arm); 0 = features as they are. */
  pca: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  acquisition: Schema.Literals(["its", "ucb", "ei", "exploit"]),
  generator: Schema.Literals(["mutation", "random"]),
  mutationMode: Schema.Literals(["naslib-chain", "star"]),
  dedupe: Schema.Boolean,
  /** Ensemble training epochs; 0 = the preset's (quick experiments and tests set fewer). */
  epochs: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
})
export type Params = typeof Params.Type

export const defaults = {
  space: "nb201",
  algorithm: "bananas",
  preset: "cole-paper",
  trials: 1,
  seed: 0,
  budget: 500,
  pca: 0,
  acquisition: "its",
  generator: "mutation",
  mutationMode: "naslib-chain",
  dedupe: false,
  epochs: 0
} as const satisfies Params

/** Where a search gets objective values and feature rows: a precomputed pool, or on demand. */
export interface Oracle<E> {
  readonly width: number
  readonly values: (archs: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<number>, E>
  readonly rows: (archs: ReadonlyArray<string>) => Effect.Effect<Float32Array, E>
  /** A trajectory table with more columns than `Trajectory`, and each evaluated architecture's values for them. */
  readonly trajectory?: { readonly table: Artifact.Table<any>; readonly columns: (arch: string) => Record<string, unknown> }
}


/** The trials of a search, each a chain of cached batches, on any oracle. */
export const runTrials = <P extends Params, E>(params: P, context: Step.RunContext, oracle: Oracle<E>) =>
  Effect.gen(function*() {
    const space = yield* getSpace(params.space)
    const executor = yield* Executor
    const preset = presets[params.preset]
    const generator: Candidates.Options = params.generator === "random"
      ? { kind: "random", candidates: preset.candidates.candidates }
      : { ...preset.candidates, mode: params.mutationMode }
    // A batch's result depends on everything but the number of trials (and the trial's seed is the unit's).
    const { trials: _trials, seed: _seed, ...unitParams } = params
    const guarded = <A>(f: () => A) => Effect.try({ try: f, catch: (e) => (e instanceof InvalidStepInput ? e : new InvalidStepInput({ step: "search", problem: String(e) })) })
    const evaluated = (trial: number, before: Trial.History, archs: ReadonlyArray<string>, choices?: ReadonlyArray<Trial.Choice>) =>
      Effect.map(oracle.values(archs), (values) => Trial.evaluate(trial, before, archs, values, choices))
    const table = oracle.trajectory?.table ?? Trajectory
    const withColumns = (records: Array<Trial.Record>) =>
      oracle.trajectory === undefined ? records : records.map((r) => ({ ...r, ...oracle.trajectory!.columns(r.arch) }))

    const runTrial = (trial: number) =>
      Effect.gen(function*() {
        const seed = params.seed + trial
        const records: Array<Trial.Record> = []
        const batch = <BE>(index: number, produce: Effect.Effect<Array<Trial.Record>, BE>) =>
          Shards.unit(context, {
            step: `${context.preimage.step}.batch`,
            label: `${context.node}[trial ${trial}, batch ${index}]`,
            params: unitParams as Step.Json,
            inputs: { ...context.preimage.inputs, unit: Hash.digestJson({ seed, batch: index }) },
            table,
            produce: produce.pipe(Effect.map((r) => Artifact.fromRows(table, withColumns(r))))
          }).pipe(Effect.map(({ frame }) => records.push(...(Artifact.toRows(frame) as Array<Trial.Record>))))
        const empty: Trial.History = { archs: [], values: [] }
        if (params.algorithm === "random") {
          yield* batch(0, Effect.flatMap(guarded(() => Trial.randomDesign(space, seed, params.budget)), (archs) => evaluated(trial, empty, archs)))
        } else if (params.algorithm === "re") {
          const valueOf = (arch: string) => Effect.map(oracle.values([arch]), (v) => v[0]!)
          yield* batch(0, Effect.gen(function*() {
            const run = yield* Trial.evolution(space, seed, params.budget, preset.population, preset.tournament, valueOf)
            return Trial.evaluate(trial, empty, run.archs, run.values)
          }))
        } else {
          yield* batch(0, Effect.flatMap(guarded(() => Trial.randomDesign(space, seed, Math.min(preset.initial, params.budget))), (archs) => evaluated(trial, empty, archs)))
          for (let fit = 1; records.length < params.budget; fit++) {
            const d = Trial.history(records)
            yield* batch(fit, Effect.gen(function*() {
              const plan = yield* guarded(() => Trial.plan(space, generator, params.dedupe, seed, fit, d))
              if (plan.fill !== undefined) return yield* evaluated(trial, d, [plan.fill])
              const input: FitInput = {
                preset: preset.ensemble,
                epochs: params.epochs,
                x: yield* oracle.rows(d.archs),
                y: Float64Array.from(d.values),
                candidates: yield* oracle.rows(plan.candidates),
                d: oracle.width,
                pca: params.pca,
                seed,
                fit
              }
              const out = yield* executor.run<FitInput, FitOutput>(FIT_TASK, input)
              const k = Math.min(preset.k, params.budget - d.archs.length)
              const chosen = Trial.choose(fit, plan.candidates, out.mu, out.sigma, Math.max(...d.values), params.acquisition, k, seed)
              return yield* evaluated(trial, d, chosen.map((c) => c.arch), chosen.map((c) => c.choice))
            }))
          }
        }
        return records
      })

    const trials = yield* tracked(`${context.node}: trials`, params.trials, (tracker) =>
      Effect.forEach(Array.from({ length: params.trials }, (_, i) => i), (i) => runTrial(i).pipe(Effect.tap(() => Effect.sync(() => tracker.advance()))), { concurrency: executor.concurrency }))
    return { trajectory: Artifact.fromRows(table, trials.flat()) }
  })

/** The pool oracle: every architecture's features and value looked up in the two tables. */
const tableOracle = (
  features: Artifact.Frame<typeof Features.columns>,
  objective: Artifact.Frame<typeof Objective.columns>
): Oracle<InvalidStepInput> => {
  const width = features.length === 0 ? 0 : features.columns.x.length / features.length
  const rowOf = new Map(features.columns.arch.map((a, i) => [a, i]))
  const valueMap = new Map(objective.columns.arch.map((a, i) => [a, objective.columns.value[i]!]))
  const missing = (what: string, arch: string) => new InvalidStepInput({ step: "search", problem: `architecture ${arch} has no ${what}` })
  return {
    width,
    values: (archs) =>
      Effect.suspend(() => {
        const out: Array<number> = []
        for (const a of archs) {
          const v = valueMap.get(a)
          if (v === undefined) return Effect.fail(missing("objective value", a))
          out.push(v)
        }
        return Effect.succeed(out)
      }),
    rows: (archs) =>
      Effect.suspend(() => {
        const out = new Float32Array(archs.length * width)
        for (let i = 0; i < archs.length; i++) {
          const row = rowOf.get(archs[i]!)
          if (row === undefined) return Effect.fail(missing("features", archs[i]!))
          out.set(features.columns.x.subarray(row * width, (row + 1) * width), i * width)
        }
        return Effect.succeed(out)
      })
  }
}

const implementation = Step.implement(Search, {
  implementation: "nb201-table-search",
  // 2: Adam in its efficient form (new rounding of every trained surrogate). 3: PCA on SymmetricEigen
  // and block Lanczos (new rounding of every reduced input).
  version: 3,
  params: Params,
  sources: [import.meta.url],
  run: ({ features, objective }, params, context) => runTrials(params, context, tableOracle(features, objective))
})

export const identity = implementation

/** The search step with the given settings over the defaults (BANANAS, `cole-paper`, one trial of 500). */
export const search = (options: Partial<Params> = {}) => implementation({ ...defaults, ...options })
