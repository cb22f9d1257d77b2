/**
 * A run as `cole serve` shows it, read from its journal: its state, its graph of nodes (as declared, with
 * each node's outcome and its units' counts) and where its long steps stand (done of total, rate, ETA).
 */
import { Schema } from "effect"
import { ProgressFields, type RunEvent } from "../../schemas/Store.ts"
import type { RunRecord } from "../core/Journal.ts"
import { runState } from "../report/Status.ts"
import { finite, Num } from "./Json.ts"

const Counts = Schema.Struct({ hit: Schema.Int, computed: Schema.Int, failed: Schema.Int })
type Counts = { hit: number; computed: number; failed: number }

export const NodeStatus = Schema.Literals(["hit", "computed", "failed", "running", "waiting", "not run"])

export const NodeView = Schema.Struct({
  id: Schema.String,
  step: Schema.String,
  /** The nodes its inputs come from (empty for a journal written before graphs were recorded). */
  inputs: Schema.Array(Schema.String),
  status: NodeStatus,
  ms: Num,
  key: Schema.NullOr(Schema.String),
  error: Schema.NullOr(Schema.String),
  /** Its cached units (trials, batches, shards) by outcome. */
  units: Counts
})
export type NodeView = typeof NodeView.Type

/** A long step's latest progress line, with the rate since it started and the time left at that rate. */
export const ProgressView = Schema.Struct({ ...ProgressFields, perSecond: Num, etaSeconds: Num })
export type ProgressView = typeof ProgressView.Type

export const RunSummary = Schema.Struct({
  runId: Schema.String,
  pipeline: Schema.String,
  state: Schema.Literals(["running", "finished", "failed", "interrupted"]),
  started: Schema.NullOr(Schema.String),
  ended: Schema.NullOr(Schema.String),
  nodes: Counts,
  units: Counts,
  /** What could not be read, in words. */
  problems: Schema.Array(Schema.String)
})
export type RunSummary = typeof RunSummary.Type

export const RunDetail = Schema.Struct({
  ...RunSummary.fields,
  graph: Schema.Array(NodeView),
  progress: Schema.Array(ProgressView),
  /** Which result views the run has: cross-validation nodes, search nodes. */
  results: Schema.Struct({ cv: Schema.Boolean, search: Schema.Boolean })
})
export type RunDetail = typeof RunDetail.Type

/** The nodes whose results the views show: cross-validations, and searches (with a table or without). */
export const isCv = (n: { readonly step: string }) => n.step === "cross-validate"
export const isSearch = (n: { readonly step: string }) => n.step === "search" || n.step === "search-open"

type NodeEvent = Extract<RunEvent, { event: "node" }>

/** A unit's events name it `<node>[<which>]` with a step `<step>.<unit>`. */
const isUnit = (e: NodeEvent) => e.step.includes(".") && e.node.endsWith("]")
const parentOf = (e: NodeEvent) => e.node.slice(0, e.node.lastIndexOf("["))

const count = (events: ReadonlyArray<NodeEvent>): Counts => ({
  hit: events.filter((e) => e.status === "hit").length,
  computed: events.filter((e) => e.status === "computed").length,
  failed: events.filter((e) => e.status === "failed").length
})

const nodeEvents = (run: RunRecord) => run.events.filter((e): e is NodeEvent => e.event === "node")

export const summary = (run: RunRecord): RunSummary => {
  const start = run.events.find((e) => e.event === "start")
  const end = run.events.find((e) => e.event === "end")
  const nodes = nodeEvents(run)
  const problems: Array<string> = []
  if (start === undefined) problems.push("the journal has no start event")
  if (run.unreadable > 0) problems.push(`${run.unreadable} line${run.unreadable === 1 ? "" : "s"} of the journal could not be read (cut short by a crash, or damaged)`)
  return {
    runId: run.runId,
    pipeline: start?.event === "start" ? start.pipeline : "(unknown)",
    state: runState(run),
    started: start?.event === "start" ? start.at : null,
    ended: end?.event === "end" ? end.at : null,
    nodes: count(nodes.filter((e) => !isUnit(e))),
    units: count(nodes.filter(isUnit)),
    problems
  }
}

const progressOf = (events: ReadonlyArray<RunEvent>): Array<ProgressView> => {
  const latest = new Map<string, Extract<RunEvent, { event: "progress" }>>()
  for (const e of events) if (e.event === "progress") latest.set(e.label, e)
  return [...latest.values()].map((p) => {
    const seconds = (Date.parse(p.at) - Date.parse(p.started)) / 1000
    const perSecond = seconds > 0 && p.done > 0 ? p.done / seconds : null
    return {
      label: p.label,
      done: p.done,
      total: p.total,
      started: p.started,
      at: p.at,
      perSecond: finite(perSecond),
      etaSeconds: perSecond === null ? null : finite((p.total - p.done) / perSecond)
    }
  })
}

export const detail = (run: RunRecord): RunDetail => {
  const base = summary(run)
  const events = nodeEvents(run)
  const outcomes = new Map<string, NodeEvent>()
  const units = new Map<string, Array<NodeEvent>>()
  for (const e of events) {
    if (isUnit(e)) units.set(parentOf(e), [...(units.get(parentOf(e)) ?? []), e])
    else outcomes.set(e.node, e)
  }
  // Declared nodes in order; a journal from before declarations were recorded lists the nodes it finished.
  const declared = run.events.flatMap((e) => (e.event === "declared" ? [{ id: e.node, step: e.step, inputs: e.inputs }] : []))
  const nodes = declared.length > 0 ? declared : [...outcomes.values()].map((e) => ({ id: e.node, step: e.step, inputs: [] as ReadonlyArray<string> }))
  const done = (id: string) => {
    const status = outcomes.get(id)?.status
    return status === "hit" || status === "computed"
  }
  const graph = nodes.map((n): NodeView => {
    const outcome = outcomes.get(n.id)
    return {
      id: n.id,
      step: n.step,
      inputs: n.inputs,
      status: outcome?.status ?? (base.state !== "running" ? "not run" : n.inputs.every(done) ? "running" : "waiting"),
      ms: outcome?.ms ?? null,
      key: outcome === undefined || outcome.key === "" ? null : outcome.key,
      error: outcome?.error ?? null,
      units: count(units.get(n.id) ?? [])
    }
  })
  return {
    ...base,
    graph,
    progress: progressOf(run.events),
    results: { cv: graph.some(isCv), search: graph.some(isSearch) }
  }
}
