/** Shared test helpers: throwaway directories, the shipped NB201 tables, the docs' worked examples. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { gunzipSync } from "node:zlib"
import { afterAll } from "vitest"

const made: Array<string> = []
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true })
})

/** A fresh temporary directory, removed after the test file. */
export const tempDir = (prefix = "cole-test-") => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  made.push(dir)
  return dir
}

export const repoRoot = path.resolve(import.meta.dirname, "..")

/** The project's copy of the NB201 tables (gzip). */
export const nb201Dir = path.join(repoRoot, "data", "nb201")

/** The text of a shipped NB201 table, e.g. `nb201Text("nb201.csv")`. */
export const nb201Text = (name: string) => gunzipSync(readFileSync(path.join(nb201Dir, `${name}.gz`))).toString("utf8")

/** The code block marked `<!-- example: NAME -->` in a file under docs/. */
export const docExample = (doc: string, name: string) => {
  const text = readFileSync(path.join(repoRoot, "docs", doc), "utf8")
  const found = text.match(new RegExp(`<!-- example: ${name} -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\`\\n`))
  if (found === null) throw new Error(`docs/${doc} has no example "${name}"`)
  return found[1]!
}
