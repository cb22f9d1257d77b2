import { appendFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import * as Fingerprint from "../../src/core/Fingerprint.ts"
import { implementations } from "../../src/implementations.ts"
import { repoRoot, tempDir } from "../helpers.ts"

const LOCK = "run `npm run cole -- steps lock`"

describe("step drift guard", () => {
  it("every built-in implementation matches steps.lock.json (bump the version when code changes)", () => {
    const lock = JSON.parse(readFileSync(path.join(repoRoot, "steps.lock.json"), "utf8"))
    expect(Fingerprint.check(implementations, lock)).toEqual([])
  })

  it("flags a code change without a version bump, naming the file, and accepts it once bumped and locked", () => {
    const root = tempDir()
    const file = path.join(root, "step.ts")
    writeFileSync(file, "export const v = 1\n")
    const identity = { step: "x", implementation: "y", version: 1, sources: [file] }
    const lock = Fingerprint.lock([identity], root)
    expect(Fingerprint.check([identity], lock, root)).toEqual([])

    writeFileSync(file, "export const v = 2\n")
    expect(Fingerprint.check([identity], lock, root)).toEqual([`x/y changed (step.ts) but its version is still 1: bump the version, then ${LOCK}`])
    const bumped = { ...identity, version: 2 }
    expect(Fingerprint.check([bumped], lock, root)).toEqual([`x/y is at version 2 but the lock says 1: ${LOCK}`])
    expect(Fingerprint.check([bumped], Fingerprint.lock([bumped], root), root)).toEqual([])
    expect(Fingerprint.check([], lock, root)).toEqual([`x/y is locked but no longer registered: ${LOCK}`])
  })

  it("follows static and dynamic imports, re-exports and `new URL(…, import.meta.url)` files; not type-only imports or packages", () => {
    const root = tempDir()
    mkdirSync(path.join(root, "lib", "data"), { recursive: true })
    const write = (file: string, text: string) => writeFileSync(path.join(root, file), text)
    write("step.ts", [
      `import { a } from "./lib/a.ts"`,
      `import type { T } from "./lib/types.ts"`,
      `import {\n  b,\n  type C\n} from "./lib/b.ts"`,
      `export * from "./lib/c.ts"`,
      `import { Effect } from "effect"`,
      `const task = { module: new URL("./lib/task.ts", import.meta.url).href }`,
      `const bytes = new URL("./lib/kernel.wasm", import.meta.url)`,
      `const data = new URL("./lib/data/", import.meta.url)`,
      `const built = new URL("./lib/kernel.node", import.meta.url)`,
      `const later = () => import("./lib/d.ts")`
    ].join("\n"))
    for (const f of ["a", "b", "c", "d", "types", "unreached"]) write(`lib/${f}.ts`, `export const ${f} = 1\n`)
    write("lib/task.ts", `import { helper } from "./helper.ts"\n`)
    write("lib/helper.ts", "export const helper = 1\n")
    write("lib/kernel.wasm", "\u0000asm")
    write("lib/kernel.node", "binary built on this machine")
    write("lib/data/SHA256SUMS", "abc  table.csv\n")
    write("lib/data/table.csv.gz", "…")
    const reached = Fingerprint.reach([path.join(root, "step.ts")], root).map((f) => path.relative(root, f))
    expect(reached).toEqual(["lib/a.ts", "lib/b.ts", "lib/c.ts", "lib/d.ts", "lib/data/SHA256SUMS", "lib/helper.ts", "lib/kernel.wasm", "lib/task.ts", "step.ts"])
  })

  it("ignores line-ending changes", () => {
    const root = tempDir()
    const file = path.join(root, "step.ts")
    writeFileSync(file, "a\nb\n")
    const before = Fingerprint.entry({ step: "x", implementation: "y", version: 1, sources: [file] }, root).fingerprint
    writeFileSync(file, "a\r\nb\r\n")
    expect(Fingerprint.entry({ step: "x", implementation: "y", version: 1, sources: [file] }, root).fingerprint).toBe(before)
  })

  describe("on a copy of the project's tree", () => {
    const copy = () => {
      const root = tempDir("cole-tree-")
      for (const dir of ["src", "schemas", "kernels", "data"]) {
        cpSync(path.join(repoRoot, dir), path.join(root, dir), { recursive: true, filter: (f) => f !== path.join(repoRoot, "kernels", "native", "build") })
      }
      // The same implementations, their entry modules moved into the copy.
      const moved = implementations.map((i) => ({
        ...i,
        sources: i.sources.map((s) => path.join(root, path.relative(repoRoot, s.startsWith("file:") ? fileURLToPath(s) : s)))
      }))
      return { root, moved, lock: Fingerprint.lock(moved, root) }
    }
    const flagged = (problems: ReadonlyArray<string>) => problems.map((p) => p.split(" ")[0]!).sort()

    it("editing Rng.ts flags cross-validation, search and PCA, each naming the file", () => {
      const { root, moved, lock } = copy()
      expect(Fingerprint.check(moved, lock, root)).toEqual([])
      appendFileSync(path.join(root, "src/core/Rng.ts"), "\n// a different stream derivation would go here\n")
      const problems = Fingerprint.check(moved, lock, root)
      expect(flagged(problems)).toEqual(expect.arrayContaining(["cross-validate/cole-head", "reduce/pca", "search/nb201-table-search", "search-open/on-demand"]))
      for (const p of problems) expect(p).toMatch(/ changed \(src\/core\/Rng\.ts\) but its version is still \d+/)
    })

    it("editing the WebAssembly kernels or the native source flags the steps that compute on them", () => {
      const { root, moved, lock } = copy()
      appendFileSync(path.join(root, "kernels/native/kernels.cc"), "\n// tuned\n")
      expect(flagged(Fingerprint.check(moved, lock, root))).toEqual(expect.arrayContaining(["cross-validate/cole-head", "reduce/pca", "search/nb201-table-search"]))
    })

    it("editing a module no step reaches (the CLI's table formatting) flags nothing", () => {
      const { root, moved, lock } = copy()
      appendFileSync(path.join(root, "src/cli/format.ts"), "\n// nothing a step computes\n")
      expect(Fingerprint.check(moved, lock, root)).toEqual([])
    })
  })
})
