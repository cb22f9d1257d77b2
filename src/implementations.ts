/**
 * Every built-in step implementation, component and search space, for the drift guard and `cole steps
 * ls`. It sits
 * at the top of the tree, where everything is assembled: it imports the steps and the searches, and
 * nothing below imports it.
 */
import { coleMlp } from "./components/heads/ColeMlp.ts"
import { gaussianProcess } from "./components/heads/GaussianProcess.ts"
import { mlpEnsemble } from "./components/heads/MlpEnsemble.ts"
import { identity } from "./components/reducers/Identity.ts"
import { pca } from "./components/reducers/Pca.ts"
import { randomProjection } from "./components/reducers/RandomProjection.ts"
import type * as Component from "./core/Component.ts"
import type * as Step from "./core/Step.ts"
import { bananas } from "./search/strategies/Bananas.ts"
import { randomSearch } from "./search/strategies/RandomSearch.ts"
import { regularizedEvolution } from "./search/strategies/RegularizedEvolution.ts"
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

/** A built-in component as the drift guard sees it: `head/gp`, `reducer/pca`, `strategy/bananas`. */
const componentIdentity = (c: Component.Definition): Step.Identity => ({ step: c.kind, implementation: c.name, version: c.version, sources: c.sources })

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
  // Components are versioned like steps: their version enters the keys of the units that use them.
  ...[pca, identity, randomProjection, coleMlp, mlpEnsemble, gaussianProcess, bananas, regularizedEvolution, randomSearch].map(componentIdentity),
  // A space is versioned like a step: its version enters the keys of the steps that use it.
  ...Object.values(spaces).map((s) => ({ step: "space", implementation: s.name, version: s.version, sources: s.sources }))
]
