/**
 * Artifact tables: a named set of typed columns whose bytes are one deterministic Arrow IPC file.
 *
 * Data is held column-wise (typed arrays for numbers and vectors) so that 15k × 4096 embeddings move
 * without per-row objects; `fromRows`/`toRows` validate and convert row objects for small tables.
 */
import * as Arrow from "apache-arrow"
import { Data, Effect, Result, Schema } from "effect"
import * as Column from "./Column.ts"

export type Columns = Readonly<Record<string, Column.Any>>

export interface Table<C extends Columns = Columns> {
  /** Stable table name, written into the Arrow schema metadata. */
  readonly name: string
  readonly columns: C
  /** The Effect Schema of one row (each cell's Schema by column name). */
  readonly row: Schema.Decoder<Readonly<Record<string, unknown>>>
}

/** Columnar data of a table: one entry per column. */
export type ColumnData<C extends Columns> = { readonly [K in keyof C]: Column.Values<C[K]> }
export type Row<C extends Columns> = { readonly [K in keyof C]: Column.CellOf<C[K]> }

/** A table's data together with its row count. */
export interface Frame<C extends Columns = Columns> {
  readonly table: Table<C>
  readonly length: number
  readonly columns: ColumnData<C>
}

export class ArtifactMismatch extends Data.TaggedError("ArtifactMismatch")<{
  readonly table: string
  readonly column: string
  readonly expected: string
  readonly actual: string
}> {
  override get message() {
    return `artifact ${this.table}: column "${this.column}" is ${this.actual}, expected ${this.expected}`
  }
}

export class ArtifactUnreadable extends Data.TaggedError("ArtifactUnreadable")<{
  readonly table: string
  readonly reason: string
}> {
  override get message() {
    return `artifact ${this.table} is not a readable Arrow IPC file: ${this.reason}`
  }
}

const TABLE_KEY = "cole.table"

export const table = <const C extends Columns>(name: string, columns: C): Table<C> => ({
  name,
  columns,
  row: Schema.Struct(Object.fromEntries(Object.entries(columns).map(([k, c]) => [k, c.cell])))
})

// ---------------------------------------------------------------------------------------------------------
// validation

/** Columnar data by name, for code that walks a table's columns whatever the table. */
const byName = (columns: object): ReadonlyMap<string, unknown> => new Map(Object.entries(columns))

/** The length of a typed array or array; 0 for anything else. */
const lengthOf = (values: unknown): number =>
  ArrayBuffer.isView(values) && "length" in values && typeof values.length === "number"
    ? values.length
    : Array.isArray(values)
    ? values.length
    : 0

const mismatch = (t: Table<any>, column: string, expected: string, actual: string) =>
  new ArtifactMismatch({ table: t.name, column, expected, actual })

const describeValue = (v: unknown): string =>
  v === null
    ? "null"
    : typeof v === "number" || typeof v === "string"
    ? JSON.stringify(v)
    : Array.isArray(v)
    ? "an array"
    : ArrayBuffer.isView(v)
    ? `a ${v.constructor.name}`
    : typeof v

const checkLength = (t: Table<any>, name: string, actual: number, expected: number) => {
  if (actual !== expected) throw mismatch(t, name, `${expected} values`, `${actual} values`)
}

/** The vector width of a column in a frame: fixed by the table, or (dynamic) read from the data. */
export const widthOf = (column: Column.Any, values: ArrayLike<unknown>, length: number): number =>
  column.width > 0 ? column.width : length === 0 ? 0 : values.length / length

