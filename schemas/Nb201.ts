/** NB201 data contracts: the architecture (op tuple in NASLib order) and the transpiler options. */
import { Schema } from "effect"

const Op = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 4 }))

/** o = (o0, …, o5): NASLib op indices in EDGE_LIST order (spec/search.md §1.2). */
export const Arch = Schema.Tuple([Op, Op, Op, Op, Op, Op])
export type Arch = typeof Arch.Type

export const Mode = Schema.Literals(["exclude-helper", "helper", "inline"])
export type Mode = typeof Mode.Type

export const Addon = Schema.Literals(["none", "comment", "backbone"])
export type Addon = typeof Addon.Type

export const TranspileOptions = Schema.Struct({ mode: Mode, addon: Addon })
export type TranspileOptions = typeof TranspileOptions.Type
