/** The library stands without its CLI: no module outside src/cli reaches one inside it. */
import { readdirSync } from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import * as Fingerprint from "../src/core/Fingerprint.ts"
import { repoRoot } from "./helpers.ts"

const modules = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .map((e) => path.join(e.parentPath, e.name))

describe("layering", () => {
  it("library modules (src outside src/cli, and pipelines/) never reach the CLI", () => {
    const cli = path.join(repoRoot, "src", "cli") + path.sep
    const library = [...modules(path.join(repoRoot, "src")), ...modules(path.join(repoRoot, "pipelines"))].filter((f) => !f.startsWith(cli))
    expect(library.length).toBeGreaterThan(50)
    const offenders = library.filter((f) => Fingerprint.reach([f]).some((reached) => reached.startsWith(cli)))
    expect(offenders.map((f) => path.relative(repoRoot, f))).toEqual([])
    // The check can fail: the CLI's entry reaches its own commands.
    expect(Fingerprint.reach([path.join(cli, "main.ts")]).some((r) => r.endsWith("cvCommand.ts"))).toBe(true)
  })
})