const validateColumn = (t: Table<any>, name: string, column: Column.Any, values: unknown, length: number) => {
  if (column.kind === "vector") {
    if (!(values instanceof Float32Array)) throw mismatch(t, name, "a Float32Array", describeValue(values))
    const width = widthOf(column, values, length)
    if (!Number.isInteger(width)) throw mismatch(t, name, `a multiple of ${length} values`, `${values.length} values`)
    checkLength(t, name, values.length, length * width)
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) {
        throw mismatch(t, name, "finite numbers", `${values[i]} at row ${Math.floor(i / width)}`)
      }
    }
    return
  }
  if (!column.nullable && (column.kind === "float64" || column.kind === "int32")) {
    const Expected = column.kind === "float64" ? Float64Array : Int32Array
    if (!(values instanceof Expected)) throw mismatch(t, name, `a ${Expected.name}`, describeValue(values))
    checkLength(t, name, values.length, length)
    if (column.kind === "float64") {
      for (let i = 0; i < values.length; i++) {
        if (!Number.isFinite(values[i]!)) throw mismatch(t, name, "finite numbers", `${values[i]} at row ${i}`)
      }
    }
    return
  }
  if (!Array.isArray(values)) throw mismatch(t, name, "an array", describeValue(values))
  checkLength(t, name, values.length, length)
  const isCell = Schema.is(column.cell)
  for (let i = 0; i < values.length; i++) {
    if (!isCell(values[i])) throw mismatch(t, name, Column.describeType(column), `${describeValue(values[i])} at row ${i}`)
  }
}

/** Builds a frame from columnar data, checking every column against the table. */
export const make = <C extends Columns>(t: Table<C>, columns: ColumnData<C>): Frame<C> => {
  const names = Object.keys(t.columns)
  for (const key of Object.keys(columns)) {
    if (!(key in t.columns)) throw mismatch(t, key, "no such column", "present")
  }
  // The row count comes from the first column of known width (a table needs one).
  const first = names.find((n) => t.columns[n]!.width > 0)
  if (first === undefined) throw mismatch(t, names[0] ?? "(none)", "a table with at least one column of known width", "none")
  const data = byName(columns)
  const length = Math.floor(lengthOf(data.get(first)) / t.columns[first]!.width)
  for (const name of names) {
    const values = data.get(name)
    if (values === undefined) throw mismatch(t, name, Column.describeType(t.columns[name]!), "missing")
    validateColumn(t, name, t.columns[name]!, values, length)
  }
  return { table: t, length, columns }
}

/** The zero-row frame of a table. */
export const empty = <C extends Columns>(t: Table<C>): Frame<C> => fromRows(t, [])

/** The length of the vector cell `name` in the first row (a dynamic vector's width). */
const firstRowWidth = (rows: ReadonlyArray<unknown>, name: string): number => {
  const first = rows[0]
  return typeof first === "object" && first !== null ? lengthOf(byName(first).get(name)) : 0
}

/** Builds a frame from row objects, validating each row with the table's row Schema. */
export const fromRows = <C extends Columns>(t: Table<C>, rows: ReadonlyArray<unknown>): Frame<C> => {
  const decode = Schema.decodeUnknownResult(t.row)
  const names = Object.keys(t.columns)
  const out: Record<string, any> = {}
  for (const name of names) {
    const c = t.columns[name]!
    out[name] = c.kind === "vector"
      ? new Float32Array(rows.length * (c.width || firstRowWidth(rows, name)))
      : !c.nullable && c.kind === "float64"
      ? new Float64Array(rows.length)
      : !c.nullable && c.kind === "int32"
      ? new Int32Array(rows.length)
      : new Array(rows.length)
  }
  rows.forEach((input, i) => {
    const result = decode(input)
    if (Result.isFailure(result)) {
      const issue = result.failure.message.replace(/\s*\n\s*/g, " ")
      const column = names.find((n) => issue.includes(`["${n}"]`)) ?? "(row)"
      throw mismatch(t, column, Column.describeType(t.columns[column] ?? Column.utf8), `invalid at row ${i}: ${issue}`)
    }
    const row = result.success as Record<string, unknown>
    for (const name of names) {
      const c = t.columns[name]!
      if (c.kind === "vector") out[name].set(row[name], i * (row[name] as Float32Array).length)
      else out[name][i] = row[name]
    }
  })
  return make(t, out as ColumnData<C>)
}

