/**
 * The step drift guard. An implementation's fingerprint covers every file its code reaches: its entry
 * modules (`sources`), the project modules they import statically (transitively), and the files those
 * modules open by a literal `new URL("…", import.meta.url)` — WebAssembly, native sources, worker task
 * modules, a data folder's SHA256SUMS. Nothing is listed by hand, so a helper nobody remembered cannot
 * change results unseen. The committed lock (`steps.lock.json`) records per implementation its version,
 * fingerprint and the digest of each reached file; when code changes but the version does not, cached
 * results would silently go stale — `check` reports exactly that, naming the files, and a test runs it.
 */
import { existsSync, readFileSync, statSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as Hash from "./Hash.ts"
import type * as Step from "./Step.ts"

export interface LockEntry {
  readonly version: number
  readonly fingerprint: string
  /** Reached file (relative to the project root) → the first 16 hex digits of its content's sha256. */
  readonly files?: Readonly<Record<string, string>>
}

export type Lock = Readonly<Record<string, LockEntry>>

export const idOf = (identity: Step.Identity) => `${identity.step}/${identity.implementation}`

/** The project root: files outside it (dependencies, the system) are pinned elsewhere, not fingerprinted. */
export const projectRoot = fileURLToPath(new URL("../../", import.meta.url))

const MODULE = /\.(ts|mts|mjs|js)$/
// Built per machine, never part of what decides a result's bits (the native kernels are checked
// against their source and the WebAssembly kernels instead).
const EXCLUDED = /\.node$/
// Static imports and re-exports (type-only ones are erased at run time), dynamic imports, and files opened
// relative to the module; only literal relative specifiers can be followed.
const IMPORT = /^\s*(?:import|export)\s+(?!type\s)(?:[^"';]*?\sfrom\s+)?["'](\.{1,2}\/[^"']+)["']/gm
const DYNAMIC = /\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g
const URL_OF = /new URL\(\s*["'](\.{1,2}\/[^"']*)["']\s*,\s*import\.meta\.url\s*\)/g

const toPath = (source: string) => path.resolve(source.startsWith("file:") ? fileURLToPath(source) : source)

/** The files a module's text points at, resolved: directories give their SHA256SUMS, if any. */
const references = (file: string, text: string): Array<string> => {
  const found: Array<string> = []
  for (const pattern of [IMPORT, DYNAMIC, URL_OF]) {
    for (const match of text.matchAll(pattern)) {
      const target = path.resolve(path.dirname(file), match[1]!)
      if (!existsSync(target)) continue
      if (statSync(target).isDirectory()) {
        const sums = path.join(target, "SHA256SUMS")
        if (existsSync(sums)) found.push(sums)
      } else if (!EXCLUDED.test(target)) found.push(target)
    }
  }
  return found
}

/** Every file reached from `sources` inside `root`, sorted, as absolute paths. */
export const reach = (sources: ReadonlyArray<string>, root = projectRoot): Array<string> => {
  const inside = (file: string) => !path.relative(root, file).startsWith("..") && !file.includes(`${path.sep}node_modules${path.sep}`)
  const seen = new Set<string>()
  const queue = sources.map(toPath)
  while (queue.length > 0) {
    const file = queue.pop()!
    if (seen.has(file) || !inside(file)) continue
    seen.add(file)
    if (MODULE.test(file)) queue.push(...references(file, readFileSync(file, "utf8")))
  }
  return [...seen].sort()
}

/** The digest of one reached file: text with line endings normalised, anything else as bytes. */
export const digestOf = (file: string) => {
  const bytes = readFileSync(file)
  return Hash.sha256(/\.(wasm|gz)$/.test(file) ? bytes : bytes.toString("utf8").replace(/\r\n/g, "\n"))
}

/** Each reached file (relative to `root`, `/`-separated) with its content digest. */
export const files = (identity: Step.Identity, root = projectRoot): Record<string, string> =>
  Object.fromEntries(reach(identity.sources, root).map((f) => [path.relative(root, f).split(path.sep).join("/"), digestOf(f).slice(7, 23)]))

/**
 * What the lock records for an implementation now: its version, the fingerprint (sha256 over the reached
 * files' relative paths and digests, so the same tree anywhere gives the same value) and those files.
 */
export const entry = (identity: Step.Identity, root = projectRoot) => {
  const reached = files(identity, root)
  return { version: identity.version, fingerprint: Hash.digestJson(reached), files: reached }
}

export const lock = (identities: ReadonlyArray<Step.Identity>, root = projectRoot): Lock =>
  Object.fromEntries([...identities].sort((a, b) => idOf(a).localeCompare(idOf(b))).map((i) => [idOf(i), entry(i, root)]))

/** What differs between the locked files and the reached ones: changed, added (+) and removed (−) paths. */
const changes = (locked: Readonly<Record<string, string>>, now: Readonly<Record<string, string>>) => [
  ...Object.keys(now).filter((f) => locked[f] !== undefined && locked[f] !== now[f]),
  ...Object.keys(now).filter((f) => locked[f] === undefined).map((f) => `+${f}`),
  ...Object.keys(locked).filter((f) => now[f] === undefined).map((f) => `−${f}`)
]

/** Problems between the code and the lock, each one sentence saying what changed and what to do. */
export const check = (identities: ReadonlyArray<Step.Identity>, locked: Lock, root = projectRoot): Array<string> => {
  const problems: Array<string> = []
  for (const identity of identities) {
    const id = idOf(identity)
    const was = locked[id]
    const now = entry(identity, root)
    if (was === undefined) problems.push(`${id} is not in steps.lock.json: run \`npm run cole -- steps lock\``)
    else if (was.fingerprint !== now.fingerprint && was.version === identity.version) {
      const changed = changes(was.files ?? {}, now.files)
      problems.push(`${id} changed${changed.length > 0 ? ` (${changed.join(", ")})` : ""} but its version is still ${identity.version}: bump the version, then run \`npm run cole -- steps lock\``)
    } else if (was.version !== identity.version || was.fingerprint !== now.fingerprint) {
      problems.push(`${id} is at version ${identity.version} but the lock says ${was.version}: run \`npm run cole -- steps lock\``)
    }
  }
  const known = new Set(identities.map(idOf))
  for (const id of Object.keys(locked)) if (!known.has(id)) problems.push(`${id} is locked but no longer registered: run \`npm run cole -- steps lock\``)
  return problems
}
