/** Tables of the demo pipeline: generated points, and two summaries computed from them. */
import * as Artifact from "../src/core/Artifact.ts"
import * as Column from "../src/core/Column.ts"

export const DIMENSIONS = 16

export const Points = Artifact.table("demo/points", { id: Column.int32, x: Column.vector(DIMENSIONS) })
export const Summary = Artifact.table("demo/summary", { dim: Column.int32, mean: Column.float64, std: Column.float64 })
export const Norms = Artifact.table("demo/norms", { id: Column.int32, norm: Column.float64 })
