/** `cole import nb201 | embeddings | labels`: data from elsewhere into the store, each under a ref. */
import * as path from "node:path"
import { Console, Effect, Layer, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Executor from "../core/Executor.ts"
import * as Pipeline from "../core/Pipeline.ts"
import * as Progress from "../core/Progress.ts"
import * as Store from "../core/Store.ts"
import { nb201Csv, objectiveColumns } from "../steps/ImportNb201.ts"
import { importEmbeddings } from "../steps/ImportEmbeddings.ts"
import * as ImportLabels from "../steps/ImportLabels.ts"
import { labelsParams } from "../steps/ImportLabels.ts"
import { ImportFeatures, ImportObjective } from "../steps/Services.ts"
import { oneLine, store } from "./common.ts"
import * as Format from "./format.ts"
import { space } from "./spaceFlags.ts"

const importNb201 = Command.make(
  "nb201",
  { store, file: Argument.String("csv").pipe(Argument.withDescription("An NB201 table (nb201.csv or nb201_12epoch.csv, plain or .gz)")) },
  ({ file, store }) =>
    oneLine(Effect.gen(function*() {
      const columns = yield* objectiveColumns(file)
      const layer = nb201Csv(path.resolve(file))
      // One node per column, each with its own params layer.
      const program = Effect.forEach(columns, (column) =>
        Pipeline.node(ImportObjective, {}, { id: column, layer: layer({ column }) }).pipe(Effect.map((o) => o.objective)))
      const { value, report } = yield* Pipeline.run(Pipeline.make("import-nb201", program, Layer.empty))
      const s = yield* Store.Store
      const rows: Array<Array<string>> = []
      for (const [i, ref] of value.entries()) {
        const node = report.nodes[i]!
        yield* s.setRef(`nb201/${columns[i]}`, [{ step: node.step, key: node.key! }])
        const output = (yield* ref.resolved).outputs![ref.output]!
        rows.push([`nb201/${columns[i]}`, node.status, `${output.digest.slice(0, 19)}…`, Format.bytes(output.size)])
      }
      yield* Console.log(`imported ${columns.length} objective columns of ${file}:\n${Format.table(["ref", "status", "digest", "size"], rows)}`)
    }).pipe(Effect.provide(Layer.mergeAll(Store.layer(store), Executor.inline, Progress.silent))))
).pipe(Command.withDescription("Store each objective column of an NB201 CSV as a typed artifact, named by a ref"))

/**
 * Runs a one-node import pipeline and names its result by a ref (`<prefix>/<name>`, the name defaulting
 * to the file's without extension); returns the node's output and how it went.
 */
const importOne = <A>(pipeline: string, program: Effect.Effect<A, unknown, Pipeline.Runtime | Pipeline.Platform>, prefix: string, file: string, name: Option.Option<string>) =>
  Effect.gen(function*() {
    const { value, report } = yield* Pipeline.run(Pipeline.make(pipeline, program, Layer.empty))
    const ref = `${prefix}/${Option.getOrElse(name, () => path.basename(file, path.extname(file)))}`
    const node = report.nodes[0]!
    yield* (yield* Store.Store).setRef(ref, [{ step: node.step, key: node.key! }])
    return { value, ref, status: node.status }
  })

const describeOutput = (ref: Pipeline.ArtifactRef) =>
  Effect.map(ref.resolved, (r) => {
    const output = r.outputs![ref.output]!
    return `${output.digest.slice(0, 19)}…, ${Format.bytes(output.size)}`
  })

const importEmbeddingsCommand = Command.make(
  "embeddings",
  {
    store,
    space,
    file: Argument.String("file").pipe(Argument.withDescription("Embeddings keyed by arch string: .arrow, .csv, or .npy with --archs")),
    archs: Flag.String("archs").pipe(Flag.withDescription("For .npy: the architectures, one per line, in row order"), Flag.optional),
    name: Flag.String("name").pipe(Flag.withDescription("Ref name (default: the file's name without extension)"), Flag.optional)
  },
  ({ archs, file, name, space, store }) =>
    oneLine(Effect.gen(function*() {
      const layer = yield* Effect.try({
        try: () => importEmbeddings({ space, file, archs: Option.getOrUndefined(archs) }),
        catch: (e) => new Error(`cannot read ${e instanceof Error && "path" in e ? String(e.path) : file}`)
      })
      const { ref, status, value } = yield* importOne("import-embeddings", Pipeline.node(ImportFeatures, {}, { layer }), "embeddings", file, name)
      const frame = yield* Pipeline.load(value.features)
      yield* Console.log(`${ref}: ${frame.length} architectures × ${frame.length === 0 ? 0 : frame.columns.x.length / frame.length} dimensions (${status}), ${yield* describeOutput(value.features)}`)
    }).pipe(Effect.provide(Layer.mergeAll(Store.layer(store), Executor.inline, Progress.silent))))
).pipe(Command.withDescription("Store embeddings computed elsewhere as a features artifact, named by a ref"))

const importLabelsCommand = Command.make(
  "labels",
  {
    store,
    space,
    file: Argument.String("file").pipe(Argument.withDescription("A CSV of (architecture string, value); quote strings that contain commas")),
    name: Flag.String("name").pipe(Flag.withDescription("Ref name (default: the file's name without extension)"), Flag.optional)
  },
  ({ file, name, space, store }) =>
    oneLine(Effect.gen(function*() {
      const params = yield* Effect.try({ try: () => labelsParams({ space, file }), catch: () => new Error(`cannot read ${file}`) })
      const { ref, status, value } = yield* importOne("import-labels", Pipeline.node(ImportObjective, {}, { layer: ImportLabels.objective(params) }), "labels", file, name)
      const frame = yield* Pipeline.load(value.objective)
      const values = frame.columns.value
      yield* Console.log(`${ref}: ${frame.length} ${space} architectures, values ${Math.min(...values)} … ${Math.max(...values)} (${status}), ${yield* describeOutput(value.objective)}`)
    }).pipe(Effect.provide(Layer.mergeAll(Store.layer(store), Executor.inline, Progress.silent))))
).pipe(Command.withDescription("Store measured accuracies of architectures (CSV: architecture, value) as an objective, named by a ref; `cole cv --objective labels:FILE` uses them"))

export const importCommand = Command.make("import").pipe(
  Command.withDescription("Bring outside tables into the store"),
  Command.withSubcommands([importNb201, importEmbeddingsCommand, importLabelsCommand])
)
