/**
 * An ablation: a question, a base and axes of settings, crossed into what is compared on the same
 * folds or trial seeds, the base first. A `cv` ablation (the default) crosses CV configurations
 * (representation, text, reducer, loss, epochs) on any space and objective — a table column or
 * `labels:FILE` — and cross-validates them; a `search` ablation crosses search arms (representation,
 * algorithm, preset) on a space with a table. An ablation file's default export is decoded with
 * `Ablation`, so a mistake in it is one message naming the field.
 */
import * as path from "node:path"
import { Effect, Schema } from "effect"
import { Spec } from "./ComponentSpec.ts"
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
  /**
   * Setting → values (`reducer: ["pca128", "none"]`), the first value of each being the base's. A
   * reducer, head or algorithm value may be a component: a built-in by name, a user's module
   * (`"./my-head.ts#myHead"`, relative to the ablation file) or a ref with params.
   */
  axes: Schema.Record(Schema.String, Schema.Array(Spec)),
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

type Axes = ReadonlyArray<readonly [string, ReadonlyArray<Spec>]>

/** The base crossed over every axis with `change`, the base first. */
const cross = <A, E>(base: A, axes: Axes, change: (a: A, key: string, value: Spec) => Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    let out: Array<A> = [base]
    for (const [key, values] of axes) {
      if (values.length === 0) return yield* new InvalidConfiguration({ setting: `axis ${key}`, problem: "it has no values" })
      out = yield* Effect.forEach(out, (a) => Effect.forEach(values, (v) => change(a, key, v))).pipe(Effect.map((xs) => xs.flat()))
    }
    return out
  })

/** The CV configurations of a cv ablation. */
export const configurations = (base: Configuration, axes: Axes) =>
  cross(base, axes, withSetting)

/** The search arms of a search ablation. */
export const arms = (base: Arm, axes: Axes) => cross(base, axes, withArmSetting)

/** A component spec whose module is a relative path (`./x.ts#y`), resolved against `folder`. */
const resolveSpec = (spec: Spec, folder: string): Spec => {
  const resolve = (use: string) => (/^\.{1,2}[\\/]/.test(use) && use.includes("#") ? path.resolve(folder, use) : use)
  return typeof spec === "string" ? resolve(spec) : { ...spec, use: resolve(spec.use) }
}

/** The ablation with every component module written relative to its file made absolute. */
export const resolveModules = (ablation: Ablation, folder: string): Ablation => {
  const axes = Object.fromEntries(Object.entries(ablation.axes).map(([key, values]) => [key, values.map((v) => resolveSpec(v, folder))]))
  const components = <B extends { readonly reducer?: Spec | undefined; readonly head?: Spec | undefined }>(base: B): B => ({
    ...base,
    ...(base.reducer === undefined ? {} : { reducer: resolveSpec(base.reducer, folder) }),
    ...(base.head === undefined ? {} : { head: resolveSpec(base.head, folder) })
  })
  return ablation.kind === "search"
    ? { ...ablation, axes, base: { ...components(ablation.base), algorithm: resolveSpec(ablation.base.algorithm, folder) } }
    : { ...ablation, axes, base: components(ablation.base) }
}
