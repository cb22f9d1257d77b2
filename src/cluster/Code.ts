/**
 * The code a unit runs with. A coordinator and a runner agree on a unit only when their installs hold
 * the same code: every module under `src/` and every file those modules reach (kernels, data checksums),
 * plus `package.json`, whose exact pins fix the dependencies. One digest per process, computed once.
 */
import { readdirSync } from "node:fs"
import * as path from "node:path"
import * as Fingerprint from "../core/Fingerprint.ts"
import * as Hash from "../core/Hash.ts"

const modules = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name)
    return entry.isDirectory() ? modules(file) : /\.(ts|mjs)$/.test(entry.name) ? [file] : []
  })

/** The install's fingerprint over (relative path, content digest) of its code files. */
export const fingerprintOf = (root: string): Hash.Digest => {
  const files = [...Fingerprint.reach(modules(path.join(root, "src")), root), path.join(root, "package.json")]
  return Hash.digestJson(Object.fromEntries(files.map((f) => [path.relative(root, f).split(path.sep).join("/"), Fingerprint.digestOf(f)])))
}

let cached: Hash.Digest | undefined

/** This install's fingerprint. */
export const fingerprint = (): Hash.Digest => (cached ??= fingerprintOf(Fingerprint.projectRoot))
