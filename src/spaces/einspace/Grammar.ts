/**
 * The einspace grammar (docs/einspace.md): eleven levels, their options in source order with the
 * rule weights, and the 59 operation names with what each one is (kind, numeric arguments, children).
 */

export type Level =
  | "network" | "module"
  | "branching_fn_2" | "branching_fn_4" | "branching_fn_8"
  | "aggregation_fn_2" | "aggregation_fn_4" | "aggregation_fn_8"
  | "prerouting_fn" | "postrouting_fn" | "computation_fn"

/** The operation name up to the first `(`; it names the attributes in the code text. */
export type Kind =
  | "sequential" | "routing" | "computation" | "branching"
  | "clone" | "group" | "add" | "cat" | "dot_product" | "identity" | "perm" | "im2col" | "col2im"
  | "linear" | "norm" | "relu" | "softmax" | "pos_enc"

export interface Operation {
  readonly name: string
  readonly kind: Kind
  /** Integer arguments in order: k of branching/clone/add, (k, d) of group/cat, the perm, (k, st, pd), d. */
  readonly args: ReadonlyArray<number>
  /** `dot_product(scaled)`. */
  readonly scaled: boolean
  /** The children's levels for a module operation; null for a terminal. */
  readonly children: ReadonlyArray<Level> | null
  /** The levels where the operation is an option. */
  readonly levels: ReadonlyArray<Level>
}

export interface Production {
  readonly operation: Operation
  readonly weight: number
}

const P_COMPUTATION = 0.32
const perms = ["perm(0,2,1)", "perm(0,1,3,2)", "perm(0,3,1,2)", "perm(0,3,2,1)", "perm(0,2,1,3)", "perm(0,2,3,1)"]
const im2cols = ["im2col(1,1,0)", "im2col(1,2,0)", "im2col(3,1,1)", "im2col(3,2,1)", "im2col(4,4,0)", "im2col(8,8,0)", "im2col(16,16,0)"]
const linears = [16, 32, 64, 128, 256, 512, 1024, 2048].map((d) => `linear(${d})`)

const uniform = (names: ReadonlyArray<string>, weight: number) => names.map((name) => [name, weight] as const)

/** Options per level in source order (the order weighted choice walks), with their weights. */
const table: Readonly<Record<Level, ReadonlyArray<readonly [string, number]>>> = {
  network: [["sequential", 0.333], ["branching(2)", 0.111], ["branching(4)", 0.111], ["branching(8)", 0.111], ["routing", 0.333]],
  module: [
    ["sequential", (1 - P_COMPUTATION) / 3],
    ["branching(2)", (1 - P_COMPUTATION) / 9],
    ["branching(4)", (1 - P_COMPUTATION) / 9],
    ["branching(8)", (1 - P_COMPUTATION) / 9],
    ["routing", (1 - P_COMPUTATION) / 3],
    ["computation", P_COMPUTATION]
  ],
  branching_fn_2: uniform(["clone(2)", "group(2,1)", "group(2,2)", "group(2,3)"], 0.25),
  branching_fn_4: uniform(["clone(4)", "group(4,1)", "group(4,2)", "group(4,3)"], 0.25),
  branching_fn_8: uniform(["clone(8)", "group(8,1)", "group(8,2)", "group(8,3)"], 0.25),
  aggregation_fn_2: uniform(["add(2)", "cat(2,1)", "cat(2,2)", "cat(2,3)", "dot_product", "dot_product(scaled)"], 0.166),
  aggregation_fn_4: uniform(["add(4)", "cat(4,1)", "cat(4,2)", "cat(4,3)"], 0.25),
  aggregation_fn_8: uniform(["add(8)", "cat(8,1)", "cat(8,2)", "cat(8,3)"], 0.25),
  prerouting_fn: uniform(["identity", ...perms, ...im2cols], 0.071),
  postrouting_fn: uniform(["identity", ...perms, "col2im"], 0.125),
  computation_fn: uniform(["identity", ...linears, "norm", "relu", "softmax", "pos_enc"], 0.077)
}

export const LEVELS = Object.keys(table) as ReadonlyArray<Level>

const childLevels = (kind: Kind, args: ReadonlyArray<number>): ReadonlyArray<Level> | null => {
  switch (kind) {
    case "sequential":
      return ["module", "module"]
    case "routing":
      return ["prerouting_fn", "module", "postrouting_fn"]
    case "computation":
      return ["computation_fn"]
    case "branching": {
      const k = args[0] as 2 | 4 | 8
      return k === 2
        ? ["branching_fn_2", "module", "module", "aggregation_fn_2"]
        : [`branching_fn_${k}`, "module", `aggregation_fn_${k}`]
    }
    default:
      return null
  }
}

const describe = (name: string, levels: ReadonlyArray<Level>): Operation => {
  const open = name.indexOf("(")
  const kind = (open < 0 ? name : name.slice(0, open)) as Kind
  const inner = open < 0 ? "" : name.slice(open + 1, -1)
  const scaled = inner === "scaled"
  const args = inner === "" || scaled ? [] : inner.split(",").map(Number)
  return { name, kind, args, scaled, children: childLevels(kind, args), levels }
}

/** Every operation by its printed name (59 of them). */
export const operations: ReadonlyMap<string, Operation> = (() => {
  const levelsOf = new Map<string, Array<Level>>()
  for (const level of LEVELS) {
    for (const [name] of table[level]) levelsOf.set(name, [...(levelsOf.get(name) ?? []), level])
  }
  return new Map([...levelsOf].map(([name, levels]) => [name, describe(name, levels)]))
})()

/** A level's productions in source order. */
export const productions: Readonly<Record<Level, ReadonlyArray<Production>>> = Object.fromEntries(
  LEVELS.map((level) => [level, table[level].map(([name, weight]) => ({ operation: operations.get(name)!, weight }))])
) as unknown as Record<Level, ReadonlyArray<Production>>

export const isModule = (operation: Operation): boolean => operation.children !== null
