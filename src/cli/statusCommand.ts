/** `cole status`: what the store holds per pipeline, and what is stale and why. */
import { Console, Effect } from "effect"
import { Command } from "effect/cli"
import * as Journal from "../core/Journal.ts"
import * as Store from "../core/Store.ts"
import { oneLine, store } from "./common.ts"
import * as Format from "./format.ts"
import { latestRuns, staleEntries } from "../report/Status.ts"

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

    const stale = yield* staleEntries(s)
    lines.push("")
    lines.push(stale.length === 0
      ? "stale: nothing — every stored result matches the current code"
      : `stale (never a hit again; \`cole cache gc\` frees them once no ref or recent run needs them):\n${Format.table(["results", "size", "why"], stale.map((g) => [String(g.results), Format.bytes(g.bytes), `${g.step}: ${g.why}`]))}`)
    yield* Console.log(lines.join("\n"))
  }).pipe(Effect.provide(Store.readLayer(store))))).pipe(Command.withDescription("What the store holds per pipeline, and what is stale and why"))
