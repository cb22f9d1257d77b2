/**
 * How configurations, flags and ablation files name a component: a short string (`pca128`, `none`,
 * `gp`, `./my-head.ts#myHead`) or a ref with params (`{ use: "gp", params: { kernel: "rbf" } }`).
 * A string with params is written as its JSON (`{"use":"gp","params":{"kernel":"rbf"}}`).
 */
import { Effect, Schema } from "effect"
import * as Components from "../components/registry.ts"
import * as Component from "../core/Component.ts"

export const Spec = Schema.Union([Schema.String.check(Schema.isNonEmpty()), Component.Ref])
export type Spec = typeof Spec.Type

/** How a spec appears in a configuration's or an arm's name. */
export const specName = (spec: Spec): string => {
  if (typeof spec === "string") return spec
  const params = Object.entries(spec.params ?? {})
  return params.length === 0 ? spec.use : `${spec.use}(${params.map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(", ")})`
}

/** A reducer spec as a ref: `none`, `pca<K>`, `rp<K>` (Gaussian random projection), or any other spec. */
export const reducerRef = (spec: Spec): Component.Ref => {
  if (typeof spec !== "string") return spec
  if (spec === "none") return { use: "identity" }
  const sized = /^(pca|rp)([1-9]\d*)$/.exec(spec)
  if (sized !== null) return { use: sized[1] === "pca" ? "pca" : "random-projection", params: { components: Number(sized[2]) } }
  return { use: spec }
}

/** A head spec as a ref; `mlp` (or none given) is the configuration's own MLP head. */
export const headRef = (spec: Spec | undefined, mlp: Component.Ref): Component.Ref =>
  spec === undefined || spec === "mlp" ? mlp : typeof spec === "string" ? { use: spec } : spec

/** A setting's value as a spec: JSON text (`{"use":…}`) is a ref, anything else the string itself. */
export const parse = (value: string | Spec): Effect.Effect<Spec, string> =>
  typeof value !== "string" || !value.trimStart().startsWith("{")
    ? Effect.succeed(value)
    : Schema.decodeUnknownEffect(Schema.fromJsonString(Component.Ref))(value).pipe(Effect.mapError((e) => e.message.replace(/\s*\n\s*/g, " ")))

/**
 * Locates and loads every component a pipeline names, before anything runs: a misspelt name or a
 * module without the export is one message now, not after the features were computed.
 */
export const check = (refs: { readonly reducer?: Component.Ref; readonly head?: Component.Ref; readonly algorithm?: Component.Ref }) =>
  Effect.gen(function*() {
    if (refs.reducer !== undefined) yield* Component.load(yield* Components.locate.reducer(refs.reducer))
    if (refs.head !== undefined) yield* Component.load(yield* Components.locate.head(refs.head))
    if (refs.algorithm !== undefined) yield* Component.load(yield* Components.locate.strategy(refs.algorithm))
  })
