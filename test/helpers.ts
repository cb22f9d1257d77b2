/** Shared test helpers: throwaway directories and a store layer on one. */
import { mkdtempSync, rmSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
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

/** The shared folder beside the project (specs, NB201 tables); never copied into the repo. */
export const sharedDir = path.resolve(repoRoot, "..", "shared")
