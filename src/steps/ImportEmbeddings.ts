/**
 * Embeddings computed elsewhere, as a Features artifact: an Arrow IPC file (an `arch` string column and
 * one list/fixed-size-list column of numbers, or numeric columns), a CSV (arch, then one column per
 * dimension; a header row is optional; quoted fields as RFC 4180), or a 2-D float32/float64 .npy with its architectures, one per
 * line, in a companion file. Arch strings are parsed by the space and stored in canonical form; the
 * file's sha256 is part of the step's params, so an edited file is a new artifact.
 */
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import * as path from "node:path"
import * as Arrow from "apache-arrow"
import { Effect, Result, Schema } from "effect"
import * as Step from "../core/Step.ts"
import { getSpace } from "../spaces/registry.ts"
import { readCsvRecords } from "./Csv.ts"
import { ImportFeatures } from "./Services.ts"
import { InvalidStepInput } from "./InvalidStepInput.ts"

export interface Table {
  readonly arch: ReadonlyArray<string>
  readonly x: Float32Array
  readonly d: number
}

const fail = (file: string, problem: string): never => {
  throw new InvalidStepInput({ step: "import-features", problem: `${file}: ${problem}` })
}

const fromRows = (file: string, arch: Array<string>, rows: Array<ArrayLike<number>>, where: (i: number) => string): Table => {
  const d = rows[0]?.length ?? 0
  if (rows.length === 0 || d === 0) fail(file, "no rows of numbers")
  const x = new Float32Array(rows.length * d)
  rows.forEach((row, i) => {
    if (row.length !== d) fail(file, `${where(i)} has ${row.length} numbers, expected ${d} like the first row`)
    for (let j = 0; j < d; j++) {
      if (!Number.isFinite(row[j]!)) fail(file, `${where(i)}, dimension ${j}: ${row[j]} is not a finite number`)
      x[i * d + j] = row[j]!
    }
  })
  return { arch, x, d }
}

const readCsv = (file: string, text: string): Table => {
  const records = readCsvRecords("import-features", file, text)
  // A header row is one whose second cell is not a number.
  const body = records.length > 0 && Number.isNaN(Number(records[0]!.cells[1])) ? records.slice(1) : records
  return fromRows(file, body.map((r) => r.cells[0]!), body.map((r) => r.cells.slice(1).map((v) => (v === "" ? Number.NaN : Number(v)))), (i) => `line ${body[i]!.line}`)
}

const readNpy = (file: string, bytes: Buffer, archFile: string | undefined): Table => {
  if (bytes.subarray(0, 6).toString("latin1") !== "\x93NUMPY") fail(file, "not a .npy file (no \\x93NUMPY magic)")
  const major = bytes[6]!
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8)
  const start = (major === 1 ? 10 : 12) + headerLength
  const header = bytes.subarray(major === 1 ? 10 : 12, start).toString("latin1")
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1]
  const shape = /'shape':\s*\((\d+),\s*(\d+),?\)/.exec(header)
  if (/'fortran_order':\s*True/.test(header)) fail(file, "Fortran-ordered arrays are not supported; save with np.ascontiguousarray")
  if (descr !== "<f4" && descr !== "<f8") fail(file, `dtype ${descr}: expected little-endian float32 (<f4) or float64 (<f8)`)
  if (shape === null) fail(file, `shape in ${header.trim()}: expected a 2-D array (rows × dimensions)`)
  const [n, d] = [Number(shape![1]), Number(shape![2])]
  if (archFile === undefined) fail(file, "a .npy file has no architecture names: give --archs FILE with one architecture per line, in row order")
  const arch = readFileSync(archFile!, "utf8").split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "")
  if (arch.length !== n) fail(file, `${n} rows but ${arch.length} architectures in ${archFile}`)
  const width = descr === "<f4" ? 4 : 8
  if (bytes.length - start !== n * d * width) fail(file, `expected ${n * d * width} data bytes for shape (${n}, ${d}), found ${bytes.length - start}`)
  const data = Buffer.from(bytes.subarray(start)) // aligned copy
  const values = descr === "<f4" ? new Float32Array(data.buffer, data.byteOffset, n * d) : new Float64Array(data.buffer, data.byteOffset, n * d)
  return fromRows(file, arch, Array.from({ length: n }, (_, i) => values.subarray(i * d, (i + 1) * d)), (i) => `row ${i}`)
}

