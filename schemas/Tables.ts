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

/**
 * One batch of an open search as the search saw it: each evaluation's status and detail beside the value
 * the surrogate used (the failure value for a failed evaluation).
 */
export const OpenBatch = Artifact.table("search-open-batch", {
  ...Trajectory.columns,
  status: Column.utf8,
  detail: Column.utf8
})

/**
 * The trajectory of a search on a space without a table, as reported: a failed evaluation has no value
 * (null; `status` and `detail` say why), and the incumbent is the best value evaluated so far in the
 * trial (null until one evaluation succeeds). The failure value is only ever seen by the surrogate.
 */
export const OpenTrajectory = Artifact.table("search-open-trajectory", {
  ...Trajectory.columns,
  value: Column.nullable(Column.float64),
  incumbent: Column.nullable(Column.float64),
  incumbentArch: Column.nullable(Column.utf8),
  /** ok, or why the evaluator gave no value: failed, invalid-output, timeout. */
  status: Column.utf8,
  /** Why not, in the evaluator's words (the last lines of stderr, the output that was not a number). */
  detail: Column.utf8
})

/** One evaluation by an Evaluator, cached on its own: the value, or null and why not. */
export const Evaluation = Artifact.table("evaluation", {
  arch: Column.utf8,
  value: Column.nullable(Column.float64),
  status: Column.utf8,
  detail: Column.utf8
})
