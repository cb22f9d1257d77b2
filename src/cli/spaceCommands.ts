/**
 * Commands on single architectures of a search space — format, sample, transpile, encode, benchmark —
 * and `import`, which brings a benchmark table into the store.
 */
import * as path from "node:path"
import { Console, Effect, Layer, Option, Result } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import * as Executor from "../core/Executor.ts"
import * as Pipeline from "../core/Pipeline.ts"
import * as Progress from "../core/Progress.ts"
import * as Rng from "../core/Rng.ts"
import { decodeTranspileOptions, encodeAll, getEncoding, type Space } from "../core/Space.ts"
import * as Store from "../core/Store.ts"
import { getSpace, spaces } from "../spaces/registry.ts"
import { Evaluator, Nb201Benchmark } from "../steps/Evaluator.ts"
import { nb201Csv, objectiveColumns } from "../steps/ImportNb201.ts"
import { importEmbeddings } from "../steps/ImportEmbeddings.ts"
import * as ImportLabels from "../steps/ImportLabels.ts"
import { labelsParams } from "../steps/ImportLabels.ts"
import { ImportFeatures, ImportObjective } from "../steps/Services.ts"
import { oneLine, store } from "./common.ts"
import * as Format from "./format.ts"

const space = Flag.String("space").pipe(Flag.withDescription(`Search space (${Object.keys(spaces).join(", ")})`), Flag.withDefault("nb201"))
const archArgument = Argument.String("arch").pipe(Argument.withDescription("An architecture in the space's string form"))
const nb201Location = Flag.String("nb201").pipe(
  Flag.withDescription("NB201 table: a folder with nb201.csv and nb201_12epoch.csv (plain or .gz), or one CSV (default: $COLE_NB201, then the copy in the package's data/nb201)"),
  Flag.optional
)

const parseArch = (s: Space<any, any>, text: string) =>
  Effect.suspend(() => {
    const parsed = s.parse(text)
    return Result.isSuccess(parsed) ? Effect.succeed(parsed.success) : Effect.fail(parsed.failure)
  })

const short = Flag.Boolean("short").pipe(Flag.withDescription("Print the short form (einspace)"), Flag.withDefault(false))

/** The printer for the chosen form: canonical, or one of the space's other forms. */
const printer = (s: Space<any, any>, form: string | null) =>
  Effect.suspend(() => {
    if (form === null) return Effect.succeed(s.format)
    const print = s.forms?.[form]
    return print !== undefined
      ? Effect.succeed(print)
      : Effect.fail(new Error(`--${form}: space ${s.name} has no ${form} form${s.forms === undefined ? "" : ` (it has: ${Object.keys(s.forms).join(", ")})`}`))
  })

const format = Command.make(
  "format",
  { space, arch: archArgument, short, pretty: Flag.Boolean("pretty").pipe(Flag.withDescription("Print the paper's multi-line layout (einspace)"), Flag.withDefault(false)) },
  ({ arch, pretty, short, space }) =>
    oneLine(Effect.gen(function*() {
      const s = yield* getSpace(space)
      if (short && pretty) return yield* Effect.fail(new Error("--short and --pretty exclude each other"))
      const print = yield* printer(s, short ? "short" : pretty ? "pretty" : null)
      yield* Console.log(print(yield* parseArch(s, arch)))
    }))
).pipe(Command.withDescription("Re-print an architecture in canonical form (or say what is wrong with it)"))

const shapes = Command.make("shapes", { space, arch: archArgument }, ({ arch, space }) =>
  oneLine(Effect.gen(function*() {
    const s = yield* getSpace(space)
    if (s.shapes === undefined) return yield* Effect.fail(new Error(`space ${s.name} does not infer shapes`))
    yield* Console.log(s.shapes(yield* parseArch(s, arch)))
  }))).pipe(Command.withDescription("Print the tree with its inferred shapes, one node per line (einspace)"))

const sample = Command.make(
  "sample",
  {
    space,
    count: Flag.Int("count").pipe(Flag.withDescription("How many architectures"), Flag.withDefault(1)),
    seed: Flag.Int("seed").pipe(Flag.withDescription("Random seed"), Flag.withDefault(0)),
    short
  },
  ({ count, seed, short, space }) =>
    oneLine(Effect.gen(function*() {
      const s = yield* getSpace(space)
      if (count < 0) return yield* Effect.fail(new Error(`--count ${count}: expected a non-negative integer`))
      const print = yield* printer(s, short ? "short" : null)
      const rng = Rng.make(seed, "architectures")
      const lines = Array.from({ length: count }, () => print(s.sample(rng)))
      if (lines.length > 0) yield* Console.log(lines.join("\n"))
    }))
).pipe(Command.withDescription("Print random valid architectures, one per line (the space's sampling rule)"))

