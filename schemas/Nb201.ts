/** NB201 data contracts: the architecture (op tuple in NASLib order) and the transpiler options. */
import { Effect, Schema } from "effect"

const Op = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 4 }))

/** o = (o0, …, o5): NASLib op indices in EDGE_LIST order (docs/search.md). */
export const Arch = Schema.Tuple([Op, Op, Op, Op, Op, Op])
export type Arch = typeof Arch.Type

export const Mode = Schema.Literals(["exclude-helper", "helper", "inline"])
export type Mode = typeof Mode.Type

export const Addon = Schema.Literals(["none", "comment", "backbone"])
export type Addon = typeof Addon.Type

/** Defaults: the paper's main setting (exclude-helper, no add-on). */
export const TranspileOptions = Schema.Struct({
  mode: Mode.pipe(Schema.withDecodingDefaultKey(Effect.succeed("exclude-helper" as const))),
  addon: Addon.pipe(Schema.withDecodingDefaultKey(Effect.succeed("none" as const)))
})
export type TranspileOptions = typeof TranspileOptions.Type