/** Row objects of a frame (vectors are zero-copy subarrays). */
export const toRows = <C extends Columns>(frame: Frame<C>): Array<Row<C>> => {
  const rows: Array<Record<string, unknown>> = []
  const data: ReadonlyMap<string, any> = byName(frame.columns)
  for (let i = 0; i < frame.length; i++) {
    const row: Record<string, unknown> = {}
    for (const [name, c] of Object.entries(frame.table.columns)) {
      const values = data.get(name)
      const w = widthOf(c, values, frame.length)
      row[name] = c.kind === "vector" ? values.subarray(i * w, (i + 1) * w) : values[i]
    }
    rows.push(row)
  }
  return rows as Array<Row<C>>
}

// ---------------------------------------------------------------------------------------------------------
// Arrow encoding

// `values` has been validated against `column` (make), so it is the column's in-memory form.
const toArrowData = (column: Column.Any, values: any, length: number): Arrow.Data => {
  const width = widthOf(column, values, length)
  const type = column.arrowType(width)
  switch (column.kind) {
    case "vector":
      return Arrow.makeData({
        type: type as Arrow.FixedSizeList,
        length,
        nullCount: 0,
        child: Arrow.makeData({ type: new Arrow.Float32(), length: length * width, data: values })
      })
    case "float64":
    case "int32":
      if (!column.nullable) return Arrow.makeData({ type: type as Arrow.Float64, length, data: values })
      return Arrow.vectorFromArray(values, type as Arrow.Float64).data[0]!
    default:
      return Arrow.vectorFromArray(values, type as Arrow.Utf8).data[0]!
  }
}

const toArrowTable = <C extends Columns>(frame: Frame<C>): Arrow.Table => {
  const entries = Object.entries(frame.table.columns)
  const data = byName(frame.columns)
  const children = entries.map(([name, c]) => toArrowData(c, data.get(name), frame.length))
  const fields = entries.map(([name, c], i) => new Arrow.Field(name, children[i]!.type, c.nullable))
  const schema = new Arrow.Schema(fields, new Map([[TABLE_KEY, frame.table.name]]))
  const struct = Arrow.makeData({ type: new Arrow.Struct(fields), length: frame.length, nullCount: 0, children })
  return new Arrow.Table(schema, [new Arrow.RecordBatch(schema, struct)])
}

/** Encodes a frame as one Arrow IPC file. Equal frames give equal bytes: nothing time- or host-dependent. */
export const encode = <C extends Columns>(frame: Frame<C>): Uint8Array => Arrow.tableToIPC(toArrowTable(frame), "file")

/**
 * The same bytes as `encode`, as the writer's chunks: the column bodies are views of the frame's own
 * arrays, so a 256 MB embedding table is written without first being copied into one buffer.
 */
export const encodeChunks = async <C extends Columns>(frame: Frame<C>): Promise<Array<Uint8Array>> => {
  const writer = Arrow.RecordBatchFileWriter.writeAll(toArrowTable(frame))
  const chunks: Array<Uint8Array> = []
  for await (const chunk of writer) chunks.push(chunk)
  return chunks
}

const arrowTypeName = (type: Arrow.DataType): string => {
  if (type instanceof Arrow.FixedSizeList) return `vector<${String(type.children[0]?.type).toLowerCase()}>[${type.listSize}]`
  return String(type).toLowerCase()
}

const sameType = (column: Column.Any, type: Arrow.DataType): boolean => {
  const expected = column.arrowType(1)
  if (column.kind === "vector") {
    return type instanceof Arrow.FixedSizeList && (column.width === 0 || type.listSize === column.width) &&
      Arrow.DataType.isFloat(type.children[0]!.type) && type.children[0]!.type.precision === Arrow.Precision.SINGLE
  }
  return expected.typeId === type.typeId &&
    (!Arrow.DataType.isFloat(type) || (expected as Arrow.Float).precision === type.precision) &&
    (!Arrow.DataType.isInt(type) || ((expected as Arrow.Int).bitWidth === type.bitWidth && type.isSigned))
}

