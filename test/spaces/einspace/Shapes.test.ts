/** Shape inference and validity: the tables of docs/einspace.md */
import { describe, expect, it } from "vitest"
import { Result } from "effect"
import { defaultOptions, type Mode, type Validity } from "../../../schemas/Einspace.ts"
import { parse } from "../../../src/spaces/einspace/Einspace.ts"
import { type Level, operations, productions } from "../../../src/spaces/einspace/Grammar.ts"
import { validOptions } from "../../../src/spaces/einspace/Sampler.ts"
import { type Flow, isValid, terminalOut } from "../../../src/spaces/einspace/Shapes.ts"
import { preOrder } from "../../../src/spaces/einspace/Tree.ts"
import { examples } from "./examples.ts"

/** A flow from a printed shape (no batch axis). */
const flow = (shape: ReadonlyArray<number>, mode: Mode = shape.length === 3 ? "im" : "col", lastIm: readonly [number, number] | null = null): Flow =>
  ({ shape: [1, ...shape], mode, lastIm })
const batch = (shape: ReadonlyArray<number>) => [1, ...shape]

/** The printed output shape, or "invalid". */
const apply = (op: string, input: Flow, other: ReadonlyArray<number> | null = null, validity: Validity = "strict", after: Mode = "col") => {
  const operation = operations.get(op)!
  return isValid(operation, input, other === null ? null : batch(other), validity)
    ? terminalOut(operation, input, other === null ? null : batch(other), after).shape.slice(1)
    : "invalid"
}

describe("einspace grammar", () => {
  it("has 6 module operations, 53 terminal names, 59 in all and 72 productions", () => {
    const all = [...operations.values()]
    expect(all.filter((o) => o.children !== null)).toHaveLength(6)
    expect(all.filter((o) => o.children === null)).toHaveLength(53)
    expect(Object.values(productions).reduce((n, ps) => n + ps.length, 0)).toBe(72)
    const q = 1 - 0.32 // (1 − p), in double precision as the grammar computes it
    expect(productions.module.map((p) => p.weight)).toEqual([q / 3, q / 9, q / 9, q / 9, q / 3, 0.32])
  })
})