const transpile = Command.make(
  "transpile",
  {
    space,
    arch: archArgument,
    mode: Flag.String("mode").pipe(Flag.withDescription("NB201 verbosity: exclude-helper (default), helper or inline"), Flag.optional),
    addon: Flag.String("addon").pipe(Flag.withDescription("NB201 prepended context: none (default), comment or backbone"), Flag.optional)
  },
  ({ addon, arch, mode, space }) =>
    oneLine(Effect.gen(function*() {
      const s = yield* getSpace(space)
      // Only the flags given: each space's options Schema supplies its defaults and rejects the rest.
      const given = { mode: Option.getOrUndefined(mode), addon: Option.getOrUndefined(addon) }
      const options = yield* decodeTranspileOptions(s, Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)))
      yield* Console.log(s.transpile(yield* parseArch(s, arch), options))
    }))
).pipe(Command.withDescription("Print an architecture's code text followed by one newline"))

const encode = Command.make(
  "encode",
  { space, arch: archArgument, encoding: Flag.String("encoding").pipe(Flag.withDescription("Encoding name (onehot30, path-naslib, …)")) },
  ({ arch, encoding, space }) =>
    oneLine(Effect.gen(function*() {
      const s = yield* getSpace(space)
      const e = yield* getEncoding(s, encoding)
      yield* Console.log(JSON.stringify(Array.from(encodeAll(e, [yield* parseArch(s, arch)]))))
    }))
).pipe(Command.withDescription("Print an architecture's encoding as a JSON array on one line"))

const benchmark = Command.make(
  "benchmark",
  {
    space,
    arch: archArgument,
    objective: Flag.String("objective").pipe(Flag.withDescription("Column: cifar10_test, cifar100_test, imagenet16_test or a *_12ep column"), Flag.withDefault("cifar10_test")),
    nb201: nb201Location
  },
  ({ arch, nb201, objective, space }) =>
    oneLine(Effect.gen(function*() {
      const s = yield* getSpace(space)
      const canonical = s.format(yield* parseArch(s, arch))
      const evaluator = yield* Evaluator
      yield* Console.log(String(yield* evaluator.evaluate(canonical)))
    }).pipe(Effect.provide(Nb201Benchmark.layer({ objective, ...Option.match(nb201, { onNone: () => ({}), onSome: (location) => ({ location }) }) }))))
).pipe(Command.withDescription("Print an architecture's accuracy from the benchmark table"))

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
      const { value, report } = yield* Pipeline.run(Pipeline.make("import-embeddings", Pipeline.node(ImportFeatures, {}, { layer }), Layer.empty))
      const ref = `embeddings/${Option.getOrElse(name, () => path.basename(file, path.extname(file)))}`
      const node = report.nodes[0]!
      yield* (yield* Store.Store).setRef(ref, [{ step: node.step, key: node.key! }])
      const frame = yield* Pipeline.load(value.features)
      const output = (yield* value.features.resolved).outputs![value.features.output]!
      yield* Console.log(`${ref}: ${frame.length} architectures × ${frame.length === 0 ? 0 : frame.columns.x.length / frame.length} dimensions (${node.status}), ${output.digest.slice(0, 19)}…, ${Format.bytes(output.size)}`)
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
      const { value, report } = yield* Pipeline.run(Pipeline.make("import-labels", Pipeline.node(ImportObjective, {}, { layer: ImportLabels.objective(params) }), Layer.empty))
      const ref = `labels/${Option.getOrElse(name, () => path.basename(file, path.extname(file)))}`
      const node = report.nodes[0]!
      yield* (yield* Store.Store).setRef(ref, [{ step: node.step, key: node.key! }])
      const frame = yield* Pipeline.load(value.objective)
      const values = frame.columns.value
      const output = (yield* value.objective.resolved).outputs![value.objective.output]!
      yield* Console.log(`${ref}: ${frame.length} ${space} architectures, values ${Math.min(...values)} … ${Math.max(...values)} (${node.status}), ${output.digest.slice(0, 19)}…, ${Format.bytes(output.size)}`)
    }).pipe(Effect.provide(Layer.mergeAll(Store.layer(store), Executor.inline, Progress.silent))))
).pipe(Command.withDescription("Store measured accuracies of architectures (CSV: architecture, value) as an objective, named by a ref; `cole cv --objective labels:FILE` uses them"))

const importCommand = Command.make("import").pipe(
  Command.withDescription("Bring outside tables into the store"),
  Command.withSubcommands([importNb201, importEmbeddingsCommand, importLabelsCommand])
)

export const spaceCommands = [format, sample, transpile, shapes, encode, benchmark, importCommand] as const
