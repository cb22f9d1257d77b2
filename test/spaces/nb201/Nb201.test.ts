import { spawnSync } from "node:child_process"
import { Result } from "effect"
import { describe, expect, it } from "vitest"
import type { Arch } from "../../../schemas/Nb201.ts"
import * as Rng from "../../../src/core/Rng.ts"
import { encodeAll } from "../../../src/core/Space.ts"
import { nb201 } from "../../../src/spaces/nb201/Nb201.ts"
import { fromId, id, isSampleable, neighbours } from "../../../src/spaces/nb201/Sampling.ts"
import { docExample, nb201Text } from "../../helpers.ts"


const parse = (s: string) => Result.getOrThrow(nb201.parse(s))
const ones = (v: Float32Array) => Array.from(v).flatMap((x, i) => (x === 1 ? [i] : []))
const encode = (name: string, o: ReadonlyArray<number>) => ones(encodeAll(nb201.encodings[name]!, [o as unknown as Arch]))

const tableArchs = nb201Text("nb201.csv")
  .trim().split("\n").slice(1).map((line) => line.split(",")[1]!)

describe("NB201 strings", () => {
  it("format(parse(s)) === s for all 15,625 strings of the table", () => {
    expect(tableArchs).toHaveLength(15_625)
    for (const s of tableArchs) expect(nb201.format(parse(s))).toBe(s)
    expect(new Set(tableArchs.map((s) => id(parse(s)))).size).toBe(15_625)
  })

  it("takes the source from the ~s suffix, so edges may come in any order", () => {
    const s = "|nor_conv_3x3~0|+|nor_conv_1x1~1|skip_connect~0|+|none~2|avg_pool_3x3~0|skip_connect~1|"
    expect(nb201.format(parse(s))).toBe("|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|skip_connect~1|none~2|")
  })

  const good = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
  it.each([
    ["wrong group count (2)", "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|", 48, "expected 3 groups separated by '+', found 2"],
    ["wrong group count (4)", `${good}+|none~0|`, 95, "expected the end: an arch string has exactly 3 groups"],
    ["too few edges in a group", "|nor_conv_3x3~0|+|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", 33, "group 2 (edges into node 2) has 1 edge, expected 2"],
    ["unknown op", good.replace("skip_connect", "conv_5x5"), 50, `unknown op "conv_5x5", expected one of skip_connect, none, nor_conv_3x3, nor_conv_1x1, avg_pool_3x3`],
    ["bad source index", good.replace("nor_conv_3x3~1|+", "nor_conv_3x3~2|+"), 46, "source node 2 is not smaller than target node 2"],
    ["duplicate source", good.replace("nor_conv_3x3~1|+", "nor_conv_3x3~0|+"), 46, "duplicate source node 0 in group 2"],
    ["missing leading |", good.slice(1), 0, "expected '|' to open group 1, found 'n'"],
    ["missing closing |", good.slice(0, -1), 94, "expected '|' after edge nor_conv_3x3~2, found the end"],
    ["missing source", good.replace("~0|+", "~|+"), 14, "expected a source node number after '~'"]
  ])("rejects %s, naming the position and the problem", (_name, input, position, problem) => {
    const result = nb201.parse(input)
    expect(Result.isFailure(result)).toBe(true)
    const error = (result as Result.Failure<never, any>).failure
    expect([error.position, error.problem]).toEqual([position, problem])
    expect(error.message).toBe(`invalid nb201 architecture ${JSON.stringify(input)} at position ${position}: ${problem}`)
  })
})

describe("NB201 ids, sampling and mutation", () => {
  it("enumerates 15,625 architectures in id order and ids round-trip", () => {
    const all = nb201.enumerate!()
    expect(all).toHaveLength(15_625)
    all.forEach((a, n) => expect(id(a)).toBe(n))
    expect(id(fromId(7762))).toBe(7762)
  })

  it("accepts exactly 15,380 architectures under the sampling rule, and samples only those", () => {
    expect(nb201.enumerate!().filter(isSampleable)).toHaveLength(15_380)
    const rng = Rng.make(1, "test")
    const seen = new Set<number>()
    for (let i = 0; i < 20_000; i++) {
      const a = nb201.sample(rng)
      expect(isSampleable(a)).toBe(true)
      seen.add(id(a))
    }
    // 20,000 uniform draws from 15,380 cover about 1 − e^(−1.3) ≈ 73% of them.
    expect(seen.size).toBeGreaterThan(10_500)
    expect(seen.size).toBeLessThan(11_800)
  })

  it("mutates one edge to a different op: Hamming distance exactly 1, all 24 neighbours reachable", () => {
    const rng = Rng.make(2, "mutation")
    const parent = parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|")
    const children = new Map<string, number>()
    for (let i = 0; i < 24_000; i++) {
      const child = nb201.mutate(parent, rng)
      expect(child.filter((op, p) => op !== parent[p]).length).toBe(1)
      children.set(child.join(), (children.get(child.join()) ?? 0) + 1)
    }
    expect([...children.keys()].sort()).toEqual(neighbours(parent).map((a) => a.join()).sort())
    for (const count of children.values()) expect(Math.abs(count - 1000)).toBeLessThan(150)
  })
})

