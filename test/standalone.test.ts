/** The repository stands on its own: no file a user gets refers to a folder beside the checkout. */
import { readdirSync, readFileSync, statSync } from "node:fs"
import * as path from "node:path"
import { expect, it } from "vitest"
import { repoRoot } from "./helpers.ts"

const outside = ["..", "shared"].join("/") // spelled in two parts so this file does not match itself

const files = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? files(full) : [full]
  })

it(`no source, test, benchmark, pipeline, doc or example refers to ${outside}`, () => {
  const found = ["src", "test", "bench", "pipelines", "docs", "examples", "schemas", "bin", "kernels", "data"]
    .flatMap((dir) => files(path.join(repoRoot, dir)))
    .concat(["README.md", "package.json", ".ci/run"].map((f) => path.join(repoRoot, f)))
    .filter((file) => !/\.(gz|wasm|node)$/.test(file) && readFileSync(file, "utf8").includes(outside))
    .map((file) => path.relative(repoRoot, file))
  expect(found).toEqual([])
})
