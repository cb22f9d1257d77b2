/**
 * The step drift guard. Each implementation's fingerprint is the sha256 of its source files; the
 * committed lock (`steps.lock.json`) records fingerprint and version per implementation. When code
 * changes but the version does not, cached results would silently go stale — `check` reports exactly
 * that, and a test runs it.
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import * as Hash from "./Hash.ts"
import type * as Step from "./Step.ts"

export interface LockEntry {
  readonly version: number
  readonly fingerprint: string
}

export type Lock = Readonly<Record<string, LockEntry>>

export const idOf = (identity: Step.Identity) => `${identity.step}/${identity.implementation}`

const read = (source: string) => readFileSync(source.startsWith("file:") ? fileURLToPath(source) : source, "utf8")

/** sha256 over the implementation's source files (line endings normalised, order as declared). */
export const fingerprint = (identity: Step.Identity): string =>
  Hash.sha256(identity.sources.map((s) => read(s).replace(/\r\n/g, "\n")).join("\u0000"))

export const lock = (identities: ReadonlyArray<Step.Identity>): Lock =>
  Object.fromEntries(
    [...identities].sort((a, b) => idOf(a).localeCompare(idOf(b))).map((i) => [idOf(i), { version: i.version, fingerprint: fingerprint(i) }])
  )

/** Problems between the code and the lock, each one sentence saying what to do. */
export const check = (identities: ReadonlyArray<Step.Identity>, locked: Lock): Array<string> => {
  const problems: Array<string> = []
  for (const identity of identities) {
    const id = idOf(identity)
    const entry = locked[id]
    const now = fingerprint(identity)
    if (entry === undefined) problems.push(`${id} is not in steps.lock.json: run \`npm run cole -- steps lock\``)
    else if (entry.fingerprint !== now && entry.version === identity.version) {
      problems.push(`${id} changed but its version is still ${identity.version}: bump the version, then run \`npm run cole -- steps lock\``)
    } else if (entry.version !== identity.version || entry.fingerprint !== now) {
      problems.push(`${id} is at version ${identity.version} but the lock says ${entry.version}: run \`npm run cole -- steps lock\``)
    }
  }
  const known = new Set(identities.map(idOf))
  for (const id of Object.keys(locked)) if (!known.has(id)) problems.push(`${id} is locked but no longer registered: run \`npm run cole -- steps lock\``)
  return problems
}