describe("einspace terminal rules", () => {
  it("unfolds the default input (docs/einspace.md)", () => {
    const table: ReadonlyArray<readonly [string, number, number, ReadonlyArray<number>]> = [
      ["im2col(1,1,0)", 32, 32, [1024, 3]],
      ["im2col(1,2,0)", 16, 16, [256, 3]],
      ["im2col(3,1,1)", 32, 32, [1024, 27]],
      ["im2col(3,2,1)", 16, 16, [256, 27]],
      ["im2col(4,4,0)", 8, 8, [64, 48]],
      ["im2col(8,8,0)", 4, 4, [16, 192]],
      ["im2col(16,16,0)", 2, 2, [4, 768]]
    ]
    for (const [op, ho, wo, printed] of table) {
      const out = terminalOut(operations.get(op)!, flow([3, 32, 32]), null, "col")
      expect([out.shape.slice(1), out.lastIm, out.mode], op).toEqual([printed, [ho, wo], "col"])
    }
  })

  it("applies single-operation examples", () => {
    const im = (s: ReadonlyArray<number>) => flow(s, "im")
    const col = (s: ReadonlyArray<number>, lastIm: readonly [number, number] | null = null) => flow(s, "col", lastIm)
    expect(apply("group(2,1)", im([3, 32, 32]))).toBe("invalid")
    expect(apply("group(4,1)", im([3, 32, 32]))).toBe("invalid")
    expect(apply("group(2,2)", im([3, 32, 32]))).toEqual([3, 16, 32])
    expect(apply("group(8,3)", im([3, 32, 32]))).toEqual([3, 32, 4])
    expect(apply("group(2,3)", col([256, 27]))).toBe("invalid")
    expect(apply("cat(2,1)", im([3, 16, 32]), [5, 16, 32])).toEqual([8, 16, 32])
    expect(apply("cat(2,2)", im([3, 16, 32]), [5, 16, 32])).toBe("invalid")
    expect(apply("cat(4,2)", col([256, 16]), [256, 16])).toEqual([256, 64])
    expect(apply("cat(4,3)", col([256, 16]), [256, 16])).toBe("invalid")
    expect(apply("add(2)", col([64, 32]), [32, 64])).toBe("invalid")
    expect(apply("dot_product", col([64, 32]), [32, 64])).toEqual([64, 64])
    expect(apply("dot_product", im([3, 32, 32]), [3, 32, 16])).toEqual([3, 32, 16])
    expect(apply("dot_product", col([64, 32]), [64, 32])).toBe("invalid")
    expect(apply("perm(0,3,1,2)", im([3, 32, 32]))).toEqual([32, 3, 32])
    expect(apply("perm(0,2,3,1)", im([3, 16, 32]))).toEqual([16, 32, 3])
    expect(apply("perm(0,2,1)", im([3, 32, 32]))).toBe("invalid")
    expect(apply("linear(16)", im([3, 32, 32]))).toEqual([3, 32, 16])
    const folded = terminalOut(operations.get("col2im")!, col([256, 64], [16, 16]), null, "col")
    expect([folded.shape.slice(1), folded.mode]).toEqual([[64, 16, 16], "col"])
    expect(apply("col2im", col([27, 256], [16, 16]))).toBe("invalid")
    expect(apply("col2im", im([3, 32, 32]))).toBe("invalid")
    const afterCol2im = flow([16, 32, 32], "col", [32, 32])
    expect(apply("im2col(3,2,1)", afterCol2im)).toBe("invalid")
    expect(apply("im2col(3,2,1)", afterCol2im, null, "lenient")).toEqual([256, 144])
    expect(apply("im2col(3,2,1)", flow([16, 32, 32], "im"))).toEqual([256, 144])
    expect(apply("im2col(3,1,1)", im([768, 2, 2]))).toBe("invalid")
    expect(apply("im2col(3,1,1)", im([768, 2, 2]), null, "lenient")).toEqual([4, 6912])
  })

  it("offers the valid option sets, in grammar order", () => {
    const at = (level: Level, input: Flow, other: ReadonlyArray<number> | null = null, depth = 1) =>
      validOptions(level, input, other === null ? null : batch(other), depth, defaultOptions)
    const fourDPerms = ["perm(0,1,3,2)", "perm(0,3,1,2)", "perm(0,3,2,1)", "perm(0,2,1,3)", "perm(0,2,3,1)"]
    const im2cols = ["im2col(1,1,0)", "im2col(1,2,0)", "im2col(3,1,1)", "im2col(3,2,1)", "im2col(4,4,0)", "im2col(8,8,0)", "im2col(16,16,0)"]
    expect(at("prerouting_fn", flow([3, 32, 32], "im"))).toEqual(["identity", ...fourDPerms, ...im2cols])
    expect(at("prerouting_fn", flow([256, 27], "col"))).toEqual(["identity", "perm(0,2,1)"])
    expect(at("prerouting_fn", flow([64, 32, 32], "col"))).toEqual(["identity", ...fourDPerms])
    expect(at("prerouting_fn", flow([64, 32, 32], "im"))).toEqual(["identity", ...fourDPerms, ...im2cols])
    expect(at("postrouting_fn", flow([256, 32], "col", [16, 16]))).toEqual(["identity", "perm(0,2,1)", "col2im"])
    expect(at("postrouting_fn", flow([3, 32, 32], "im"))).toEqual(["identity", ...fourDPerms])
    expect(at("branching_fn_2", flow([3, 32, 32], "im"))).toEqual(["clone(2)", "group(2,2)", "group(2,3)"])
    expect(at("branching_fn_8", flow([3, 32, 32], "im"))).toEqual(["clone(8)", "group(8,2)", "group(8,3)"])
    expect(at("branching_fn_2", flow([256, 27], "col"))).toEqual(["clone(2)", "group(2,1)"])
    expect(at("aggregation_fn_4", flow([256, 16], "col"), [256, 16])).toEqual(["add(4)", "cat(4,1)", "cat(4,2)"])
    expect(at("aggregation_fn_2", flow([64, 32], "col"), [64, 32])).toEqual(["add(2)", "cat(2,1)", "cat(2,2)"])
    expect(at("aggregation_fn_2", flow([64, 32], "col"), [32, 64])).toEqual(["dot_product", "dot_product(scaled)"])
    expect(at("aggregation_fn_2", flow([3, 16, 32], "im"), [5, 16, 32])).toEqual(["cat(2,1)"])
    expect(at("aggregation_fn_2", flow([1024, 3], "col"), [3, 32, 32])).toEqual([])
    const everyModule = ["sequential", "branching(2)", "branching(4)", "branching(8)", "routing", "computation"]
    expect(at("module", flow([3, 32, 32]), null, 19)).toEqual(everyModule)
    expect(at("module", flow([3, 32, 32]), null, 20)).toEqual(["computation"])
    expect(at("module", flow([3, 32, 32]), null, 25)).toEqual(["computation"])
  })

  it("infers Example 1 node by node (docs/einspace.md)", () => {
    const tree = parse(examples[0]!.short)
    if (Result.isFailure(tree)) throw tree.failure
    const printed = (f: Flow) => `${JSON.stringify(f.shape.slice(1))} ${f.mode} ${f.lastIm === null ? "-" : `(${f.lastIm.join(", ")})`}`
    const rows = preOrder(tree.success).map((n) => [n.op, n.level, n.depth, printed(n.in), printed(n.out)])
    expect(rows).toEqual([
      ["branching(4)", "network", 0, "[3,32,32] im -", "[1024,16] col (16, 16)"],
      ["clone(4)", "branching_fn_4", 1, "[3,32,32] im -", "[3,32,32] im -"],
      ["sequential", "module", 1, "[3,32,32] im -", "[256,16] col (16, 16)"],
      ["routing", "module", 2, "[3,32,32] im -", "[256,32] col (16, 16)"],
      ["im2col(3,2,1)", "prerouting_fn", 3, "[3,32,32] im -", "[256,27] col (16, 16)"],
      ["computation", "module", 3, "[256,27] col (16, 16)", "[256,32] col (16, 16)"],
      ["linear(32)", "computation_fn", 4, "[256,27] col (16, 16)", "[256,32] col (16, 16)"],
      ["identity", "postrouting_fn", 3, "[256,32] col (16, 16)", "[256,32] col (16, 16)"],
      ["computation", "module", 2, "[256,32] col (16, 16)", "[256,16] col (16, 16)"],
      ["linear(16)", "computation_fn", 3, "[256,32] col (16, 16)", "[256,16] col (16, 16)"],
      ["cat(4,1)", "aggregation_fn_4", 1, "[256,16] col (16, 16)", "[1024,16] col (16, 16)"]
    ])
    expect(preOrder(tree.success).at(-1)!.other).toEqual([1, 256, 16])
  })
})
