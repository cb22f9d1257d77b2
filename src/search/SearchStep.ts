/**
 * The `search` step: T trials of a search strategy (BANANAS, regularized evolution, random search, or a
 * user's) on a representation
 * (any Features artifact) and an objective (any Objective artifact). Trials run concurrently; each is a
 * chain of cached batches (the initial design, then one per surrogate fit, whose fit runs on the
 * Executor's workers), so a killed search resumes mid-trial and ends with the same trajectory, and
 * adding trials reuses every finished one.
 */
import { Effect, Schema } from "effect"
import { type Features, type Objective, Trajectory } from "../../schemas/Tables.ts"
import * as Components from "../components/registry.ts"
import type * as Strategy from "../components/Strategy.ts"
import * as Artifact from "../core/Artifact.ts"
import * as Component from "../core/Component.ts"
import { Executor, type ExecutorError } from "../core/Executor.ts"
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
  /** The search strategy: `{ use: "bananas" }`, `"re"`, `"random"`, or a user's (`./mine.ts#strategy`). */
  algorithm: Component.Ref,
  preset: Schema.Literals(["naslib-default", "cole-paper"]),
  trials: Schema.Int.check(Schema.isGreaterThan(0)),
  /** Trial i uses seed `seed + i`. */
  seed: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  budget: Schema.Int.check(Schema.isGreaterThan(0)),
  /** Refitted on the evaluated rows at every fit (the cole arm: `{ use: "pca", params: { components: 128 } }`). */
  reducer: Component.Ref,
  /** The surrogate head; absent: the preset's MLP ensemble trained for `epochs`. */
  head: Schema.optional(Component.Ref),
  acquisition: Schema.Literals(["its", "ucb", "ei", "exploit"]),
  generator: Schema.Literals(["mutation", "random"]),
  mutationMode: Schema.Literals(["naslib-chain", "star"]),
  dedupe: Schema.Boolean,
  /** The preset's ensemble's training epochs; 0 = the preset's (quick experiments and tests set fewer). */
  epochs: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
})
export type Params = typeof Params.Type

export const defaults = {
  space: "nb201",
  algorithm: { use: "bananas" },
  preset: "cole-paper",
  trials: 1,
  seed: 0,
  budget: 500,
  reducer: { use: "identity" },
  acquisition: "its",
  generator: "mutation",
  mutationMode: "naslib-chain",
  dedupe: false,
  epochs: 0
} as const satisfies Params

/** The search's strategy, reducer and head, located (for the workers) and identified (for the keys). */
export const components = Effect.fn("Search.components")(function*(params: Params) {
  const head = params.head ?? { use: "mlp-ensemble", params: { preset: presets[params.preset].ensemble, epochs: params.epochs } }
  const located = {
    algorithm: yield* Components.locate.strategy(params.algorithm),
    reducer: yield* Components.locate.reducer(params.reducer),
    head: yield* Components.locate.head(head)
  }
  const identity = {
    algorithm: yield* Component.identity(located.algorithm),
    reducer: yield* Component.identity(located.reducer),
    head: yield* Component.identity(located.head)
  }
  return { located, identity }
})

/** Where a search gets objective values and feature rows: a precomputed pool, or on demand. */
export interface Oracle<E> {
  readonly width: number
  readonly values: (archs: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<number>, E>
  readonly rows: (archs: ReadonlyArray<string>) => Effect.Effect<Float32Array, E>
  /** A trajectory table with more columns than `Trajectory`, and each evaluated architecture's values for them. */
  readonly trajectory?: { readonly table: Artifact.Table<any>; readonly columns: (arch: string) => Record<string, unknown> }
}

/** The trials of a search, each a chain of cached batches its strategy records, on any oracle. */
export const runTrials = <P extends Params, E>(params: P, context: Step.RunContext, oracle: Oracle<E>) =>
  Effect.gen(function*() {
    const space = yield* getSpace(params.space)
    const executor = yield* Executor
    const { located, identity } = yield* components(params)
    const strategy = (yield* Component.load<Strategy.Strategy>(located.algorithm)).instance
    const preset = presets[params.preset]
    const generator: Candidates.Options = params.generator === "random"
      ? { kind: "random", candidates: preset.candidates.candidates }
      : { ...preset.candidates, mode: params.mutationMode }
    // A batch's result depends on everything but the number of trials (and the trial's seed is the unit's);
    // components enter by their identity (a user's module by its content, not its path).
    const { trials: _trials, seed: _seed, algorithm: _algorithm, reducer: _reducer, head: _head, ...settings } = params
    const unitParams = { ...settings as Step.Json & object, components: identity }
    const table = oracle.trajectory?.table ?? Trajectory
    const withColumns = (records: Array<Trial.Record>) =>
      oracle.trajectory === undefined ? records : records.map((r) => ({ ...r, ...oracle.trajectory!.columns(r.arch) }))

    const runTrial = (index: number) =>
      Effect.gen(function*() {
        const seed = params.seed + index
        const records: Array<Trial.Record> = []
        const trial: Strategy.Trial<E | Shards.UnitError | ExecutorError> = {
          space,
          seed,
          budget: params.budget,
          preset,
          generator,
          acquisition: params.acquisition,
          dedupe: params.dedupe,
          batch: (batch, produce) =>
            Shards.unit(context, {
              step: `${context.preimage.step}.batch`,
              label: `${context.node}[trial ${index}, batch ${batch}]`,
              params: unitParams,
              inputs: { ...context.preimage.inputs, unit: Hash.digestJson({ seed, batch }) },
              table,
              produce: produce.pipe(Effect.map((r) => Artifact.fromRows(table, withColumns(r))))
            }).pipe(Effect.map(({ frame }) => void records.push(...(Artifact.toRows(frame) as Array<Trial.Record>)))),
          history: () => Trial.history(records),
          record: (before, archs, values, choices) => Trial.evaluate(index, before, archs, values, choices),
          evaluate: (before, archs, choices) => Effect.map(oracle.values(archs), (values) => Trial.evaluate(index, before, archs, values, choices)),
          value: (arch) => Effect.map(oracle.values([arch]), (v) => v[0]!),
          predict: (fit, seen, candidates) =>
            Effect.gen(function*() {
              const input: FitInput = {
                reducer: located.reducer,
                head: located.head,
                x: yield* oracle.rows(seen.archs),
                y: Float64Array.from(seen.values),
                candidates: yield* oracle.rows(candidates),
                d: oracle.width,
                seed,
                fit
              }
              return yield* executor.run<FitInput, FitOutput>(FIT_TASK, input)
            })
        }
        yield* strategy.run(trial)
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
  // The components' identities: a user's module enters by the fingerprint of what it reaches.
  environment: (params) => Effect.map(components(params), ({ identity }) => ({ components: identity })),
  run: ({ features, objective }, params, context) => runTrials(params, context, tableOracle(features, objective))
})

export const identity = implementation

/** The search step with the given settings over the defaults (BANANAS, `cole-paper`, one trial of 500). */
export const search = (options: Partial<Params> = {}) => implementation({ ...defaults, ...options })