describe("NB201 encodings (docs/nb201.md)", () => {
  const vectors: Array<[number[], string | undefined, number, boolean, number[], number[], number[], number[]]> = [
    [[0, 1, 2, 3, 4, 0], "|skip_connect~0|+|none~0|nor_conv_1x1~1|+|nor_conv_3x3~0|avg_pool_3x3~1|skip_connect~2|", 2930, true, [0, 6, 12, 18, 24, 25], [3, 6, 25, 40], [2, 6, 25, 45], [2, 9, 28, 139]],
    [[4, 3, 3, 0, 0, 0], "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|", 94, true, [4, 8, 13, 15, 20, 25], [0, 8, 9, 49], [3, 8, 9, 34], [1, 25, 26, 150]],
    [[2, 2, 2, 2, 2, 2], undefined, 7812, true, [2, 7, 12, 17, 22, 27], [2, 17, 92], [2, 17, 92], [2, 17, 92]],
    [[1, 4, 0, 1, 3, 4], "|none~0|+|avg_pool_3x3~0|none~1|+|skip_connect~0|nor_conv_1x1~1|avg_pool_3x3~2|", 14521, true, [1, 9, 10, 16, 23, 29], [1, 21, 29, 131], [0, 21, 29, 136], [4, 5, 13, 48]],
    [[2, 2, 0, 2, 2, 2], "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|", 7762, true, [2, 7, 10, 17, 22, 27], [2, 17, 82], [0, 17, 92], [4, 17, 92]],
    [[1, 1, 1, 1, 1, 1], undefined, 3906, false, [1, 6, 11, 16, 21, 26], [1, 11, 61], [1, 11, 61], [3, 23, 123]],
    [[1, 1, 1, 0, 0, 0], "|none~0|+|none~0|skip_connect~1|+|none~0|skip_connect~1|skip_connect~2|", 31, false, [1, 6, 11, 15, 20, 25], [0, 6, 36], [1, 6, 31], [3, 28, 153]],
    [[0, 0, 1, 1, 1, 1], "|skip_connect~0|+|skip_connect~0|none~1|+|none~0|none~1|none~2|", 3900, false, [0, 5, 11, 16, 21, 26], [1, 10, 60], [1, 10, 60], [3, 24, 124]]
  ]
  it.each(vectors)("%j", (o, string, n, valid, onehot, naslib, semantic, naszilla) => {
    const arch = o as unknown as Arch
    if (string !== undefined) {
      expect(nb201.format(arch)).toBe(string)
      expect(parse(string)).toEqual(o)
    }
    expect(id(arch)).toBe(n)
    expect(isSampleable(arch)).toBe(valid)
    expect(encode("onehot30", o)).toEqual(onehot)
    expect(encode("path-naslib", o)).toEqual(naslib)
    expect(encode("path-semantic", o)).toEqual(semantic)
    expect(encode("path-naszilla", o)).toEqual(naszilla)
  })

  it("truncations keep the first 30 or 40 features", () => {
    expect(encode("path-naslib-trunc30", [0, 1, 2, 3, 4, 0])).toEqual([3, 6, 25])
    expect(encode("path-naslib-trunc40", [0, 1, 2, 3, 4, 0])).toEqual([3, 6, 25])
    expect(encode("path-naslib-trunc40", [1, 1, 1, 0, 0, 0])).toEqual([0, 6, 36])
    expect(encode("path-naszilla-trunc30", [4, 3, 3, 0, 0, 0])).toEqual([1, 25, 26])
  })

  it("path encodings are injective; truncations give 1,625 (c=30) and 2,875 (c=40) distinct vectors; 625 have three ones", () => {
    const all = nb201.enumerate!()
    const distinct = (name: string) => {
      const e = nb201.encodings[name]!
      const x = encodeAll(e, all)
      const keys = new Set<string>()
      for (let i = 0; i < all.length; i++) keys.add(x.subarray(i * e.dimensions, (i + 1) * e.dimensions).join(""))
      return keys.size
    }
    for (const base of ["path-naslib", "path-semantic", "path-naszilla"]) {
      expect([distinct(base), distinct(`${base}-trunc30`), distinct(`${base}-trunc40`)], base).toEqual([15_625, 1_625, 2_875])
      const threes = all.filter((a) => encode(base, a).length === 3).length
      expect(threes, base).toBe(625)
    }
    expect(distinct("onehot30")).toBe(15_625)
  })
})