type Primitive = Float32Array | Float64Array | Int32Array

/** Concatenated primitive values of a column, zero-copy when the column is one contiguous chunk. */
const primitiveValues = <A extends Primitive>(
  vector: Arrow.Vector,
  Ctor: { new(length: number): A },
  list: boolean
): A => {
  const width = list ? (vector.type as Arrow.FixedSizeList).listSize : 1
  const chunks = vector.data.map((d): A => {
    const leaf = list ? d.children[0]! : d
    const start = list ? leaf.offset + d.offset * width : d.offset
    return width === 0 ? new Ctor(0) : (leaf.values as A).subarray(start, start + d.length * width) as A
  })
  if (chunks.length === 1) return chunks[0]!
  return concatPrimitive(new Ctor(vector.length * width), chunks)
}

/** Copies `parts` one after another into `out`. */
export const concatPrimitive = <A extends Primitive>(out: A, parts: ReadonlyArray<A>): A => {
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

const MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31] // "ARROW1"

const hasMagic = (bytes: Uint8Array) =>
  bytes.length >= 14 && MAGIC.every((m, i) => bytes[i] === m && bytes[bytes.length - MAGIC.length + i] === m)

/** `decode` as an effect that fails with the typed reason the bytes are not the table. */
export const decodeEffect = <C extends Columns>(t: Table<C>, bytes: Uint8Array) =>
  Effect.try({
    try: () => decode(t, bytes),
    catch: (e) =>
      e instanceof ArtifactUnreadable || e instanceof ArtifactMismatch
        ? e
        : new ArtifactUnreadable({ table: t.name, reason: e instanceof Error ? e.message : String(e) })
  })

/**
 * Decodes Arrow IPC bytes as the given table, checking column names, types and vector widths.
 * Vector and non-null numeric columns are views into `bytes`, not copies.
 */
export const decode = <C extends Columns>(t: Table<C>, bytes: Uint8Array): Frame<C> => {
  // tableFromIPC reads foreign bytes as an empty table; the file format's magic at both ends tells.
  if (!hasMagic(bytes)) throw new ArtifactUnreadable({ table: t.name, reason: "no Arrow file magic (ARROW1) at start and end" })
  let arrow: Arrow.Table
  try {
    arrow = Arrow.tableFromIPC(bytes)
  } catch (cause) {
    throw new ArtifactUnreadable({ table: t.name, reason: cause instanceof Error ? cause.message : String(cause) })
  }
  const fields = new Map(arrow.schema.fields.map((f) => [f.name, f]))
  for (const [name, column] of Object.entries(t.columns)) {
    const field = fields.get(name)
    if (field === undefined) throw mismatch(t, name, Column.describeType(column), "missing")
    if (!sameType(column, field.type)) throw mismatch(t, name, Column.describeType(column), arrowTypeName(field.type))
    const vector = arrow.getChild(name)!
    if (!column.nullable && vector.nullCount > 0) throw mismatch(t, name, Column.describeType(column), `${vector.nullCount} nulls`)
  }
  for (const name of fields.keys()) {
    if (!(name in t.columns)) throw mismatch(t, name, "no such column", arrowTypeName(fields.get(name)!.type))
  }
  const out: Record<string, unknown> = {}
  for (const [name, column] of Object.entries(t.columns)) {
    const vector = arrow.getChild(name)!
    if (column.kind === "vector") out[name] = primitiveValues(vector, Float32Array, true)
    else if (!column.nullable && column.kind === "float64") out[name] = primitiveValues(vector, Float64Array, false)
    else if (!column.nullable && column.kind === "int32") out[name] = primitiveValues(vector, Int32Array, false)
    else out[name] = Array.from(vector as Iterable<unknown>)
  }
  return { table: t, length: arrow.numRows, columns: out as ColumnData<C> }
}
