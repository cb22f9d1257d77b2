/**
 * Every built-in step implementation and search space, for the drift guard and `cole steps ls`. It sits
 * at the top of the tree, where everything is assembled: it imports the steps and the searches, and
 * nothing below imports it.
 */
import type * as Step from "./core/Step.ts"
import { spaces } from "./spaces/registry.ts"
import * as Gaussian from "./steps/demo/Gaussian.ts"
import * as Standardization from "./steps/demo/Standardization.ts"
import * as Summaries from "./steps/demo/Summaries.ts"
import { OnnxEmbedder } from "./steps/embed/OnnxEmbedder.ts"
import { HashedNgramEmbedder } from "./steps/HashedNgram.ts"
import * as ImportEmbeddings from "./steps/ImportEmbeddings.ts"
import * as ImportLabels from "./steps/ImportLabels.ts"
import * as Reducers from "./steps/reduce/Reducers.ts"
import { nb201Csv } from "./steps/ImportNb201.ts"
import * as SpaceSteps from "./steps/SpaceSteps.ts"
import { crossValidate } from "./steps/surrogate/CvStep.ts"
import * as SearchStep from "./search/SearchStep.ts"
import * as OpenSearch from "./search/OpenSearch.ts"

export const implementations: ReadonlyArray<Step.Identity> = [
  Gaussian.layer,
  Standardization.layer,
  Summaries.summary,
  Summaries.norms,
  SpaceSteps.architectures,
  SpaceSteps.transpile,
  SpaceSteps.encode,
  SpaceSteps.evaluate,
  HashedNgramEmbedder.layer,
  OnnxEmbedder.identity,
  Reducers.Pca.layer,
  Reducers.Identity.layer,
  crossValidate,
  SearchStep.identity,
  OpenSearch.identity,
  nb201Csv(""),
  ImportEmbeddings.identity,
  ImportLabels.objective,
  ImportLabels.architectures,
  // A space is versioned like a step: its version enters the keys of the steps that use it.
  ...Object.values(spaces).map((s) => ({ step: "space", implementation: s.name, version: s.version, sources: s.sources }))
]
