/** The single-architecture commands: transpile, encode, sample, format, benchmark. */
import { describe, expect, it } from "vitest"
import { cole } from "./cli.ts"

const A = "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"

describe("cole space commands", () => {
  it("transpile prints the code text and exactly one newline", async () => {
    const r = await cole(["transpile", "--space", "nb201", "--mode", "helper", "--addon", "comment", A])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.startsWith('"""\nTask: CIFAR-10')).toBe(true)
    expect(r.stdout.endsWith("        return node_3\n")).toBe(true)
    expect(r.stdout.endsWith("\n\n")).toBe(false)
  }, 30_000)

  it("encode prints one JSON array on one line", async () => {
    const r = await cole(["encode", "--space", "nb201", "--encoding", "onehot30", A])
    const vector = JSON.parse(r.stdout)
    expect(r.stdout.trim().split("\n")).toHaveLength(1)
    expect(vector.flatMap((x: number, i: number) => (x === 1 ? [i] : []))).toEqual([2, 7, 10, 17, 22, 27])
  }, 30_000)

  it("sample is deterministic for a seed; format canonicalises or names the problem", async () => {
    const [a, b] = await Promise.all([1, 1].map(() => cole(["sample", "--space", "nb201", "--count", "5", "--seed", "9"])))
    expect(a!.stdout).toBe(b!.stdout)
    expect(a!.stdout.trim().split("\n")).toHaveLength(5)
    const reordered = "|nor_conv_3x3~0|+|nor_conv_3x3~1|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"
    expect((await cole(["format", "--space", "nb201", reordered])).stdout).toBe(`${A}\n`)
    const bad = await cole(["format", "--space", "nb201", "|nor_conv_3x3~0|"])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr.trim()).toBe(`cole: invalid nb201 architecture "|nor_conv_3x3~0|" at position 16: expected 3 groups separated by '+', found 1`)
  }, 60_000)

  it("benchmark prints the accuracy; an unknown space is one clear line", async () => {
    const r = await cole(["benchmark", "--space", "nb201", "--objective", "cifar100_test", A])
    expect(Number(r.stdout)).toBeCloseTo(73.5133, 4)
    const unknown = await cole(["benchmark", "--space", "nb999", A])
    expect(unknown.stderr.trim()).toBe(`cole: unknown search space "nb999"; known: nb201, einspace`)
  }, 60_000)
})

describe("cole import nb201", () => {
  it("stores each objective column as a typed artifact under a ref; a second import is all hits", async () => {
    const { tempDir } = await import("../helpers.ts")
    const store = tempDir()
    const first = await cole(["import", "nb201", "data/nb201/nb201_12epoch.csv.gz", "--store", store])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toMatch(/imported 6 objective columns/)
    expect(first.stdout).toMatch(/nb201\/cifar10_valid_12ep\s+computed\s+sha256:/)
    const again = await cole(["import", "nb201", "data/nb201/nb201_12epoch.csv.gz", "--store", store])
    expect(again.stdout.match(/ hit /g)).toHaveLength(6)
    const ls = await cole(["cache", "ls", "--store", store])
    expect(ls.stdout).toMatch(/refs: .*nb201\/imagenet16_test_12ep \(1\)/)
  }, 60_000)
})
