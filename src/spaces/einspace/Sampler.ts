/**
 * Random sampling and mutation (spec/einspace.md §5–6): pre-order construction with chronological
 * backtracking, written as the spec's lazy generators (each node position yields candidate subtrees; a
 * module's children are nested loops, the last child varying fastest), bounded by a draw budget per
 * attempt and a number of attempts. Random numbers are consumed only by weighted picks and node choices.
 */
import { Data } from "effect"
import type { Options, Tree } from "../../../schemas/Einspace.ts"
import type { Rng } from "../../core/Rng.ts"
import { type Level, operations, type Production, productions } from "./Grammar.ts"
import { type Flow, isValid, type Shape, terminalOut, withinCap } from "./Shapes.ts"
import { Failure, infer, inferOrThrow, inputFlow, type Node, preOrder } from "./Tree.ts"

export class SamplingFailed extends Data.TaggedError("SamplingFailed")<{ readonly attempts: number }> {
  override get message() {
    return `einspace sampling failed: no valid architecture in ${this.attempts} attempts`
  }
}

/** Why an attempt was abandoned. */
class Restart {
  constructor(readonly cause: "draws" | "cap") {}
}
const DRAWS = new Restart("draws")
const CAP = new Restart("cap")

interface Attempt {
  draws: number
  nextIndex: number
}

/** The sampler's limits; `depthLimit: null` (parse-only) samples with the default 20. */
const limitsOf = (options: Options) => ({
  depthLimit: options.depthLimit ?? 20,
  maxNodes: options.maxNodes,
  cap: options.maxTensorElements,
  maxDraws: options.maxDraws,
  modeAfterCol2im: options.modeAfterCol2im
})
type Limits = ReturnType<typeof limitsOf>

/**
 * One draw among the options whose bit is set in `mask` (grammar order): u = rng(); the first option
 * whose running weight sum exceeds u × total, else the last one.
 */
const weightedPick = (options: ReadonlyArray<Production>, mask: number, rng: Rng): number => {
  let total = 0
  for (let i = 0; i < options.length; i++) if (mask & (1 << i)) total += options[i]!.weight
  const t = rng.next() * total
  let running = 0
  let last = -1
  for (let i = 0; i < options.length; i++) {
    if (!(mask & (1 << i))) continue
    running += options[i]!.weight
    if (running > t) return i
    last = i
  }
  return last
}

const module = (op: string, level: Level, depth: number, children: ReadonlyArray<Node>, flow: Flow): Node => ({
  op, level, depth, children, in: flow, out: children[children.length - 1]!.out, other: null
})

/** Bit i set: option i of the level (grammar order) is valid here and allowed by the limits. */
const validMask = (
  level: Level, flow: Flow, other: Shape | null, depth: number, index: number,
  limits: Pick<Limits, "depthLimit" | "maxNodes">, exclude: string | null
): number => {
  const options = productions[level]
  const restricted = level === "module" && (depth >= limits.depthLimit || index >= limits.maxNodes)
  let mask = 0
  for (let i = 0; i < options.length; i++) {
    const operation = options[i]!.operation
    if (operation.name === exclude || (restricted && operation.kind !== "computation")) continue
    if (isValid(operation, flow, other, "strict")) mask |= 1 << i
  }
  return mask
}

/** The options the sampler may choose from at a position, in grammar order (spec §3.6). */
export const validOptions = (
  level: Level, flow: Flow, other: Shape | null, depth: number, options: Options, index = 1
): Array<string> => {
  const mask = validMask(level, flow, other, depth, index, limitsOf(options), null)
  return productions[level].flatMap((p, i) => (mask & (1 << i) ? [p.operation.name] : []))
}

function* generate(
  level: Level, flow: Flow, other: Shape | null, depth: number, index: number,
  attempt: Attempt, limits: Limits, rng: Rng, exclude: string | null = null
): Generator<Node, void, undefined> {
  const options = productions[level]
  // Options are fixed per position (the flow does not change), so validity is computed once, as a bit
  // mask in grammar order; drawn options leave the mask.
  let open = validMask(level, flow, other, depth, index, limits, exclude)
  while (open !== 0) {
    if (++attempt.draws > limits.maxDraws) throw DRAWS
    const picked = weightedPick(options, open, rng)
    open &= ~(1 << picked)
    const operation = options[picked]!.operation
    if (!withinCap(operation, flow, limits.cap)) throw CAP
    if (operation.children === null) {
      yield { op: operation.name, level, depth, children: [], in: flow, out: terminalOut(operation, flow, other, limits.modeAfterCol2im), other }
      continue
    }
    const first = attempt.nextIndex
    attempt.nextIndex += operation.children.length
    for (const children of generateChildren(operation.children, flow, depth + 1, first, attempt, limits, rng)) {
      yield module(operation.name, level, depth, children, flow)
    }
  }
  // exhausted: the caller backtracks
}

