/**
 * The `cole` command: run and explain pipelines, inspect and maintain the store, lock step versions.
 * Every failure prints one line, `cole: <what went wrong>`, and exits non-zero.
 */
import { writeFileSync } from "node:fs"
import * as path from "node:path"
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { ConfigProvider, Console, Effect, Layer, Option, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Cache from "../core/Cache.ts"
import * as Executor from "../core/Executor.ts"
import * as Explain from "../core/Explain.ts"
import * as Fingerprint from "../core/Fingerprint.ts"
import * as Journal from "../core/Journal.ts"
import * as Pipeline from "../core/Pipeline.ts"
import * as Progress from "../core/Progress.ts"
import * as Store from "../core/Store.ts"
import { implementations } from "../implementations.ts"
import * as Format from "./format.ts"
import { force, oneLine, oneLineInvocationErrors, store } from "./common.ts"
import { loadPipeline } from "./loadPipeline.ts"
import { cv } from "./cvCommand.ts"
import { searchCommand } from "./searchCommand.ts"
import { modelCommands } from "./modelCommands.ts"
import { ablateCommand } from "./ablateCommand.ts"
import { quickstartCommand } from "./quickstartCommand.ts"
import { spaceCommands } from "./spaceCommands.ts"
import { statusCommand } from "./statusCommand.ts"

const LOCK_FILE = new URL("../../steps.lock.json", import.meta.url)

const pipelineFile = Argument.String("pipeline-file").pipe(Argument.withDescription("A module whose default export is a pipeline"))
const nb201 = Flag.String("nb201").pipe(
  Flag.withDescription("NB201 table folder or CSV for the pipeline's benchmark (the COLE_NB201 setting)"),
  Flag.optional
)
// The pipeline's benchmark layers read the COLE_NB201 setting: --nb201 gives it, over the environment's.
const nb201Setting = (location: Option.Option<string>) =>
  Option.match(location, {
    onNone: () => Layer.empty,
    onSome: (l) => ConfigProvider.layerAdd(ConfigProvider.fromUnknown({ COLE_NB201: path.resolve(l) }), { asPrimary: true })
  })

const statusSummary = (report: Pipeline.Report) => {
  const counts = new Map<string, number>()
  for (const n of report.nodes) counts.set(n.status, (counts.get(n.status) ?? 0) + 1)
  return [...counts].map(([s, c]) => `${c} ${s}`).join(", ")
}

const printReport = (report: Pipeline.Report) =>
  Console.log(
    `${report.pipeline}: ${report.nodes.length} nodes (${statusSummary(report)}) in ${Format.duration(report.ms)}, run ${report.runId}\n` +
      Format.table(
        ["node", "status", "time", "key"],
        report.nodes.map((n) => [n.id, n.status, Format.duration(n.ms), n.key?.slice(0, 12) ?? ""])
      )
  )

/** Names the artifacts a pipeline returns (an object of artifact handles), with their digests. */
const printOutputs = (value: unknown) =>
  Effect.gen(function*() {
    if (typeof value !== "object" || value === null) return
    const refs = Object.entries(value).filter((e): e is [string, Pipeline.ArtifactRef] => Pipeline.isRef(e[1]))
    if (refs.length === 0) return
    const rows: Array<Array<string>> = []
    for (const [name, ref] of refs) {
      const output = (yield* ref.resolved).outputs?.[ref.output]
      rows.push([name, ref.table.name, output === undefined ? "" : `${output.digest.slice(0, 19)}…`, output === undefined ? "" : Format.bytes(output.size)])
    }
    yield* Console.log(`outputs:\n${Format.table(["output", "table", "digest", "size"], rows)}`)
  })

const run = Command.make(
  "run",
  {
    file: pipelineFile,
    store,
    force,
    nb201,
    workers: Flag.Int("workers").pipe(
      Flag.withSchema(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
      Flag.withDescription("Worker threads for sharded work (0 runs shards in this thread; default: one per core)"),
      Flag.optional
    ),
    ref: Flag.String("ref").pipe(Flag.withDescription("Name this run's results, keeping them from gc"), Flag.optional)
  },
  ({ file, force, nb201, ref, store, workers }) =>
    oneLine(
      // A bad --ref is refused before any work (even making the store), not after the run it was to name.
      Effect.andThen(Option.isSome(ref) ? Store.checkName("ref", ref.value) : Effect.void, Effect.gen(function*() {
        const pipeline = yield* loadPipeline(file)
        const { report, value } = yield* Pipeline.run(pipeline, {
          force,
          onNode: (n) => {
            if (!process.stdout.isTTY) return
            process.stderr.write(`  ${n.status.padEnd(8)} ${n.id} (${Format.duration(n.ms)})\n`)
          }
        }).pipe(
          Effect.tapError((e) => e instanceof Pipeline.PipelineFailed ? printReport(e.report) : Effect.void)
        )
        yield* printReport(report)
        yield* printOutputs(value)
        if (Option.isSome(ref)) {
          const s = yield* Store.Store
          yield* s.setRef(ref.value, report.nodes.flatMap((n) => n.key === undefined ? [] : [{ step: n.step, key: n.key }]))
          yield* Console.log(`ref ${ref.value} → ${report.nodes.length} entries`)
        }
      }).pipe(
        Effect.provide(Layer.mergeAll(
          Store.layer(store),
          Option.match(workers, { onNone: () => Executor.local(), onSome: (n) => n === 0 ? Executor.inline : Executor.local({ workers: n }) }),
          Progress.layer,
          nb201Setting(nb201)
        ))
      ))
    )
).pipe(Command.withDescription("Run a pipeline; finished nodes are reused from the store, the rest run"))

const explain = Command.make("explain", { file: pipelineFile, store, force, nb201 }, ({ file, force, nb201, store }) =>
  oneLine(
    Effect.gen(function*() {
      const pipeline = yield* loadPipeline(file)
      const explanation = yield* Pipeline.explain(pipeline, { force })
      const nodes: ReadonlyArray<Explain.NodeExplanation> = explanation.nodes
      const runs = nodes.filter((e) => e.verdict === "run").length
      yield* Console.log(`${pipeline.name}: ${nodes.length - runs} of ${nodes.length} nodes would hit; ${runs} would run`)
      for (const e of nodes) {
        yield* Console.log(`  ${e.verdict === "hit" ? "hit " : "run "} ${e.node}${e.key ? `  (key ${e.key.slice(0, 12)})` : ""}`)
        for (const reason of e.reasons) yield* Console.log(`         - ${reason}`)
      }
      if (explanation.stopped !== undefined) yield* Console.log(`  (${explanation.stopped})`)
    }).pipe(Effect.provide(Layer.mergeAll(Store.readLayer(store), Executor.inline, Progress.silent, nb201Setting(nb201))))
  )).pipe(Command.withDescription("Tell, for each node, whether it would hit and if not why — without running anything"))

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

const cache = Command.make("cache").pipe(
  Command.withDescription("Inspect and maintain the store"),
  Command.withSubcommands([ls, verify, gc])
)

const stepsLs = Command.make(
  "ls",
  { files: Flag.Boolean("files").pipe(Flag.withDescription("Also list the files each fingerprint covers, with their digests"), Flag.withDefault(false)) },
  ({ files }) =>
    Console.log(files
      ? implementations.map((i) =>
        `${Fingerprint.idOf(i)} (version ${i.version})\n${Object.entries(Fingerprint.files(i)).map(([f, d]) => `  ${d}  ${f}`).join("\n")}`
      ).join("\n\n")
      : Format.table(
        ["implementation", "version", "fingerprint", "files"],
        Object.entries(Fingerprint.lock(implementations)).map(([id, entry]) => [id, String(entry.version), entry.fingerprint.slice(7, 19), String(Object.keys(entry.files ?? {}).length)])
      ))
).pipe(Command.withDescription("List the built-in step implementations; --files: what each fingerprint covers"))

const stepsLock = Command.make("lock", {}, () =>
  Effect.sync(() => {
    writeFileSync(LOCK_FILE, `${JSON.stringify(Fingerprint.lock(implementations), null, 2)}\n`)
  }).pipe(Effect.andThen(Console.log(`wrote ${path.relative(process.cwd(), LOCK_FILE.pathname)}`)))).pipe(
    Command.withDescription("Record every implementation's version and code fingerprint in steps.lock.json")
  )

const steps = Command.make("steps").pipe(
  Command.withDescription("Step implementations and the version lock"),
  Command.withSubcommands([stepsLs, stepsLock])
)

const VERSION = "0.1.0"

// `cole help [command…]` is `cole [command…] --help`.
const help = Command.make(
  "help",
  { command: Argument.String("command").pipe(Argument.withDescription("The command to describe"), Argument.variadic()) },
  ({ command }): Effect.Effect<void, unknown, Command.Environment> => Command.runWith(cole, { version: VERSION })([...command, "--help"])
).pipe(Command.withDescription("Describe cole, or one of its commands"))

const cole = Command.make("cole").pipe(
  Command.withDescription("cole: typed, cached dataflow for surrogate-assisted NAS"),
  Command.withSubcommands([quickstartCommand, run, explain, statusCommand, cache, steps, cv, ablateCommand, searchCommand, ...spaceCommands, ...modelCommands, help])
)

// A closed pipe (`cole cache ls | head -1`) ends the output quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0)
})

cole.pipe(
  Command.run({ version: VERSION }),
  Effect.provide(Layer.merge(NodeServices.layer, oneLineInvocationErrors)),
  (program) => NodeRuntime.runMain(program, { disableErrorReporting: true })
)
