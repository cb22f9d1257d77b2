/**
 * The `cross-validate` step: R repeats × 10 stratified folds × the budgets, each trial its own cache
 * entry (`cross-validate.trial`), so a killed run resumes trial by trial and adding a budget or a repeat
 * runs only the new trials; trials run on the Executor's workers. Every configuration sees the same folds and subsamples (they depend only on
 * the objective, the repeat and the fold), so two configurations' trials pair up for the t-test.
 */
import { Effect, Schema } from "effect"
import { Trials } from "../../../schemas/Tables.ts"
import * as Components from "../../components/registry.ts"
import * as Artifact from "../../core/Artifact.ts"
import * as Component from "../../core/Component.ts"
import { Executor } from "../../core/Executor.ts"
import * as Hash from "../../core/Hash.ts"
import { tracked } from "../../core/Progress.ts"
import * as Shards from "../../core/Shards.ts"
import * as Step from "../../core/Step.ts"
import { InvalidStepInput } from "../InvalidStepInput.ts"
import { CrossValidate } from "../Services.ts"
import * as Cv from "./CrossValidation.ts"

const TRIAL_STEP = "cross-validate.trial"
const TRIAL_TASK = { module: new URL("./CrossValidation.ts", import.meta.url).href, fn: "trial" }

export const Params = Schema.Struct({
  repeats: Schema.Int.check(Schema.isGreaterThan(0)),
  /** Training-subsample sizes; empty = derived from the pool (⌈pool / 4^j⌉, j = 5…1, none below 10). */
  budgets: Schema.Array(Schema.Int.check(Schema.isGreaterThan(0))),
  /** Fitted on each trial's training rows (`{ use: "pca", params: { components: 128 } }`, `{ use: "identity" }`). */
  reducer: Component.Ref,
  /** Trained on each trial's reduced training rows (`{ use: "cole-mlp", params: { loss, epochs } }`, `{ use: "gp" }`). */
  head: Component.Ref
})

/** The reducer and head of a CV, located (for the workers) and identified (for the keys). */
const components = Effect.fn("CrossValidate.components")(function*(params: typeof Params.Type) {
  const reducer = yield* Components.locate.reducer(params.reducer)
  const head = yield* Components.locate.head(params.head)
  return { located: { reducer, head }, identity: { reducer: yield* Component.identity(reducer), head: yield* Component.identity(head) } }
})

export const crossValidate = Step.implement(CrossValidate, {
  implementation: "cole-head",
  // 3: Adam in its efficient form (new rounding of every trained head). 4: PCA on SymmetricEigen and
  // block Lanczos (new rounding of every reduced input). 5: default budgets below 10 left out (small
  // labelled pools; NB201's defaults are unchanged).
  version: 5,
  params: Params,
  sources: [import.meta.url],
  // The components' identities: a user's module enters by the fingerprint of what it reaches.
  environment: (params) => Effect.map(components(params), ({ identity }) => ({ components: identity })),
  run: ({ features, objective }, params, context) =>
    Effect.gen(function*() {
      const { located, identity } = yield* components(params)
      // Rows = the objective's architectures, in its order, each with its features.
      const rowOf = new Map(features.columns.arch.map((a, i) => [a, i]))
      const d = features.length === 0 ? 0 : features.columns.x.length / features.length
      const n = objective.length
      // Shared memory: trials on worker threads read the rows without a copy each.
      const x = new Float32Array(new SharedArrayBuffer(n * d * 4))
      for (let i = 0; i < n; i++) {
        const row = rowOf.get(objective.columns.arch[i]!)
        if (row === undefined) return yield* new InvalidStepInput({ step: "cross-validate", problem: `architecture ${JSON.stringify(objective.columns.arch[i])} has an objective value but no features` })
        x.set(features.columns.x.subarray(row * d, (row + 1) * d), i * d)
      }
      const y = objective.columns.value
      const binOf = Cv.bins(y)
      const units: Array<{ repeat: number; fold: number; budget: number }> = []
      const plans = new Map<string, { train: Array<number>; test: Array<number>; pool: number }>()
      for (let repeat = 0; repeat < params.repeats; repeat++) {
        const fold = Cv.folds(binOf, repeat)
        const poolSizes = Array.from({ length: 10 }, (_, f) => n - fold.filter((v) => v === f).length)
        const smallest = Math.min(...poolSizes)
        const tooLarge = params.budgets.find((b) => b > smallest)
        if (tooLarge !== undefined) {
          return yield* new InvalidStepInput({ step: "cross-validate", problem: `budget ${tooLarge} is more than the ${smallest} training architectures of the smallest fold (of ${n}); give budgets up to ${smallest}` })
        }
        const budgets = params.budgets.length > 0 ? params.budgets : Cv.budgets(smallest)
        for (let f = 0; f < 10; f++) {
          const test = [...fold.keys()].filter((i) => fold[i] === f)
          const pool = [...fold.keys()].filter((i) => fold[i] !== f)
          const order = Cv.permutation(pool.length, repeat, f)
          for (const budget of budgets) {
            const size = Math.min(budget, pool.length)
            plans.set(`${repeat}/${f}/${budget}`, { train: Array.from(order.slice(0, size), (p) => pool[p]!), test, pool: pool.length })
            units.push({ repeat, fold: f, budget })
          }
        }
      }
      const executor = yield* Executor
      const results = yield* tracked(`${context.node}: trials`, units.length, (tracker) =>
        Effect.forEach(units, (unit) =>
          Effect.gen(function*() {
            const plan = plans.get(`${unit.repeat}/${unit.fold}/${unit.budget}`)!
            const { frame } = yield* Shards.unit(context, {
              step: TRIAL_STEP,
              label: `${context.node}[${unit.repeat}/${unit.fold}/${unit.budget}]`,
              // Repeats and budgets stay out of a trial's key: adding either reuses every existing trial.
              params: identity,
              inputs: { ...context.preimage.inputs, unit: Hash.digestJson(unit) },
              table: Trials,
              produce: executor.run<Cv.TrialInput, Cv.TrialResult>(TRIAL_TASK, {
                x,
                d,
                y,
                train: plan.train,
                test: plan.test,
                reducer: located.reducer,
                head: located.head,
                seed: 42 + 1000 * unit.repeat + 100 * unit.fold
              }).pipe(Effect.map((r) =>
                Artifact.fromRows(Trials, [{
                  ...unit,
                  tau: r.tau,
                  mse: Number.isFinite(r.mse) ? r.mse : 0,
                  flagged: r.undefinedTau,
                  nPool: plan.pool,
                  nTest: plan.test.length
                }])
              ))
            })
            tracker.advance()
            return Artifact.toRows(frame)[0]!
          }), { concurrency: executor.concurrency })
      )
      return { trials: Artifact.fromRows(Trials, results) }
    })
})
