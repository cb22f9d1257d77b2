/**
 * The string forms of an inferred tree (docs/einspace.md): the canonical long form with
 * `out_feature_shape` annotations, the short form with per-kind brackets, and the paper's pretty layout.
 */
import type { Tree } from "../../../schemas/Einspace.ts"
import { operations } from "./Grammar.ts"
import type { Node } from "./Tree.ts"

const annotation = (node: Node) => `{'out_feature_shape': [${node.out.shape.slice(1).join(", ")}]}`

/** The canonical string: modules `op[…]`, terminals `op{'out_feature_shape': […]}`. */
export const formatLong = (node: Node): string =>
  node.children.length === 0 ? node.op + annotation(node) : `${node.op}[${node.children.map(formatLong).join(", ")}]`

const shortBrackets: Readonly<Record<string, readonly [string, string]>> = {
  branching: ["{", "}"],
  sequential: ["(", ")"],
  routing: ["[", "]"],
  computation: ["<", ">"]
}

/** The input-independent short form: bare terminals, brackets by module kind. */
export const formatShort = (tree: Tree): string => {
  if (tree.children.length === 0) return tree.op
  const [open, close] = shortBrackets[operations.get(tree.op)!.kind]!
  return tree.op + open + tree.children.map(formatShort).join(", ") + close
}

/** The paper's layout: one line per terminal or computation module, `op[` / `]` lines for the rest. */
export const formatPretty = (node: Node): string =>
  node.children.length === 0 || node.op === "computation"
    ? formatLong(node)
    : `${node.op}[\n${node.children.map(formatPretty).join(",\n")}\n]`
