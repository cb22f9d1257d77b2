/** Strings and the parser: docs/einspace.md, with its test vectors (strings, parse errors, depth). */
import { describe, expect, it } from "vitest"
import { Result } from "effect"
import { defaultOptions, type Options } from "../../../schemas/Einspace.ts"
import { parse } from "../../../src/spaces/einspace/Einspace.ts"
import { formatLong, formatPretty, formatShort } from "../../../src/spaces/einspace/Strings.ts"
import type { EinspaceError, Node } from "../../../src/spaces/einspace/Tree.ts"
import { example1Pretty, examples } from "./examples.ts"

const ok = (text: string, options: Options = defaultOptions): Node => {
  const r = parse(text, options)
  if (Result.isFailure(r)) throw new Error(r.failure.message)
  return r.success
}
const error = (text: string, options: Options = defaultOptions): EinspaceError => {
  const r = parse(text, options)
  if (Result.isSuccess(r)) throw new Error(`parsed: ${text}`)
  return r.failure
}
const [example1] = examples

describe("einspace strings", () => {
  it("reprints every worked example in the long, short and pretty forms", () => {
    for (const e of examples) {
      const fromLong = ok(e.long)
      const fromShort = ok(e.short)
      expect(fromShort).toEqual(fromLong) // same ops, children and flows
      expect(formatLong(fromShort)).toBe(e.long)
      expect(formatShort(fromLong)).toBe(e.short)
      expect(ok(formatPretty(fromLong))).toEqual(fromLong)
    }
  })

  it("reads the paper's pretty layout back to Example 1, byte for byte in every form", () => {
    const tree = ok(example1Pretty)
    expect(formatLong(tree)).toBe(example1!.long)
    expect(formatShort(tree)).toBe(example1!.short)
    expect(formatPretty(tree)).toBe(example1Pretty)
  })

  it("ignores whitespace between tokens and accepts missing annotations and mixed brackets", () => {
    const expected = ok(example1!.long)
    const spaced = example1!.long.replaceAll("[", "[ ").replaceAll("]", " ]")
    expect(ok(spaced)).toEqual(expected)
    expect(ok(example1Pretty.replaceAll("\n", " "))).toEqual(expected)
    expect(ok(example1!.long.replace(/\{'out_feature_shape': \[[0-9, ]*\]\}/g, ""))).toEqual(expected)
    const mixed = "branching(4)[clone(4), sequential(routing[im2col(3,2,1), computation<linear(32)>, identity], computation[linear(16)]), cat(4,1)]"
    expect(ok(mixed)).toEqual(expected)
    expect(formatLong(ok("sequential[computation[relu], computation[linear( 32 )]]"))).toBe(
      "sequential[computation[relu{'out_feature_shape': [3, 32, 32]}], computation[linear(32){'out_feature_shape': [3, 32, 32]}]]"
    )
  })

  it("rejects malformed input with the reason and the offset of the leftmost problem", () => {
    const cases: ReadonlyArray<readonly [string, string, number]> = [
      ["", "Syntax", 0],
      ["sequential[computation[relu], computation[norm]", "Syntax", 47],
      ["sequential[computation[relu], computation[norm])", "Syntax", 47],
      ["sequential(computation<relu>, computation<norm>]", "Syntax", 47],
      ["branching(2){clone(2), computation<relu>, computation<relu>, add(2)]", "Syntax", 67],
      ["sequential[computation[relu], computation[norm]] x", "Syntax", 49],
      ["Sequential[computation[relu], computation[norm]]", "Syntax", 0],
      ["sequential[computation[relu], computation[norm],]", "Syntax", 48],
      ["sequential[computation[relu] computation[norm]]", "Syntax", 29],
      ["routing(identity, computation[relu], identity)", "Syntax", 7],
      ["routing[identity{'shape': [3, 32, 32]}, computation[relu], identity]", "Syntax", 17],
      ["routing[identity{'out_feature_shape': [3, 32, 32,]}, computation[relu], identity]", "Syntax", 49],
      ["sequential[computation[relu], computation[norm]{'out_feature_shape': [3, 32, 32]}]", "Syntax", 47],
      ["sequential[computation[linear(33)], computation[relu]]", "UnknownOperation", 23],
      ["sequential[computation[relu], computation[linear(032)]]", "UnknownOperation", 42],
      ["branching[clone(2), computation[relu], computation[relu], add(2)]", "UnknownOperation", 0],
      ["computation[relu]", "WrongLevel", 0],
      ["computation<relu>", "WrongLevel", 0],
      ["sequential[computation[im2col(3,1,1)], computation[relu]]", "WrongLevel", 23],
      ["sequential[computation[relu], computation[dot_product]]", "WrongLevel", 42],
      ["branching(4)[clone(2), computation[relu], add(4)]", "WrongLevel", 13],
      ["branching(2)[clone(2), computation[relu], computation[relu], add(4)]", "WrongLevel", 61],
      ["sequential[computation[relu]]", "ChildCount", 0],
      ["routing[im2col(3,1,1), computation[relu], perm(0,2,1,3)]", "InvalidShape", 42],
      ["branching(2)[clone(2), routing[im2col(1,1,0), computation[identity], identity], computation[identity], add(2)]", "InvalidShape", 103],
      ["sequential[routing[im2col(3,1,1), computation[linear(16)], col2im], routing[im2col(3,2,1), computation[identity], identity]]", "InvalidShape", 76],
      ["routing[im2col(3,2,1){'out_feature_shape': [256, 28]}, computation[relu], identity]", "ShapeMismatch", 8]
    ]
    for (const [input, reason, offset] of cases) {
      const e = error(input)
      expect([e.reason, "offset" in e.location ? e.location.offset : -1], input).toEqual([reason, offset])
      expect(e.message).toMatch(new RegExp(`^einspace ${reason} at offset ${offset} \\(line 1, column ${offset + 1}\\): `))
    }
    expect(error("sequential[computation[relu], computation[norm])").detail).toBe("expected ',' or ']', found ')'")
    expect(error("sequential[computation[linear(33)], computation[relu]]").detail).toBe("unknown operation 'linear(33)'")
    expect(error("sequential[computation[relu]]").detail).toBe("sequential takes 2 children, found 1")
    expect(error("routing[im2col(3,2,1){'out_feature_shape': [256, 28]}, computation[relu], identity]").detail).toBe("annotated [256, 28], inferred [256, 27]")
    expect(error("routing[identity{'out_feature_shape: [3]}, computation[relu], identity]").location).toEqual({ offset: 17, line: 1, column: 18 })
  })

  it("reports line and column in multi-line text", () => {
    const e = error("sequential[\ncomputation[relu],\ncomputation[linear(33)]\n]")
    expect(e.reason).toBe("UnknownOperation")
    expect(e.location).toEqual({ offset: 43, line: 3, column: 13 })
  })

  it("reads im2col after col2im under lenient validity or modeAfterCol2im = im", () => {
    const text = "sequential[routing[im2col(3,1,1), computation[linear(16)], col2im], routing[im2col(3,2,1), computation[identity], identity]]"
    const long = "sequential[routing[im2col(3,1,1){'out_feature_shape': [1024, 27]}, computation[linear(16){'out_feature_shape': [1024, 16]}], col2im{'out_feature_shape': [16, 32, 32]}], routing[im2col(3,2,1){'out_feature_shape': [256, 144]}, computation[identity{'out_feature_shape': [256, 144]}], identity{'out_feature_shape': [256, 144]}]]"
    expect(formatLong(ok(text, { ...defaultOptions, validity: "lenient" }))).toBe(long)
    expect(formatLong(ok(text, { ...defaultOptions, modeAfterCol2im: "im" }))).toBe(long)
  })

  it("enforces the depth limit at the first module too deep, unless it is null", () => {
    const chain = (n: number): string => (n === 0 ? "computation[relu]" : `sequential[${chain(n - 1)}, computation[relu]]`)
    const deepest = (t: Node): number => Math.max(t.depth, ...t.children.map(deepest))
    expect(deepest(ok(chain(20)))).toBe(21)
    const e = error(chain(21))
    expect([e.reason, "offset" in e.location && e.location.offset]).toEqual(["DepthLimit", 220])
    expect(deepest(ok(chain(21), { ...defaultOptions, depthLimit: null }))).toBe(22)
  })

  it("fails hostile nesting with a syntax error instead of exhausting the stack", () => {
    expect(error("sequential[".repeat(50_000)).detail).toMatch(/nesting deeper than/)
  })
})