describe("NB201 transpiler (docs/nb201.md)", () => {
  const [example1, example2, helper, comment] = ["exclude-helper", "none-edges", "helper", "comment"].map((name) => docExample("nb201.md", name))
  const strong = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
  const sparse = "|skip_connect~0|+|none~0|nor_conv_1x1~1|+|avg_pool_3x3~0|none~1|none~2|"
  const t = (s: string, mode: "exclude-helper" | "helper" | "inline", addon: "none" | "comment" | "backbone" = "none") =>
    nb201.transpile(parse(s), { mode, addon })

  it("reproduces both worked examples byte for byte (exclude-helper)", () => {
    expect(t(strong, "exclude-helper")).toBe(example1)
    expect(t(sparse, "exclude-helper")).toBe(example2)
  })

  it("helper mode prepends the 11-line helper and a blank line, whatever the cell holds", () => {
    expect(helper!.split("\n")).toHaveLength(11)
    expect(helper!.split("\n")[8]).toBe("    ")
    expect(t(strong, "helper")).toBe(`${helper}\n\n${example1}`)
    expect(t("|none~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|", "helper")).toMatch(/^class ReLU_Conv2d_BatchNorm/)
  })

  it("inline mode writes nn.Sequential modules; a cell without convolutions is the same as exclude-helper", () => {
    const inline = t(sparse, "inline")
    expect(inline).toBe(example2!.replace(
      "ReLU_Conv2d_BatchNorm(channels, kernel_size=1, stride=1, padding=0)",
      "nn.Sequential(nn.ReLU(inplace=False), nn.Conv2d(channels, channels, kernel_size=1, stride=1, padding=0, bias=False), nn.BatchNorm2d(channels))"
    ))
    const noConv = "|skip_connect~0|+|avg_pool_3x3~0|none~1|+|skip_connect~0|none~1|avg_pool_3x3~2|"
    expect(t(noConv, "inline")).toBe(t(noConv, "exclude-helper"))
    expect(t(strong, "inline")).toBe(example1!.replaceAll(
      "ReLU_Conv2d_BatchNorm(channels, kernel_size=3, stride=1, padding=1)",
      "nn.Sequential(nn.ReLU(inplace=False), nn.Conv2d(channels, channels, kernel_size=3, stride=1, padding=1, bias=False), nn.BatchNorm2d(channels))"
    ))
  })

  it("a cell with no module lines has super().__init__() then the empty line; an input-less node is zeros", () => {
    expect(t("|none~0|+|none~0|skip_connect~1|+|none~0|skip_connect~1|none~2|", "exclude-helper")).toBe([
      "class Cell(nn.Module):",
      "    def __init__(self, channels):",
      "        super().__init__()",
      "",
      "    def forward(self, x):",
      "        node_0 = x",
      "        node_1 = torch.zeros_like(node_0)",
      "        node_2 = node_1",
      "        node_3 = node_1",
      "        return node_3"
    ].join("\n"))
  })

  it("the comment add-on prepends the 16-line docstring in every mode", () => {
    const lines = comment!.split("\n")
    expect([lines.length, lines[13]!.endsWith("0.1 "), lines[10]!.includes("\u2192")]).toEqual([16, true, true])
    for (const mode of ["exclude-helper", "helper", "inline"] as const) {
      expect(t(strong, mode, "comment")).toBe(`${comment}\n\n${t(strong, mode)}`)
    }
  })

  const python = spawnSync("python3", ["--version"]).status === 0
  it.skipIf(!python)("every mode × add-on is valid Python (checked by python3's parser), deterministic, and without a trailing newline", () => {
    const archs = [strong, sparse, "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|"]
    const texts: Array<string> = []
    for (const s of archs) {
      for (const mode of ["exclude-helper", "helper", "inline"] as const) {
        for (const addon of ["none", "comment", "backbone"] as const) {
          const text = t(s, mode, addon)
          expect(text).toBe(t(s, mode, addon))
          expect(text.endsWith("\n")).toBe(false)
          texts.push(text)
        }
      }
    }
    const check = spawnSync("python3", ["-c", "import ast, json, sys\nfor i, t in enumerate(json.load(sys.stdin)): ast.parse(t)\nprint('ok')"], { input: JSON.stringify(texts) })
    expect(check.stderr.toString()).toBe("")
    expect(check.stdout.toString().trim()).toBe("ok")
    const backbone = t(strong, "exclude-helper", "backbone")
    expect(backbone).toMatch(/^class ReLUConvBN\(nn.Module\):[\s\S]*class ResNetBasicblock\(nn.Module\):[\s\S]*\n\nclass Cell\(nn.Module\):[\s\S]*\n\nclass Network\(nn.Module\):/)
    expect(backbone).toMatch(/def get_training_config\(self\):/)
    expect(backbone).toMatch(/return out, logits$/)
  })
})
