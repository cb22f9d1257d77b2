/** Trainable parameters of the network a tree describes (docs/einspace.md). */
import { operations } from "./Grammar.ts"
import { parameters } from "./Shapes.ts"
import type { Node } from "./Tree.ts"

/** The terminals' parameters; inside the inner module of branching(4|8) each counts k times (nested: the product). */
export const paramCount = (root: Node): number => {
  const count = (node: Node, copies: number): number => {
    const operation = operations.get(node.op)!
    if (operation.children === null) return copies * parameters(operation, node.in)
    const replicated = operation.kind === "branching" && operation.args[0] !== 2
    return node.children.reduce((sum, child, i) => sum + count(child, replicated && i === 1 ? copies * operation.args[0]! : copies), 0)
  }
  return count(root, 1)
}
