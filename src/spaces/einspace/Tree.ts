/**
 * Inferred derivation trees and their checks (docs/einspace.md): structure (level,
 * child count, depth limit) in pre-order, then shape inference in data-flow order. A failure names the
 * node by its path; the parser turns that into an offset in the text.
 */
import { Data } from "effect"
import type { Options, Tree } from "../../../schemas/Einspace.ts"
import { type Level, operations } from "./Grammar.ts"
import { type Flow, isValid, printShape, type Shape, sameShape, terminalOut } from "./Shapes.ts"

/** A tree with everything inference derives: level, depth, flows and (aggregations) the other operand. */
export interface Node extends Tree {
  readonly children: ReadonlyArray<Node>
  readonly level: Level
  readonly depth: number
  readonly in: Flow
  readonly out: Flow
  readonly other: Shape | null
}

export type Reason = "Syntax" | "UnknownOperation" | "WrongLevel" | "ChildCount" | "DepthLimit" | "InvalidShape" | "ShapeMismatch"

/** Where a problem is: an offset into parsed text (with line and column), or a node path in a tree. */
export type Location =
  | { readonly offset: number; readonly line: number; readonly column: number }
  | { readonly path: string }

export class EinspaceError extends Data.TaggedError("EinspaceError")<{
  readonly reason: Reason
  readonly location: Location
  /** What was expected and what was found. */
  readonly detail: string
}> {
  override get message() {
    const where = "path" in this.location
      ? `at ${this.location.path}`
      : `at offset ${this.location.offset} (line ${this.location.line}, column ${this.location.column})`
    return `einspace ${this.reason} ${where}: ${this.detail}`
  }
}

/** The network input as a flow: batch axis 1 prepended. */
export const inputFlow = (options: Options): Flow => ({ shape: [1, ...options.input.shape], mode: options.input.mode, lastIm: null })

/** Thrown inside inference; carries the failing tree node so callers can locate it. */
export class Failure {
  constructor(readonly reason: Reason, readonly detail: string, readonly node: Tree, readonly path: ReadonlyArray<number>) {}
}

const describeFlow = (flow: Flow, other: Shape | null) =>
  `input ${printShape(flow.shape)} (mode ${flow.mode}${flow.lastIm === null ? "" : `, lastIm (${flow.lastIm.join(", ")})`})${other === null ? "" : ` and other ${printShape(other)}`}`

/**
 * Infers `tree` under `options`, or throws a Failure. `annotation` gives a terminal's annotated output
 * shape (printed form) when the text carried one; it is checked against inference.
 */
export const inferOrThrow = (tree: Tree, options: Options, annotation?: (node: Tree) => Shape | undefined): Node => {
  const path: Array<number> = []
  const fail = (reason: Reason, detail: string, node: Tree): never => {
    throw new Failure(reason, detail, node, [...path])
  }
  const limit = options.depthLimit

  const checkStructure = (node: Tree, level: Level, depth: number): void => {
    const operation = operations.get(node.op)
    if (operation === undefined) return fail("UnknownOperation", `unknown operation '${node.op}'`, node)
    if (!operation.levels.includes(level)) fail("WrongLevel", `'${node.op}' is not allowed at level ${level}`, node)
    const expected = operation.children?.length ?? 0
    if (node.children.length !== expected) {
      fail("ChildCount", `${node.op} takes ${expected} ${expected === 1 ? "child" : "children"}, found ${node.children.length}`, node)
    }
    if (level === "module" && limit !== null && depth >= limit && operation.kind !== "computation") {
      fail("DepthLimit", `'${node.op}' at depth ${depth} exceeds the depth limit ${limit}`, node)
    }
    node.children.forEach((child, i) => {
      path.push(i)
      checkStructure(child, operation.children![i]!, depth + 1)
      path.pop()
    })
  }

  const at = (node: Tree, i: number, level: Level, depth: number, flow: Flow, other: Shape | null): Node => {
    path.push(i)
    const built = build(node.children[i]!, level, depth, flow, other)
    path.pop()
    return built
  }

  const build = (node: Tree, level: Level, depth: number, flow: Flow, other: Shape | null): Node => {
    const operation = operations.get(node.op)!
    const levels = operation.children
    if (levels === null) {
      if (!isValid(operation, flow, other, options.validity)) {
        fail("InvalidShape", `${node.op} is not valid for ${describeFlow(flow, other)}`, node)
      }
      const out = terminalOut(operation, flow, other, options.modeAfterCol2im)
      const annotated = annotation?.(node)
      if (annotated !== undefined && !sameShape(annotated, out.shape.slice(1))) {
        fail("ShapeMismatch", `annotated [${annotated.join(", ")}], inferred ${printShape(out.shape)}`, node)
      }
      return { op: node.op, children: [], level, depth, in: flow, out, other }
    }
    const d = depth + 1
    let children: Array<Node>
    switch (operation.kind) {
      case "computation":
      case "sequential":
      case "routing": {
        // Each child reads what its previous sibling produced.
        children = []
        let current = flow
        for (let i = 0; i < levels.length; i++) {
          const child = at(node, i, levels[i]!, d, current, null)
          children.push(child)
          current = child.out
        }
        break
      }
      default: { // branching(k)
        const split = at(node, 0, levels[0]!, d, flow, null)
        if (levels.length === 4) {
          const first = at(node, 1, "module", d, split.out, null)
          const second = at(node, 2, "module", d, split.out, null)
          children = [split, first, second, at(node, 3, levels[3]!, d, first.out, second.out.shape)]
        } else {
          const inner = at(node, 1, "module", d, split.out, null)
          children = [split, inner, at(node, 2, levels[2]!, d, inner.out, inner.out.shape)]
        }
      }
    }
    return { op: node.op, children, level, depth, in: flow, out: children[children.length - 1]!.out, other: null }
  }

  checkStructure(tree, "network", 0)
  return build(tree, "network", 0, inputFlow(options), null)
}

const pathText = (path: ReadonlyArray<number>) => (path.length === 0 ? "/" : `/${path.join("/")}`)

/** Infers an in-memory tree; a failure names the node's path (`/1/0/2`, root `/`). */
export const infer = (tree: Tree, options: Options): Node => {
  try {
    return inferOrThrow(tree, options)
  } catch (e) {
    if (!(e instanceof Failure)) throw e
    throw new EinspaceError({ reason: e.reason, detail: e.detail, location: { path: pathText(e.path) } })
  }
}

/** Every node in pre-order (root, then children left to right). */
export const preOrder = <T extends Tree>(tree: T): Array<T> => {
  const out: Array<T> = []
  const visit = (node: T) => {
    out.push(node)
    for (const child of node.children) visit(child as T)
  }
  visit(tree)
  return out
}
