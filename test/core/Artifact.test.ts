import * as Arrow from "apache-arrow"
import { describe, expect, it } from "vitest"
import * as Artifact from "../../src/core/Artifact.ts"
import * as Column from "../../src/core/Column.ts"
import * as Hash from "../../src/core/Hash.ts"

const Everything = Artifact.table("test/everything", {
  name: Column.utf8,
  score: Column.float64,
  rank: Column.int32,
  valid: Column.bool,
  note: Column.nullable(Column.utf8),
  loss: Column.nullable(Column.float64),
  embedding: Column.vector(3)
})

const rows = [
  { name: "a", score: 1.5, rank: 1, valid: true, note: null, loss: 0.25, embedding: new Float32Array([1, 2, 3]) },
  { name: "β", score: -2, rank: -7, valid: false, note: "x", loss: null, embedding: new Float32Array([4, 5, 6]) }
]

describe("Artifact", () => {
  it("round-trips every column type, nulls included", () => {
    const frame = Artifact.fromRows(Everything, rows)
    const back = Artifact.decode(Everything, Artifact.encode(frame))
    expect(back.length).toBe(2)
    expect(Artifact.toRows(back)).toEqual(rows)
  })

  it("maps columns to the Arrow types of the design (Utf8, Float64, Int32, Bool, FixedSizeList<Float32>[d])", () => {
    const arrow = Arrow.tableFromIPC(Artifact.encode(Artifact.fromRows(Everything, rows)))
    const types = Object.fromEntries(arrow.schema.fields.map((f) => [f.name, [String(f.type), f.nullable]]))
    expect(types).toEqual({
      name: ["Utf8", false],
      score: ["Float64", false],
      rank: ["Int32", false],
      valid: ["Bool", false],
      note: ["Utf8", true],
      loss: ["Float64", true],
      embedding: ["FixedSizeList[3]<Float32>", false]
    })
    expect(arrow.schema.metadata.get("cole.table")).toBe("test/everything")
  })

  it("writes equal content as equal bytes", () => {
    const a = Artifact.encode(Artifact.fromRows(Everything, rows))
    const b = Artifact.encode(Artifact.fromRows(Everything, rows.map((r) => ({ ...r }))))
    expect(Hash.sha256(a)).toBe(Hash.sha256(b))
  })

  it("reads vector and numeric columns without copying", () => {
    const T = Artifact.table("test/vectors", { id: Column.int32, x: Column.vector(4), y: Column.float64 })
    const x = Float32Array.from({ length: 40 }, (_, i) => i / 3)
    const bytes = Artifact.encode(Artifact.make(T, { id: Int32Array.from({ length: 10 }, (_, i) => i), x, y: new Float64Array(10) }))
    const frame = Artifact.decode(T, bytes)
    expect(frame.columns.x.buffer).toBe(bytes.buffer)
    expect(frame.columns.id.buffer).toBe(bytes.buffer)
    expect(Array.from(frame.columns.x)).toEqual(Array.from(x))
  })

  it("takes a vector's width from the data when the table leaves it open", () => {
    const Features = Artifact.table("test/features", { arch: Column.utf8, x: Column.vector() })
    for (const width of [1, 7]) {
      const x = Float32Array.from({ length: 3 * width }, (_, i) => i)
      const back = Artifact.decode(Features, Artifact.encode(Artifact.make(Features, { arch: ["a", "b", "c"], x })))
      expect(Array.from(back.columns.x)).toEqual(Array.from(x))
      expect(Artifact.toRows(back)[2]!.x.length).toBe(width)
    }
    expect(Artifact.decode(Features, Artifact.encode(Artifact.empty(Features))).columns.x.length).toBe(0)
    expect(() => Artifact.make(Features, { arch: ["a", "b"], x: new Float32Array(3) })).toThrowError(/"x" is 3 values, expected a multiple of 2 values/)
    const Fixed = Artifact.table("test/features", { arch: Column.utf8, x: Column.vector(2) })
    expect(() => Artifact.decode(Fixed, Artifact.encode(Artifact.make(Features, { arch: ["a"], x: new Float32Array(3) })))).toThrowError(/vector<float32>\[3\], expected vector<float32>\[2\]/)
  })

  it("handles empty tables", () => {
    const back = Artifact.decode(Everything, Artifact.encode(Artifact.empty(Everything)))
    expect(back.length).toBe(0)
    expect(back.columns.embedding.length).toBe(0)
  })

  describe("a file that does not match its table fails naming the column", () => {
    const bytes = Artifact.encode(Artifact.fromRows(Everything, rows))
    const expectMismatch = (table: Artifact.Table<any>, column: string, pattern: RegExp) => {
      try {
        Artifact.decode(table, bytes)
        expect.unreachable()
      } catch (e) {
        expect(e).toBeInstanceOf(Artifact.ArtifactMismatch)
        expect((e as Artifact.ArtifactMismatch).column).toBe(column)
        expect((e as Error).message).toMatch(pattern)
      }
    }
    const { embedding: _e, rank: _r, ...rest } = Everything.columns

    it("wrong type", () => expectMismatch(Artifact.table("t", { ...Everything.columns, rank: Column.float64 }), "rank", /"rank" is int32, expected float64/))
    it("wrong vector width", () => expectMismatch(Artifact.table("t", { ...Everything.columns, embedding: Column.vector(4) }), "embedding", /vector<float32>\[3\], expected vector<float32>\[4\]/))
    it("missing column", () => expectMismatch(Artifact.table("t", { ...Everything.columns, extra: Column.bool }), "extra", /missing/))
    it("unexpected column", () => expectMismatch(Artifact.table("t", { ...rest, embedding: Everything.columns.embedding }), "rank", /no such column/))
    it("nulls where the table has none", () => {
      const noNulls = Artifact.table("t", { ...Everything.columns, note: Column.utf8 })
      expectMismatch(noNulls, "note", /1 nulls/)
    })
  })

  it("rejects bytes that are not Arrow with a typed error", () => {
    expect(() => Artifact.decode(Everything, new Uint8Array([1, 2, 3]))).toThrowError(Artifact.ArtifactUnreadable)
  })

  describe("writing validates", () => {
    it("row values against the row Schema", () => {
      expect(() => Artifact.fromRows(Everything, [{ ...rows[0], rank: 1.5 }])).toThrowError(/column "rank"/)
      expect(() => Artifact.fromRows(Everything, [{ ...rows[0], score: NaN }])).toThrowError(/column "score"/)
      expect(() => Artifact.fromRows(Everything, [{ ...rows[0], embedding: new Float32Array(2) }])).toThrowError(/column "embedding"/)
    })

    it("columns: lengths, element types and finiteness", () => {
      const T = Artifact.table("t", { id: Column.int32, x: Column.vector(2) })
      expect(() => Artifact.make(T, { id: new Int32Array(2), x: new Float32Array(3) })).toThrowError(/"x" is 3 values, expected 4 values/)
      expect(() => Artifact.make(T, { id: new Int32Array(1), x: new Float32Array([1, NaN]) })).toThrowError(/"x" is NaN at row 0, expected finite numbers/)
      expect(() => Artifact.make(T, { id: [1] as any, x: new Float32Array(2) })).toThrowError(/"id" is an array, expected a Int32Array/)
    })
  })
})
