/** The step services of the search-space part of the pipeline: what each step takes and gives. */
import { Architectures as ArchTable, CodeText, Features, Objective, OpenTrajectory, Trajectory, Trials } from "../../schemas/Tables.ts"
import type { InvalidComponent } from "../core/Component.ts"
import type { ArchParseError, InvalidTranspileOptions, UnknownEncoding } from "../core/Space.ts"
import * as Step from "../core/Step.ts"
import type { UnknownSpace } from "../spaces/registry.ts"
import type { TableError } from "../spaces/nb201/Benchmark.ts"
import type { EmbedderError } from "./embed/OnnxSession.ts"
import type { EvaluationFailed, UnknownArchitecture } from "./Evaluator.ts"
import type { InvalidStepInput } from "./InvalidStepInput.ts"

export class Architectures extends Step.Service<Architectures, UnknownSpace | InvalidStepInput>()("architectures", {
  inputs: {},
  outputs: { architectures: ArchTable }
}) {}

export class Transpile extends Step.Service<Transpile, UnknownSpace | ArchParseError | InvalidTranspileOptions>()("transpile", {
  inputs: { architectures: ArchTable },
  outputs: { code: CodeText }
}) {}

export class Encode extends Step.Service<Encode, UnknownSpace | ArchParseError | UnknownEncoding>()("encode", {
  inputs: { architectures: ArchTable },
  outputs: { features: Features }
}) {}

export class Evaluate extends Step.Service<Evaluate, UnknownArchitecture | EvaluationFailed>()("evaluate", {
  inputs: { architectures: ArchTable },
  outputs: { objective: Objective }
}) {}

/** An objective table brought in from outside (a benchmark CSV, a user's labels). */
export class ImportObjective extends Step.Service<ImportObjective, UnknownSpace | InvalidStepInput | TableError>()("import-objective", {
  inputs: {},
  outputs: { objective: Objective }
}) {}

/** Code text → one vector per architecture (a frozen LM through ONNX, or a model-free featurizer). */
export class Embed extends Step.Service<Embed, EmbedderError | InvalidStepInput>()("embed", {
  inputs: { code: CodeText },
  outputs: { embeddings: Features }
}) {}

/** Features → reduced features, fitted on the `train` architectures only and applied to every row. */
export class Reduce extends Step.Service<Reduce, InvalidStepInput>()("reduce", {
  inputs: { features: Features, train: ArchTable },
  outputs: { reduced: Features }
}) {}

/** Repeated stratified 10-fold cross-validation of a surrogate on features and an objective. */
export class CrossValidate extends Step.Service<CrossValidate, InvalidStepInput | InvalidComponent>()("cross-validate", {
  inputs: { features: Features, objective: Objective },
  outputs: { trials: Trials }
}) {}

/** Features brought in from outside (embeddings computed elsewhere), keyed by arch string. */
export class ImportFeatures extends Step.Service<ImportFeatures, UnknownSpace | InvalidStepInput>()("import-features", {
  inputs: {},
  outputs: { features: Features }
}) {}

/**
 * Search where no table exists (einspace, a user's space): candidates are featurized as they are
 * generated and evaluated by the Evaluator layer as they are chosen. Every evaluation, in order.
 */
export class OpenSearch extends Step.Service<OpenSearch, UnknownSpace | InvalidStepInput | EmbedderError | InvalidComponent>()("search-open", {
  inputs: {},
  outputs: { trajectory: OpenTrajectory }
}) {}

/** Architecture search trials on a representation and an objective: every evaluation, in order. */
export class Search extends Step.Service<Search, UnknownSpace | InvalidStepInput | InvalidComponent>()("search", {
  inputs: { features: Features, objective: Objective },
  outputs: { trajectory: Trajectory }
}) {}
