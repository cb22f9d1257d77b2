/**
 * Column types of artifact tables. Each column pairs an Effect Schema for one cell (used to validate rows)
 * with its Arrow type and the in-memory columnar form it is read into.
 */
import * as Arrow from "apache-arrow"
import { Schema } from "effect"

interface ColumnOf<Kind extends string, Cell, Values> {
  readonly kind: Kind
  readonly nullable: boolean
  /** Vector width: 1 for scalar columns, 0 for a vector whose width each artifact fixes. */
  readonly width: number
  readonly cell: Schema.Codec<Cell, any>
  /** The Arrow type; `width` is the artifact's vector width (it matters only for dynamic vectors). */
  readonly arrowType: (width: number) => Arrow.DataType
  /** Phantom: the columnar in-memory type. */
  readonly _values?: Values
}

export type Utf8 = ColumnOf<"utf8", string, ReadonlyArray<string>>
export type Float64 = ColumnOf<"float64", number, Float64Array>
export type Int32 = ColumnOf<"int32", number, Int32Array>
export type Bool = ColumnOf<"bool", boolean, ReadonlyArray<boolean>>
/** A fixed-width float32 vector per row, held as one flat row-major Float32Array. */
export type Vector = ColumnOf<"vector", Float32Array, Float32Array>
export type Nullable<C extends Scalar> = ColumnOf<
  C["kind"],
  C["cell"]["Type"] | null,
  ReadonlyArray<C["cell"]["Type"] | null>
>

export type Scalar = Utf8 | Float64 | Int32 | Bool
export type Any = ColumnOf<"utf8" | "float64" | "int32" | "bool" | "vector", any, any>

/** The columnar value type of a column. */
export type Values<C extends Any> = NonNullable<C["_values"]>
/** The value of one cell. */
export type CellOf<C extends Any> = Schema.Schema.Type<C["cell"]>

const FiniteFloat32Array = Schema.instanceOf(Float32Array)

export const utf8: Utf8 = { kind: "utf8", nullable: false, width: 1, cell: Schema.String, arrowType: () => new Arrow.Utf8() }
export const float64: Float64 = { kind: "float64", nullable: false, width: 1, cell: Schema.Finite, arrowType: () => new Arrow.Float64() }
export const int32: Int32 = {
  kind: "int32",
  nullable: false,
  width: 1,
  cell: Schema.Int.check(Schema.isBetween({ minimum: -2147483648, maximum: 2147483647 })),
  arrowType: () => new Arrow.Int32()
}
export const bool: Bool = { kind: "bool", nullable: false, width: 1, cell: Schema.Boolean, arrowType: () => new Arrow.Bool() }

/**
 * A float32 vector of `width` elements per row (embeddings, encodings). Without a width, each artifact
 * fixes its own (an encoding step whose width depends on its params); it is read from the data.
 */
export const vector = (width?: number): Vector => {
  if (width !== undefined && (!Number.isInteger(width) || width < 1)) {
    throw new RangeError(`vector width must be a positive integer, got ${width}`)
  }
  return {
    kind: "vector",
    nullable: false,
    width: width ?? 0,
    cell: width === undefined
      ? FiniteFloat32Array
      : FiniteFloat32Array.check(Schema.makeFilter((v) => v.length === width || `expected ${width} elements, got ${v.length}`)),
    arrowType: (w) => new Arrow.FixedSizeList(width ?? w, new Arrow.Field("item", new Arrow.Float32(), false))
  }
}

/** A scalar column that may hold null (the missing-value marker; NaN is never accepted). */
export const nullable = <C extends Scalar>(column: C): Nullable<C> => ({
  kind: column.kind,
  nullable: true,
  width: column.width,
  cell: Schema.NullOr<C["cell"]>(column.cell),
  arrowType: column.arrowType
})

/** Human name of a column type, as used in error messages and `describe`. */
export const describeType = (column: Any): string =>
  (column.kind === "vector" ? `vector<float32>[${column.width === 0 ? "any" : column.width}]` : column.kind) +
  (column.nullable ? " (nullable)" : "")
