/** The two search presets of docs/search.md, every number. */
import type * as Ensemble from "../steps/surrogate/Ensemble.ts"
import type * as Candidates from "./Candidates.ts"

export interface Preset {
  readonly name: "naslib-default" | "cole-paper"
  readonly budget: number
  readonly initial: number
  /** Evaluations per fit. */
  readonly k: number
  readonly ensemble: Ensemble.Preset["name"]
  readonly candidates: Candidates.MutationOptions
  /** Regularized evolution, as a baseline: population P and tournament S. */
  readonly population: number
  readonly tournament: number
}

export const presets: Readonly<Record<Preset["name"], Preset>> = {
  "naslib-default": {
    name: "naslib-default",
    budget: 500,
    initial: 20,
    k: 10,
    ensemble: "naslib-default",
    candidates: { kind: "mutation", parents: 2, mutations: 1, candidates: 100, mode: "naslib-chain" },
    population: 30,
    tournament: 10
  },
  "cole-paper": {
    name: "cole-paper",
    budget: 500,
    initial: 20,
    k: 10,
    ensemble: "cole-paper",
    candidates: { kind: "mutation", parents: 16, mutations: 3, candidates: 100, mode: "naslib-chain" },
    population: 100,
    tournament: 10
  }
}
