/** `cole status`: what the store holds per pipeline, and what is stale and why. */
import { Console, Effect, Option, Result } from "effect"
import { Command } from "effect/cli"
import * as Journal from "../core/Journal.ts"
import * as Store from "../core/Store.ts"
import { spaces } from "../spaces/registry.ts"
import { digestOf } from "../steps/CommandEvaluator.ts"
import { implementations } from "../implementations.ts"
import { oneLine, store } from "./common.ts"
import * as Format from "./format.ts"
import { latestRuns, staleness } from "./Status.ts"

export const statusCommand = Command.make("status", { store }, ({ store }) =>
  oneLine(Effect.gen(function*() {
    const s = yield* Store.Store
    const [entries, blobs, runs, refs] = [yield* s.entries, yield* s.blobs, yield* Journal.runs(s), yield* s.refs]
    const size = blobs.reduce((n, b) => n + b.size, 0)
    const lines = [`store ${s.root}: ${entries.length} results, ${blobs.length} blobs (${Format.bytes(size)}), ${runs.length} runs${refs.length === 0 ? "" : `, refs ${refs.map((r) => r.name).join(", ")}`}`, ""]

    const latest = latestRuns(runs)
    lines.push(latest.length === 0
      ? "no pipeline has run in this store"
      : Format.table(["pipeline", "latest run", "state", "computed", "hit", "failed"], latest.map((r) => [r.pipeline, r.at.replace("T", " ").slice(0, 19), r.state, String(r.computed), String(r.hit), String(r.failed)])))
    const interrupted = latest.filter((r) => r.state === "interrupted")
    if (interrupted.length > 0) lines.push(`interrupted: ${interrupted.map((r) => r.pipeline).join(", ")} — run the same command again; it resumes from every finished result`)

    const versions = new Map(implementations.map((i) => [`${i.step}/${i.implementation}`, i.version]))
    const spaceVersions = new Map(Object.values(spaces).map((sp) => [sp.name, sp.version]))
    const stale = new Map<string, { count: number; bytes: number }>()
    const sizes = new Map(blobs.map((b) => [b.digest as string, b.size]))
    const digests = new Map<string, string | undefined>()
    const digestNow = (file: string) => {
      if (!digests.has(file)) digests.set(file, Result.getOrUndefined(Result.try(() => digestOf(file))))
      return digests.get(file)
    }
    for (const e of entries) {
      const why = Option.match(e.manifest, {
        onNone: () => "unreadable manifest (it recomputes)",
        onSome: (m) => staleness(m.preimage, versions, spaceVersions, digestNow)
      })
      if (why === undefined) continue
      const label = `${e.step}: ${why}`
      const row = stale.get(label) ?? { count: 0, bytes: 0 }
      row.count++
      for (const o of Option.match(e.manifest, { onNone: () => [], onSome: (m) => Object.values(m.outputs) })) row.bytes += sizes.get(o.digest) ?? 0
      stale.set(label, row)
    }
    lines.push("")
    lines.push(stale.size === 0
      ? "stale: nothing — every stored result matches the current code"
      : `stale (never a hit again; \`cole cache gc\` frees them once no ref or recent run needs them):\n${Format.table(["results", "size", "why"], [...stale].map(([label, r]) => [String(r.count), Format.bytes(r.bytes), label]))}`)
    yield* Console.log(lines.join("\n"))
  }).pipe(Effect.provide(Store.readLayer(store))))).pipe(Command.withDescription("What the store holds per pipeline, and what is stale and why"))
