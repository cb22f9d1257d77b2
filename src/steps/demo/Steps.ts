/** The demo pipeline's step services: generate points, standardise them, summarise them two ways. */
import { Norms, Points, Summary } from "../../../schemas/Demo.ts"
import * as Step from "../../core/Step.ts"

export class Generate extends Step.Service<Generate>()("demo/generate", { inputs: {}, outputs: { points: Points } }) {}

export class Standardize extends Step.Service<Standardize>()("demo/standardize", {
  inputs: { points: Points },
  outputs: { points: Points }
}) {}

export class Summarize extends Step.Service<Summarize>()("demo/summarize", {
  inputs: { points: Points },
  outputs: { summary: Summary }
}) {}

export class RowNorms extends Step.Service<RowNorms>()("demo/norms", {
  inputs: { points: Points },
  outputs: { norms: Norms }
}) {}
