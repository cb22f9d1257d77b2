/** The `cole` command as a user meets it: output, exit codes, and one-line errors for bad input. */
import { spawnSync } from "node:child_process"
import { existsSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { repoRoot, tempDir } from "../helpers.ts"
import { cole } from "./cli.ts"

describe("cole CLI", () => {
  const store = tempDir()

  it("runs a pipeline, then explains that everything would hit, and lists and verifies the store", async () => {
    const first = await cole(["run", "test/fixtures/gated-pipeline.ts", "--store", store, "--workers", "0", "--ref", "baseline"])
    expect(first.code, first.stderr).toBe(0)
    expect(first.stdout).toMatch(/^gated: 3 nodes \(3 computed\)/)
    expect(first.stdout).toMatch(/ref baseline → 3 entries/)

    const explain = await cole(["explain", "test/fixtures/gated-pipeline.ts", "--store", store])
    expect(explain.code).toBe(0)
    expect(explain.stdout).toMatch(/^gated: 3 of 3 nodes would hit; 0 would run/)

    const ls = await cole(["cache", "ls", "--store", store])
    expect(ls.stdout).toMatch(/3 entries, 3 blobs/)
    expect(ls.stdout).toMatch(/refs: baseline \(3\)/)

    const verify = await cole(["cache", "verify", "--store", store])
    expect(verify.code).toBe(0)
    expect(verify.stdout).toMatch(/3 blobs re-hashed, 3 entries checked: all good/)

    const gc = await cole(["cache", "gc", "--store", store, "--dry-run", "--grace", "0s", "--keep-runs", "0"])
    expect(gc.code).toBe(0)
    expect(gc.stdout).toMatch(/would free .* kept 3 entries and 3 blobs/)
  }, 60_000)

  it("an unknown --force step is one clear line listing the known steps, and a non-zero exit", async () => {
    const r = await cole(["run", "test/fixtures/gated-pipeline.ts", "--store", store, "--force", "toy/nope"])
    expect(r.code).not.toBe(0)
    expect(r.stderr.trim()).toBe("cole: --force toy/nope: no such step or node in this pipeline; known: toy/scale, toy/source, toy/sum (or all)")
  }, 60_000)

  it("a bad --ref is refused before the pipeline runs, naming the problem; explain creates no store", async () => {
    const fresh = path.join(tempDir(), "never-created")
    const r = await cole(["run", "test/fixtures/gated-pipeline.ts", "--store", fresh, "--ref", "../baseline"])
    expect([r.code, r.stderr.trim()]).toEqual([1,
      `cole: invalid ref name "../baseline": ".." would leave its folder; expected lower-case letters, digits, '-', '_', '.', '/'-separated, at most 200 characters`])
    expect(r.stdout).toBe("")
    const explain = await cole(["explain", "test/fixtures/gated-pipeline.ts", "--store", fresh])
    expect(explain.code, explain.stderr).toBe(0)
    const status = await cole(["status", "--store", fresh])
    expect(status.code, status.stderr).toBe(0)
    expect(existsSync(fresh)).toBe(false)
  }, 60_000)

  it("cole help describes cole or a command", async () => {
    const help = await cole(["help"])
    expect([help.code, help.stdout]).toMatchObject([0, expect.stringMatching(/USAGE\n {2}cole <subcommand> \[flags\][\s\S]*quickstart[\s\S]*search/)])
    const searchHelp = await cole(["help", "search"])
    expect(searchHelp.stdout).toMatch(/--dedupe\s+Never evaluate an architecture twice/)
  }, 60_000)

  // Where the machine's own `node` is older than Effect's Node platform needs (Debian's is 20), the bin says so.
  const systemNode = spawnSync("node", ["-p", "process.versions.node"], { encoding: "utf8", env: { PATH: "/usr/bin:/bin" } }).stdout?.trim() ?? ""
  const [major = 0, minor = 0] = systemNode.split(".").map(Number)
  it.skipIf(systemNode === "" || major > 22 || (major === 22 && minor >= 19))("the cole bin refuses a Node older than 22.19 in one line", () => {
    const r = spawnSync("node", ["bin/cole.mjs", "--help"], { cwd: repoRoot, encoding: "utf8", env: { PATH: "/usr/bin:/bin" } })
    expect([r.status, r.stderr.trim()]).toEqual([1, expect.stringMatching(new RegExp(`^cole: needs Node\\.js 22\\.19 or newer; this is ${systemNode.replaceAll(".", "\\.")} `))])
  })

  it("a missing or wrong pipeline file is one clear line", async () => {
    const missing = await cole(["run", "nope.ts", "--store", store])
    expect(missing.code).not.toBe(0)
    expect(missing.stderr.trim()).toBe("cole: pipeline file nope.ts: no such file")
    const file = path.join(tempDir(), "not-a-pipeline.ts")
    writeFileSync(file, "export default 42\n")
    const wrong = await cole(["explain", file, "--store", store])
    expect(wrong.stderr.trim()).toMatch(/^cole: pipeline file .*not-a-pipeline.ts: its default export is not a pipeline/)
  }, 60_000)

  it("bad flag values are rejected with what was expected", async () => {
    const r = await cole(["cache", "gc", "--store", store, "--grace", "soon"])
    expect(r.code).not.toBe(0)
    expect(r.stderr.trim()).toBe(`cole: --grace "soon": expected a duration such as 30m, 1h or 0s`)
  }, 60_000)

  it("has --help at every level", async () => {
    for (const command of [[], ["run"], ["cache", "gc"]]) {
      const r = await cole([...command, "--help"])
      expect(r.code, command.join(" ")).toBe(0)
      expect(r.stdout).toMatch(/USAGE/)
    }
  }, 120_000)
})
