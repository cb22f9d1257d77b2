/** Every built-in step implementation, for the drift guard and `cole steps ls`. */
import type * as Step from "../core/Step.ts"
import * as Gaussian from "./demo/Gaussian.ts"
import * as Standardization from "./demo/Standardization.ts"
import * as Summaries from "./demo/Summaries.ts"

export const implementations: ReadonlyArray<Step.Identity> = [
  Gaussian.layer,
  Standardization.layer,
  Summaries.summary,
  Summaries.norms
]