const readArrow = (file: string, bytes: Buffer): Table => {
  let table: Arrow.Table
  try {
    table = Arrow.tableFromIPC(bytes)
  } catch (error) {
    return fail(file, `not an Arrow IPC file (${error instanceof Error ? error.message : String(error)})`)
  }
  const archColumn = table.getChild("arch")
  // Plain or dictionary-encoded strings (as pandas and pyarrow often write them).
  const strings = (t: Arrow.DataType): boolean => Arrow.DataType.isUtf8(t) || Arrow.DataType.isLargeUtf8(t) || (Arrow.DataType.isDictionary(t) && strings(t.dictionary))
  if (archColumn === null || !strings(archColumn.type)) fail(file, `expected a string column "arch"; columns: ${table.schema.fields.map((f) => `${f.name}: ${f.type}`).join(", ")}`)
  const others = table.schema.fields.filter((f) => f.name !== "arch")
  const lists = others.filter((f) => Arrow.DataType.isList(f.type) || Arrow.DataType.isFixedSizeList(f.type))
  const numeric = others.filter((f) => Arrow.DataType.isFloat(f.type) || Arrow.DataType.isInt(f.type))
  const arch = Array.from({ length: table.numRows }, (_, i) => String(archColumn!.get(i)))
  if (lists.length === 1) {
    const column = table.getChild(lists[0]!.name)!
    return fromRows(file, arch, Array.from({ length: table.numRows }, (_, i) => Array.from(column.get(i) ?? [], Number)), (i) => `row ${i}`)
  }
  if (lists.length === 0 && numeric.length > 0) {
    const columns = numeric.map((f) => table.getChild(f.name)!)
    return fromRows(file, arch, Array.from({ length: table.numRows }, (_, i) => columns.map((c) => Number(c.get(i) ?? Number.NaN))), (i) => `row ${i}`)
  }
  return fail(file, `expected one list column of numbers or numeric columns beside "arch"; columns: ${others.map((f) => `${f.name}: ${f.type}`).join(", ")}`)
}

/** Reads an embeddings file by its extension. */
export const read = (file: string, archFile?: string): Table => {
  const bytes = readFileSync(file)
  const extension = path.extname(file).toLowerCase()
  if (extension === ".csv") return readCsv(file, bytes.toString("utf8"))
  if (extension === ".npy") return readNpy(file, bytes, archFile)
  if (extension === ".arrow" || extension === ".feather" || extension === ".ipc") return readArrow(file, bytes)
  return fail(file, `unknown extension ${JSON.stringify(extension)}: expected .arrow, .npy or .csv`)
}

const Params = Schema.Struct({
  space: Schema.String,
  file: Schema.String,
  archs: Schema.optional(Schema.String),
  /** The file's content (and the arch list's): a changed file is a new artifact. */
  sha256: Schema.String
})

export const digestFiles = (files: ReadonlyArray<string>) => {
  const hash = createHash("sha256")
  for (const f of files) hash.update(readFileSync(f))
  return hash.digest("hex")
}

export const identity = Step.implement(ImportFeatures, {
  implementation: "embeddings-file",
  version: 1,
  params: Params,
  sources: [import.meta.url],
  run: (_inputs, params) =>
    Effect.gen(function*() {
      const space = yield* getSpace(params.space)
      const table = yield* Effect.try({ try: () => read(params.file, params.archs), catch: (e) => (e instanceof InvalidStepInput ? e : new InvalidStepInput({ step: "import-features", problem: `${params.file}: ${String(e)}` })) })
      const seen = new Map<string, number>()
      const arch = table.arch.map((text, i) => {
        const parsed = space.parse(text)
        if (Result.isFailure(parsed)) return fail(params.file, `row ${i}: ${parsed.failure.message}`)
        const canonical = space.format(parsed.success)
        if (seen.has(canonical)) fail(params.file, `row ${i}: ${canonical} repeats row ${seen.get(canonical)}`)
        seen.set(canonical, i)
        return canonical
      })
      return { features: { arch, x: table.x } }
    }).pipe(Effect.catchDefect((e) => (e instanceof InvalidStepInput ? Effect.fail(e) : Effect.die(e))))
})

/** The import step for one file (its content digest read now, so the key follows the bytes). */
export const importEmbeddings = (options: { readonly space: string; readonly file: string; readonly archs?: string | undefined }) => {
  const file = path.resolve(options.file)
  const archs = options.archs === undefined ? undefined : path.resolve(options.archs)
  return identity({ space: options.space, file, ...(archs === undefined ? {} : { archs }), sha256: digestFiles(archs === undefined ? [file] : [file, archs]) })
}
