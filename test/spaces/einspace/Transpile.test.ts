/** Code text and parameter counts: docs/einspace.md on the worked examples, byte for byte. */
import { describe, expect, it } from "vitest"
import { Result } from "effect"
import { einspace, parse } from "../../../src/spaces/einspace/Einspace.ts"
import { paramCount } from "../../../src/spaces/einspace/ParamCount.ts"
import { transpile } from "../../../src/spaces/einspace/Transpile.ts"
import type { Node } from "../../../src/spaces/einspace/Tree.ts"
import { examples } from "./examples.ts"

const tree = (text: string): Node => {
  const r = parse(text)
  if (Result.isFailure(r)) throw r.failure
  return r.success
}

describe("einspace code text", () => {
  it("reproduces Examples 1–5 exactly, from either string form", () => {
    for (const e of examples) {
      expect(transpile(tree(e.short))).toBe(e.code)
      expect(transpile(tree(e.long))).toBe(e.code)
    }
  })

  it("has no trailing newline, no tabs, one forward, and counters that restart per call", () => {
    for (const e of examples) {
      const text = transpile(tree(e.short))
      expect(text.endsWith("\n")).toBe(false)
      expect(text.includes("\t")).toBe(false)
      expect(text.split("\n").filter((l) => l.startsWith("    def forward"))).toHaveLength(1)
    }
    const first = transpile(tree(examples[2]!.short))
    expect(transpile(tree(examples[2]!.short))).toBe(first)
  })

  it("is what the space's transpile gives for a parsed architecture", () => {
    const parsed = einspace.parse(examples[1]!.long)
    if (Result.isFailure(parsed)) throw parsed.failure
    expect(einspace.transpile(parsed.success, {})).toBe(examples[1]!.code)
    // A bare tree (op and children only) is inferred on the way.
    const bare = JSON.parse(JSON.stringify(parsed.success, ["op", "children"]))
    expect(einspace.transpile(bare, {})).toBe(examples[1]!.code)
    expect(einspace.format(bare)).toBe(examples[1]!.long)
  })
})

describe("einspace parameter count", () => {
  it("gives the five documented values, branching(4|8) inner modules counted k times", () => {
    expect(examples.map((e) => paramCount(tree(e.short)))).toEqual(examples.map((e) => e.parameters))
    expect(paramCount(tree(examples[0]!.short))).toBe(4 * (27 * 32 + 32 + 32 * 16 + 16))
  })
})
