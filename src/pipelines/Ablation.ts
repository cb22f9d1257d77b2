/**
 * An ablation: a question, a base and axes of settings, crossed into what is compared on the same
 * folds or trial seeds, the base first. A `cv` ablation (the default) crosses CV configurations
 * (representation, text, reducer, loss, epochs) on any space and objective — a table column or
 * `labels:FILE` — and cross-validates them; a `search` ablation crosses search arms (representation,
 * algorithm, preset) on a space with a table. An ablation file's default export is decoded with
 * `Ablation`, so a mistake in it is one message naming the field.
 */
import { Effect, Schema } from "effect"
import { Configuration, withSetting } from "./CrossValidation.ts"
import { InvalidConfiguration } from "./InvalidConfiguration.ts"
import { Arm, withArmSetting } from "./Search.ts"

const positive = Schema.Int.check(Schema.isGreaterThan(0))

const common = {
  name: Schema.String,
  /** What the ablation asks, printed above its table. */
  question: Schema.String,
  /** The search space (default nb201). */
  space: Schema.optional(Schema.String),
  /** An objective column of the space's table, or `labels:FILE.csv` (cv ablations, any space). */
  objective: Schema.String,
  /** Setting → values (`reducer: ["pca128", "none"]`), the first value of each being the base's. */
  axes: Schema.Record(Schema.String, Schema.Array(Schema.String)),
  /** Set when the ablation cannot run as it stands (e.g. it needs a model folder): what to give it. */
  needs: Schema.optional(Schema.String)
}

export const CvAblation = Schema.Struct({
  ...common,
  kind: Schema.optional(Schema.Literal("cv")),
  base: Configuration,
  repeats: positive,
  budgets: Schema.Array(positive)
})
export type CvAblation = typeof CvAblation.Type

export const SearchAblation = Schema.Struct({
  ...common,
  kind: Schema.Literal("search"),
  base: Arm,
  trials: positive,
  /** Evaluations per trial. */
  budget: positive,
  /** Ensemble epochs per fit (default: the preset's). */
  epochs: Schema.optional(positive)
})
export type SearchAblation = typeof SearchAblation.Type

export const Ablation = Schema.Union([CvAblation, SearchAblation])
export type Ablation = typeof Ablation.Type

/** The base crossed over every axis with `change`, the base first. */
const cross = <A, E>(base: A, axes: ReadonlyArray<readonly [string, ReadonlyArray<string>]>, change: (a: A, key: string, value: string) => Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    let out: Array<A> = [base]
    for (const [key, values] of axes) {
      if (values.length === 0) return yield* new InvalidConfiguration({ setting: `axis ${key}`, problem: "it has no values" })
      out = yield* Effect.forEach(out, (a) => Effect.forEach(values, (v) => change(a, key, v))).pipe(Effect.map((xs) => xs.flat()))
    }
    return out
  })

/** The CV configurations of a cv ablation. */
export const configurations = (base: Configuration, axes: ReadonlyArray<readonly [string, ReadonlyArray<string>]>) =>
  cross(base, axes, withSetting)

/** The search arms of a search ablation. */
export const arms = (base: Arm, axes: ReadonlyArray<readonly [string, ReadonlyArray<string>]>) => cross(base, axes, withArmSetting)
