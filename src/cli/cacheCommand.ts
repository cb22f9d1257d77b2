/** `cole cache ls | verify | gc`: what the store holds, its integrity, and freeing what nothing needs. */
import * as path from "node:path"
import { Console, Effect, Option, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import * as Cache from "../core/Cache.ts"
import * as Journal from "../core/Journal.ts"
import * as Store from "../core/Store.ts"
import { oneLine, store } from "./common.ts"
import * as Format from "./format.ts"

const ls = Command.make("ls", { store }, ({ store }) =>
  oneLine(
    Effect.gen(function*() {
      const s = yield* Store.Store
      const entries = yield* s.entries
      const blobs = yield* s.blobs
      const sizes = new Map(blobs.map((b) => [b.digest, b.size]))
      const bySteps = new Map<string, { count: number; bytes: number }>()
      for (const e of entries) {
        const row = bySteps.get(e.step) ?? { count: 0, bytes: 0 }
        row.count++
        for (const o of Option.match(e.manifest, { onNone: () => [], onSome: (m) => Object.values(m.outputs) })) row.bytes += sizes.get(o.digest as any) ?? 0
        bySteps.set(e.step, row)
      }
      const runs = yield* Journal.runs(s)
      const refs = yield* s.refs
      const total = blobs.reduce((n, b) => n + b.size, 0)
      yield* Console.log(`store ${s.root}: ${entries.length} entries, ${blobs.length} blobs (${Format.bytes(total)}), ${runs.length} runs (${runs.filter((r) => r.live).length} live)`)
      yield* Console.log(Format.table(["step", "entries", "size"], [...bySteps].sort().map(([step, r]) => [step, String(r.count), Format.bytes(r.bytes)])))
      if (refs.length > 0) yield* Console.log(`refs: ${refs.map((r) => `${r.name} (${r.entries.length})`).join(", ")}`)
    }).pipe(Effect.provide(Store.readLayer(store)))
  )).pipe(Command.withDescription("List what the store holds, per step"))

const verify = Command.make("verify", { store }, ({ store }) =>
  oneLine(
    Effect.gen(function*() {
      const s = yield* Store.Store
      const report = yield* Cache.verify(s)
      for (const c of report.corrupt) yield* Console.log(`corrupt blob ${c.digest} → ${path.relative(s.root, c.quarantinedTo)}`)
      for (const b of report.broken) yield* Console.log(`entry ${b.step}/${b.key.slice(0, 12)} names a missing blob ${b.digest} (it will recompute)`)
      for (const u of report.unreadable) yield* Console.log(`unreadable manifest ${path.relative(s.root, u.file)} → ${path.relative(s.root, u.quarantinedTo)} (it recomputes)`)
      const problems = report.corrupt.length + report.broken.length + report.unreadable.length
      yield* Console.log(`${report.blobs} blobs re-hashed, ${report.entries} entries checked: ${problems === 0 ? "all good" : `${problems} problems`}`)
      if (problems > 0) return yield* Effect.fail(new Error(`verify found ${problems} problems (listed above)`))
    }).pipe(Effect.provide(Store.layer(store)))
  )).pipe(Command.withDescription("Re-hash every blob (quarantining corrupt ones) and check every manifest"))

const gc = Command.make(
  "gc",
  {
    store,
    dryRun: Flag.Boolean("dry-run").pipe(
      Flag.withDescription("List what would be deleted, with sizes; delete nothing"),
      Flag.withDefault(false)
    ),
    grace: Flag.String("grace").pipe(Flag.withDescription("Keep anything newer than this (e.g. 30m, 1h, 0s)"), Flag.withDefault("1h")),
    keepRuns: Flag.Int("keep-runs").pipe(Flag.withSchema(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))), Flag.withDescription("Keep the entries of this many recent runs"), Flag.withDefault(10))
  },
  ({ dryRun, grace, keepRuns, store }) =>
    oneLine(
      Effect.gen(function*() {
        const graceMs = Format.parseDuration(grace)
        if (graceMs === undefined) return yield* Effect.fail(new Error(`--grace ${JSON.stringify(grace)}: expected a duration such as 30m, 1h or 0s`))
        const s = yield* Store.Store
        const report = yield* Cache.gc(s, { dryRun, graceMs, keepRuns })
        for (const d of report.deleted) yield* Console.log(`${dryRun ? "would delete" : "deleted"} ${d.kind.padEnd(10)} ${Format.bytes(d.size).padStart(10)}  ${path.relative(s.root, d.path)}`)
        yield* Console.log(`${dryRun ? "would free" : "freed"} ${Format.bytes(report.bytes)} in ${report.deleted.length} files; kept ${report.kept.entries} entries and ${report.kept.blobs} blobs`)
      }).pipe(Effect.provide(Store.layer(store)))
    )
).pipe(Command.withDescription("Delete what no ref, live run or recent run needs (after a grace period)"))

export const cacheCommand = Command.make("cache").pipe(
  Command.withDescription("Inspect and maintain the store"),
  Command.withSubcommands([ls, verify, gc])
)
