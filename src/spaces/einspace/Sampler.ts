/**
 * Random sampling and mutation (docs/einspace.md): pre-order construction with chronological
 * backtracking, the lazy generators of docs/einspace.md written as explicit enumerators (each node position yields
 * candidate subtrees; a module's children are nested loops, the last child varying fastest), bounded by
 * a draw budget per attempt and a number of attempts. Random numbers are consumed only by weighted
 * picks and node choices.
 */
import { Data } from "effect"
import type { Options, Tree } from "../../../schemas/Einspace.ts"
import type { Rng } from "../../core/Rng.ts"
import { type Level, type Operation, operations, type Production, productions } from "./Grammar.ts"
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

/** What every position of one attempt shares. */
interface Search {
  readonly attempt: Attempt
  readonly limits: Limits
  readonly rng: Rng
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

/** The options the sampler may choose from at a position, in grammar order (docs/einspace.md). */
export const validOptions = (
  level: Level, flow: Flow, other: Shape | null, depth: number, options: Options, index = 1
): Array<string> => {
  const mask = validMask(level, flow, other, depth, index, limitsOf(options), null)
  return productions[level].flatMap((p, i) => (mask & (1 << i) ? [p.operation.name] : []))
}

/**
 * The candidate subtrees of one node position, in the order the documented generator yields them: draw an
 * option among the valid, untried ones; a terminal is one candidate, a module as many as its children
 * enumerator yields. `next()` returns null when the position is exhausted (the caller backtracks).
 * Written as explicit state rather than a generator function: sampling is dominated by resuming these.
 */
class Position {
  private open: number
  private module: Operation | null = null
  private children: Children | null = null

  constructor(
    private readonly level: Level,
    private readonly flow: Flow,
    private readonly other: Shape | null,
    private readonly depth: number,
    index: number,
    private readonly search: Search,
    exclude: string | null = null
  ) {
    // Options are fixed per position (the flow does not change), so validity is computed once, as a bit
    // mask in grammar order; drawn options leave the mask.
    this.open = validMask(level, flow, other, depth, index, search.limits, exclude)
  }

  next(): Node | null {
    while (true) {
      if (this.children !== null) {
        const children = this.children.next()
        if (children !== null) {
          return { op: this.module!.name, level: this.level, depth: this.depth, children, in: this.flow, out: children[children.length - 1]!.out, other: null }
        }
        this.children = null
      }
      if (this.open === 0) return null
      const { attempt, limits, rng } = this.search
      if (++attempt.draws > limits.maxDraws) throw DRAWS
      const options = productions[this.level]
      const picked = weightedPick(options, this.open, rng)
      this.open &= ~(1 << picked)
      const operation = options[picked]!.operation
      if (!withinCap(operation, this.flow, limits.cap)) throw CAP
      if (operation.children === null) {
        const out = terminalOut(operation, this.flow, this.other, limits.modeAfterCol2im)
        return { op: operation.name, level: this.level, depth: this.depth, children: [], in: this.flow, out, other: this.other }
      }
      const first = attempt.nextIndex
      attempt.nextIndex += operation.children.length
      this.module = operation
      this.children = new Children(operation.children, this.flow, this.depth + 1, first, this.search)
    }
  }
}

/**
 * A module's children as nested loops over fresh positions, the last child varying fastest (an
 * odometer): when child i is exhausted, child i − 1 advances and child i starts afresh from its input.
 */
class Children {
  private readonly positions: Array<Position | null>
  private readonly values: Array<Node>
  private started = false

  constructor(
    private readonly levels: ReadonlyArray<Level>,
    private readonly flow: Flow,
    private readonly depth: number,
    private readonly first: number,
    private readonly search: Search
  ) {
    this.positions = new Array(levels.length).fill(null)
    this.values = new Array(levels.length)
  }

  /** Child i's position, given the values of the children before it (docs/einspace.md data flow). */
  private open(i: number): Position {
    const v = this.values
    const n = this.levels.length
    let flow = this.flow
    let other: Shape | null = null
    if (i > 0) {
      if (this.levels[0]!.startsWith("branching_fn")) {
        // branching: inner modules read the branching function's output; the aggregation reads the
        // (first) inner module's output, its other operand the second's (branching(2)) or its own.
        if (i === n - 1) {
          flow = v[1]!.out
          other = v[n === 4 ? 2 : 1]!.out.shape
        } else flow = v[0]!.out
      } else flow = v[i - 1]!.out // sequential, routing: each child reads the previous sibling
    }
    return new Position(this.levels[i]!, flow, other, this.depth, this.first + i, this.search)
  }

  next(): Array<Node> | null {
    const n = this.levels.length
    let i: number
    if (!this.started) {
      this.started = true
      i = 0
      this.positions[0] = this.open(0)
    } else i = n - 1
    while (true) {
      const value = this.positions[i]!.next()
      if (value === null) {
        if (i === 0) return null
        i--
        continue
      }
      this.values[i] = value
      if (i === n - 1) return this.values.slice()
      i++
      this.positions[i] = this.open(i)
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
      const tree = new Position("network", inputFlow(options), null, 0, 1, { attempt: { draws: 0, nextIndex: 2 }, limits, rng }).next()
      if (tree === null) continue
      if (accept !== undefined && !accept(tree)) {
        abandoned.rejected++
        continue
      }
      return { tree, attempts: attempt, abandoned }
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
      const r = new Position(n.level, n.in, n.other, n.depth, 1, { attempt: { draws: 0, nextIndex: 2 }, limits, rng }, exclude).next()
      if (r === null) continue
      replacement = r
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
