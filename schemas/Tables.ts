/** The tables that flow between the search-space steps; every one is keyed by the arch string. */
import * as Artifact from "../src/core/Artifact.ts"
import * as Column from "../src/core/Column.ts"

export const Architectures = Artifact.table("architectures", { arch: Column.utf8 })
export const CodeText = Artifact.table("code-text", { arch: Column.utf8, code: Column.utf8 })
/** Features of any width: structural encodings, embeddings, their reductions. */
export const Features = Artifact.table("features", { arch: Column.utf8, x: Column.vector() })
export const Objective = Artifact.table("objective", { arch: Column.utf8, value: Column.float64 })

/** One cross-validation trial per row (spec/surrogate.md §4.4). */
export const Trials = Artifact.table("cv-trials", {
  repeat: Column.int32,
  fold: Column.int32,
  budget: Column.int32,
  tau: Column.float64,
  mse: Column.float64,
  flagged: Column.bool,
  nPool: Column.int32,
  nTest: Column.int32
})
