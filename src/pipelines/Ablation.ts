/**
 * An ablation: a question, a base configuration and axes of settings, crossed into the configurations
 * that `cvPipeline` cross-validates on the same folds, the base first. An ablation file's default
 * export is decoded with `Ablation`, so a mistake in it is one message naming the field.
 */
import { Effect, Schema } from "effect"
import { Configuration, withSetting } from "./CrossValidation.ts"
import { InvalidConfiguration } from "./InvalidConfiguration.ts"

export const Ablation = Schema.Struct({
  name: Schema.String,
  /** What the ablation asks, printed above its table. */
  question: Schema.String,
  base: Configuration,
  /** Setting → values (`reducer: ["pca128", "none"]`), the first value of each being the base's. */
  axes: Schema.Record(Schema.String, Schema.Array(Schema.String)),
  objective: Schema.String,
  repeats: Schema.Int.check(Schema.isGreaterThan(0)),
  budgets: Schema.Array(Schema.Int.check(Schema.isGreaterThan(0))),
  /** Set when the ablation cannot run as it stands (e.g. it needs a model folder): what to give it. */
  needs: Schema.optional(Schema.String)
})
export type Ablation = typeof Ablation.Type

/** The configurations: the base's settings crossed over every axis, the base first. */
export const configurations = (base: Configuration, axes: ReadonlyArray<readonly [string, ReadonlyArray<string>]>) =>
  Effect.gen(function*() {
    let out: Array<Configuration> = [base]
    for (const [key, values] of axes) {
      if (values.length === 0) return yield* new InvalidConfiguration({ setting: `axis ${key}`, problem: "it has no values" })
      out = yield* Effect.forEach(out, (c) => Effect.forEach(values, (v) => withSetting(c, key, v))).pipe(Effect.map((xs) => xs.flat()))
    }
    return out
  })
