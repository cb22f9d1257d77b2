/**
 * Why a node would run: its key preimage is compared with the closest earlier result of the same step,
 * and every difference is named — implementation, version (code), a param by path, an input's content,
 * or an environment fact.
 */
import { Effect, Option } from "effect"
import type { KeyPreimage } from "../../schemas/Store.ts"
import type { Store } from "./Store.ts"

export interface NodeExplanation {
  readonly node: string
  readonly step: string
  readonly key: string | undefined
  readonly verdict: "hit" | "run"
  readonly reasons: ReadonlyArray<string>
}

export const hit = (node: string, step: string, key: string): NodeExplanation => ({
  node,
  step,
  key,
  verdict: "hit",
  reasons: []
})

export const forced = (node: string, step: string, key: string): NodeExplanation => ({
  node,
  step,
  key,
  verdict: "run",
  reasons: ["forced (--force)"]
})

export const upstream = (
  node: string,
  step: string,
  inputs: ReadonlyArray<{ readonly input: string; readonly node: string }>
): NodeExplanation => ({
  node,
  step,
  key: undefined,
  verdict: "run",
  reasons: inputs.map((i) => `input ${i.input} comes from node ${i.node}, which runs first (its output decides this key)`)
})

const show = (value: unknown) => value === undefined ? "(absent)" : JSON.stringify(value)
const short = (digest: string | undefined) => digest === undefined ? "(absent)" : `${digest.slice(0, 19)}…`

/** Paths at which two JSON values differ, as `path: old → new`. */
const jsonDiff = (before: unknown, after: unknown, path: string): Array<string> => {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
    return keys.flatMap((k) => jsonDiff(before[k], after[k], path === "" ? k : `${path}.${k}`))
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [`${path}: ${show(before)} → ${show(after)}`]
}

/** The differences between an earlier preimage and the current one, in words. */
export const differences = (before: KeyPreimage, after: KeyPreimage): Array<string> => {
  const out: Array<string> = []
  if (before.keyFormat !== after.keyFormat) out.push(`key format ${before.keyFormat} → ${after.keyFormat}`)
  if (before.implementation !== after.implementation) {
    out.push(`implementation ${before.implementation} → ${after.implementation}`)
  }
  if (before.version !== after.version) out.push(`code changed: step version ${before.version} → ${after.version}`)
  out.push(...jsonDiff(before.params, after.params, "").map((d) => `param ${d}`))
  const inputs = [...new Set([...Object.keys(before.inputs), ...Object.keys(after.inputs)])].sort()
  for (const name of inputs) {
    if (before.inputs[name] !== after.inputs[name]) {
      out.push(`input ${name} changed content: ${short(before.inputs[name])} → ${short(after.inputs[name])}`)
    }
  }
  out.push(...jsonDiff(before.environment, after.environment, "").map((d) => `environment ${d}`))
  return out
}

/** Explains a miss by comparing with the closest earlier result of the same step. */
export const miss = (store: Store["Service"], node: string, pre: KeyPreimage, key: string) =>
  Effect.gen(function*() {
    const run = (reasons: Array<string>): NodeExplanation => ({ node, step: pre.step, key, verdict: "run", reasons })
    const same = yield* store.readManifest(pre.step, key)
    if (Option.isSome(same)) return run(["its result was computed, but a blob it names is missing or damaged"])
    const earlier = (yield* store.entries).flatMap((e) =>
      e.step === pre.step && Option.isSome(e.manifest) ? [e.manifest.value] : []
    )
    if (earlier.length === 0) return run([`no result of step ${pre.step} is in the store yet`])
    const ranked = earlier
      .map((m) => ({ m, diffs: differences(m.preimage, pre) }))
      .sort((a, b) => a.diffs.length - b.diffs.length || b.m.createdAt.localeCompare(a.m.createdAt))
    return run(ranked[0]!.diffs)
  })
