/**
 * What `cole status` reports: per pipeline, how its latest run went (from the run journals), and which
 * stored results can never be hits again because the code they came from changed — a step
 * implementation's version, a search space's, a built-in component's (a CV trial's head, a search's
 * strategy), or a file a command evaluator depends on — and why.
 */
import { Effect, Option, Result } from "effect"
import type { RunEvent } from "../../schemas/Store.ts"
import type { Store } from "../core/Store.ts"
import { implementations } from "../implementations.ts"
import { spaces } from "../spaces/registry.ts"
import { digestOf } from "../steps/CommandEvaluator.ts"

export type RunState = "running" | "finished" | "failed" | "interrupted"

interface RunLike {
  readonly runId: string
  readonly events: ReadonlyArray<RunEvent>
  readonly live: boolean
}

/** How a run went: alive, ended well, ended with a failed node, or stopped from outside (Ctrl-C, a kill: no end, or no failed node). */
export const runState = (run: RunLike): RunState => {
  if (run.live) return "running"
  const end = run.events.find((e) => e.event === "end")
  if (end === undefined || end.event !== "end") return "interrupted"
  if (end.ok) return "finished"
  return run.events.some((e) => e.event === "node" && e.status === "failed") ? "failed" : "interrupted"
}

export interface RunSummary {
  readonly pipeline: string
  readonly runId: string
  readonly at: string
  readonly state: RunState
  readonly computed: number
  readonly hit: number
  readonly failed: number
}

/** The latest run of every pipeline, newest first. */
export const latestRuns = (runs: ReadonlyArray<RunLike>): Array<RunSummary> => {
  const latest = new Map<string, RunSummary>()
  for (const run of [...runs].sort((a, b) => a.runId.localeCompare(b.runId))) {
    const start = run.events.find((e) => e.event === "start")
    if (start === undefined || start.event !== "start") continue
    const nodes = run.events.filter((e) => e.event === "node")
    const count = (status: string) => nodes.filter((e) => e.event === "node" && e.status === status).length
    latest.set(start.pipeline, {
      pipeline: start.pipeline,
      runId: run.runId,
      at: start.at,
      state: runState(run),
      computed: count("computed"),
      hit: count("hit"),
      failed: count("failed")
    })
  }
  return [...latest.values()].sort((a, b) => b.runId.localeCompare(a.runId))
}

export interface Preimage {
  readonly step: string
  readonly implementation: string
  readonly version: number
  readonly environment?: Readonly<Record<string, unknown>>
}

/**
 * Why an entry can no longer be a hit, or undefined if the current code would still produce its key.
 * Units (`search.batch`, `cross-validate.trial`, …) carry their step's implementation and version.
 */
export const staleness = (
  preimage: Preimage,
  versions: ReadonlyMap<string, number>,
  spaces: ReadonlyMap<string, number>,
  /** A dependency's digest now (paths as the evaluator was given them); undefined when it cannot be read here. */
  digestNow: (path: string) => string | undefined = () => undefined
): string | undefined => {
  const step = preimage.step.split(".")[0]!
  const id = `${step}/${preimage.implementation}`
  const current = versions.get(id)
  if (current === undefined) return `${id} is not an implementation of this code (renamed or removed)`
  if (current !== preimage.version) return `code changed: ${id} version ${preimage.version} → ${current}`
  const space = preimage.environment?.space
  if (typeof space === "string") {
    const [name = "", version = ""] = space.split("@")
    const now = spaces.get(name)
    if (now !== undefined && String(now) !== version) return `space changed: ${name} version ${version} → ${now}`
  }
  const component = changedComponent(preimage.environment?.components, versions)
  if (component !== undefined) return component
  const evaluator = preimage.environment?.evaluator
  const files = typeof evaluator === "object" && evaluator !== null && "files" in evaluator ? evaluator.files : preimage.environment?.files
  return changedDependency(files, digestNow)
}

/**
 * The first built-in component (in a CV's or a search's environment) whose version is not the one the
 * result was made with. A user's component (it has a fingerprint) is keyed by its files' content.
 */
const changedComponent = (components: unknown, versions: ReadonlyMap<string, number>): string | undefined => {
  if (typeof components !== "object" || components === null) return undefined
  for (const c of Object.values(components)) {
    if (typeof c !== "object" || c === null || "fingerprint" in c || !("kind" in c && "name" in c && "version" in c)) continue
    const id = `${String(c.kind)}/${String(c.name)}`
    const now = versions.get(id)
    if (now === undefined) return `component ${id} is not in this code (renamed or removed)`
    if (now !== c.version) return `code changed: component ${id} version ${String(c.version)} → ${now}`
  }
  return undefined
}

/**
 * The first evaluator dependency whose content differs from when the result was made. A file that
 * cannot be read here is passed over: status may run from another folder than the search did.
 */
const changedDependency = (files: unknown, digestNow: (path: string) => string | undefined): string | undefined => {
  if (typeof files !== "object" || files === null) return undefined
  for (const [file, digest] of Object.entries(files)) {
    const now = digestNow(file)
    if (now !== undefined && now !== digest) return `evaluator file ${file} has changed`
  }
  return undefined
}

export interface StaleGroup {
  /** The step the results belong to. */
  readonly step: string
  readonly why: string
  readonly results: number
  /** Bytes of the blobs their manifests name. */
  readonly bytes: number
}

type Listing<K extends "entries" | "blobs"> = Effect.Success<Store["Service"][K]>

/** The store's results that can never be hits again with this code, grouped by step and reason. */
export const staleEntries = (store: Store["Service"]) =>
  Effect.gen(function*() {
    return staleAmong(yield* store.entries, yield* store.blobs)
  })

/** `staleEntries` of a listing already read. */
export const staleAmong = (entries: Listing<"entries">, blobs: Listing<"blobs">): Array<StaleGroup> => {
  const versions = new Map(implementations.map((i) => [`${i.step}/${i.implementation}`, i.version]))
  const spaceVersions = new Map(Object.values(spaces).map((sp) => [sp.name, sp.version]))
  const sizes = new Map(blobs.map((b) => [b.digest as string, b.size]))
  const digests = new Map<string, string | undefined>()
  const digestNow = (file: string) => {
    if (!digests.has(file)) digests.set(file, Result.getOrUndefined(Result.try(() => digestOf(file))))
    return digests.get(file)
  }
  const groups = new Map<string, { step: string; why: string; results: number; bytes: number }>()
  for (const e of entries) {
    const why = Option.match(e.manifest, {
      onNone: () => "unreadable manifest (it recomputes)",
      onSome: (m) => staleness(m.preimage, versions, spaceVersions, digestNow)
    })
    if (why === undefined) continue
    const label = `${e.step}: ${why}`
    const group = groups.get(label) ?? { step: e.step, why, results: 0, bytes: 0 }
    group.results++
    for (const o of Option.match(e.manifest, { onNone: () => [], onSome: (m) => Object.values(m.outputs) })) group.bytes += sizes.get(o.digest) ?? 0
    groups.set(label, group)
  }
  return [...groups.values()]
}