/** A module's children as nested loops over fresh generators, the last child varying fastest. */
function* generateChildren(
  levels: ReadonlyArray<Level>, flow: Flow, d: number, first: number, attempt: Attempt, limits: Limits, rng: Rng
): Generator<ReadonlyArray<Node>, void, undefined> {
  const [l0, l1, l2, l3] = levels as [Level, Level, Level, Level]
  if (levels.length === 1) { // computation
    for (const a of generate(l0, flow, null, d, first, attempt, limits, rng)) yield [a]
  } else if (levels.length === 2) { // sequential
    for (const a of generate(l0, flow, null, d, first, attempt, limits, rng)) {
      for (const b of generate(l1, a.out, null, d, first + 1, attempt, limits, rng)) yield [a, b]
    }
  } else if (l0 === "prerouting_fn") { // routing
    for (const a of generate(l0, flow, null, d, first, attempt, limits, rng)) {
      for (const b of generate(l1, a.out, null, d, first + 1, attempt, limits, rng)) {
        for (const c of generate(l2, b.out, null, d, first + 2, attempt, limits, rng)) yield [a, b, c]
      }
    }
  } else if (levels.length === 4) { // branching(2): both inner modules read the branching function's output
    for (const f of generate(l0, flow, null, d, first, attempt, limits, rng)) {
      for (const i1 of generate(l1, f.out, null, d, first + 1, attempt, limits, rng)) {
        for (const i2 of generate(l2, f.out, null, d, first + 2, attempt, limits, rng)) {
          for (const z of generate(l3, i1.out, i2.out.shape, d, first + 3, attempt, limits, rng)) yield [f, i1, i2, z]
        }
      }
    }
  } else { // branching(4|8): one inner module; the aggregation's other operand is its own output
    for (const f of generate(l0, flow, null, d, first, attempt, limits, rng)) {
      for (const i of generate(l1, f.out, null, d, first + 1, attempt, limits, rng)) {
        for (const z of generate(l2, i.out, i.out.shape, d, first + 2, attempt, limits, rng)) yield [f, i, z]
      }
    }
  }
}

export interface Sampled {
  readonly tree: Node
  readonly attempts: number
  /** Attempts abandoned at the draw budget, at the tensor cap, or rejected by `accept`. */
  readonly abandoned: { readonly draws: number; readonly cap: number; readonly rejected: number }
}

/** `sample` with its bookkeeping: attempts used and why the others were abandoned. */
export const sampleDetailed = (rng: Rng, options: Options, accept?: (tree: Node) => boolean): Sampled => {
  const limits = limitsOf(options)
  const abandoned = { draws: 0, cap: 0, rejected: 0 }
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    try {
      const r = generate("network", inputFlow(options), null, 0, 1, { draws: 0, nextIndex: 2 }, limits, rng).next()
      if (r.done) continue
      if (accept !== undefined && !accept(r.value)) {
        abandoned.rejected++
        continue
      }
      return { tree: r.value, attempts: attempt, abandoned }
    } catch (e) {
      if (!(e instanceof Restart)) throw e
      abandoned[e.cause]++
    }
  }
  throw new SamplingFailed({ attempts: options.maxAttempts })
}

/** A random valid architecture; throws SamplingFailed after `maxAttempts` abandoned attempts. */
export const sample = (rng: Rng, options: Options, accept?: (tree: Node) => boolean): Node =>
  sampleDetailed(rng, options, accept).tree

/** Whether every node's operation is within the tensor cap for its input. */
const allWithinCap = (tree: Node, cap: number): boolean =>
  preOrder(tree).every((n) => withinCap(operationOf(n), n.in, cap))

const operationOf = (node: Tree) => operations.get(node.op)!

/** The tree with the subtree at `path` replaced. */
const replaceAt = (tree: Tree, path: ReadonlyArray<number>, replacement: Tree, from = 0): Tree =>
  from === path.length
    ? replacement
    : { op: tree.op, children: tree.children.map((c, i) => (i === path[from] ? replaceAt(c, path, replacement, from + 1) : c)) }

/** Node paths in pre-order, matching `preOrder`. */
const pathsInPreOrder = (tree: Tree): Array<ReadonlyArray<number>> => {
  const out: Array<ReadonlyArray<number>> = []
  const visit = (node: Tree, path: ReadonlyArray<number>) => {
    out.push(path)
    node.children.forEach((c, i) => visit(c, [...path, i]))
  }
  visit(tree, [])
  return out
}

export interface Mutated {
  readonly tree: Node
  /** Mutation attempts used (the successful one included). */
  readonly attempts: number
  /** Whether every attempt failed and the result is a fresh sample. */
  readonly fallback: boolean
  /** Pre-order index in the parent of the node that was replaced (null after a fallback). */
  readonly replaced: number | null
}

/** `mutate` with its bookkeeping. The parent must be valid under strict rules. */
export const mutateDetailed = (parent: Tree, rng: Rng, options: Options): Mutated => {
  const strict: Options = { ...options, validity: "strict" }
  const t = infer(parent, strict) // throws EinspaceError for an invalid parent
  const nodes = preOrder(t)
  const paths = pathsInPreOrder(t)
  const limits = limitsOf(strict)
  for (let attempt = 1; attempt <= options.mutationAttempts; attempt++) {
    const chosen = Math.floor(rng.next() * nodes.length)
    const n = nodes[chosen]!
    // A terminal always changes; a module may keep its operation (with new children).
    const exclude = n.children.length === 0 ? n.op : null
    let replacement: Node
    try {
      const r = generate(n.level, n.in, n.other, n.depth, 1, { draws: 0, nextIndex: 2 }, limits, rng, exclude).next()
      if (r.done) continue
      replacement = r.value
    } catch (e) {
      if (!(e instanceof Restart)) throw e
      continue
    }
    let candidate: Node
    try {
      candidate = inferOrThrow(replaceAt(t, paths[chosen]!, replacement), strict)
    } catch (e) {
      if (!(e instanceof Failure)) throw e
      continue // e.g. a downstream aggregation no longer fits
    }
    if (!allWithinCap(candidate, limits.cap)) continue
    return { tree: candidate, attempts: attempt, fallback: false, replaced: chosen }
  }
  return { tree: sample(rng, options), attempts: options.mutationAttempts, fallback: true, replaced: null }
}

/** One node replaced by a freshly sampled subtree, re-checked strictly; a fresh sample after `mutationAttempts` failures. */
export const mutate = (parent: Tree, rng: Rng, options: Options): Node => mutateDetailed(parent, rng, options).tree
