/** The tables that flow between the search-space steps; every one is keyed by the arch string. */
import * as Artifact from "../src/core/Artifact.ts"
import * as Column from "../src/core/Column.ts"

export const Architectures = Artifact.table("architectures", { arch: Column.utf8 })
export const CodeText = Artifact.table("code-text", { arch: Column.utf8, code: Column.utf8 })
/** Features of any width: structural encodings, embeddings, their reductions. */
export const Features = Artifact.table("features", { arch: Column.utf8, x: Column.vector() })
export const Objective = Artifact.table("objective", { arch: Column.utf8, value: Column.float64 })

/** One cross-validation trial per row (docs/surrogate.md). */
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

/** One search evaluation per row (docs/search.md); fit, rank and the ensemble's view are null for the initial design. */
export const Trajectory = Artifact.table("search-trajectory", {
  trial: Column.int32,
  t: Column.int32,
  arch: Column.utf8,
  value: Column.float64,
  origin: Column.utf8,
  fit: Column.nullable(Column.int32),
  rank: Column.nullable(Column.int32),
  acquisition: Column.nullable(Column.float64),
  mu: Column.nullable(Column.float64),
  sigma: Column.nullable(Column.float64),
  duplicate: Column.bool,
  incumbent: Column.float64,
  incumbentArch: Column.utf8
})

/** The trajectory of a search on a space without a table: each evaluation's status beside its value. */
export const OpenTrajectory = Artifact.table("search-open-trajectory", {
  ...Trajectory.columns,
  /** ok, or why the evaluator gave no value (failed, invalid-output, timeout); `value` is then the failure value. */
  status: Column.utf8
})

/** One evaluation by an Evaluator, cached on its own: the value, or null and why not. */
export const Evaluation = Artifact.table("evaluation", {
  arch: Column.utf8,
  value: Column.nullable(Column.float64),
  status: Column.utf8,
  detail: Column.utf8
})
