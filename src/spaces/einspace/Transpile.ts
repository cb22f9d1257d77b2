/**
 * The code text (docs/einspace.md): one `Network(nn.Module)` class, one statement per tree node in
 * post-order, attributes named `<kind>_<n>` with a counter per kind. It names the reference's module
 * classes without defining them: text for a language model to read, never to run.
 */
import { type Kind, operations } from "./Grammar.ts"
import type { Node } from "./Tree.ts"

const list = (xs: ReadonlyArray<number>) => `[${xs.join(", ")}]`

const terminalExpression = (node: Node): string => {
  const operation = operations.get(node.op)!
  const s = node.in.shape
  const a = operation.args
  switch (operation.kind) {
    case "clone":
      return `CloneTensor(num_clones=${a[0]})`
    case "group":
      return `GroupDim(splits=${a[0]}, dim=${a[1]}, dim_total=${s[a[1]!]})`
    case "add":
      return "AddTensors()"
    case "cat":
      return `CatTensors(dim=${a[1]})`
    case "dot_product":
      return `DotProduct(scaled=${operation.scaled ? "True" : "False"})`
    case "identity":
      return "nn.Identity()"
    case "perm":
      return `Permute(dims=${list(a)})`
    case "im2col":
      return `Im2Col(input_shape=${list(s)}, kernel_size=${a[0]}, stride=${a[1]}, padding=${a[2]})`
    case "col2im":
      return `Col2Im(output_shape=${list(node.in.lastIm!)})`
    case "linear":
      return `nn.Linear(${s[s.length - 1]}, ${a[0]})`
    case "norm":
      return s.length === 4 ? `nn.BatchNorm2d(${s[1]})` : `nn.BatchNorm1d(${s[1]})`
    case "relu":
      return "nn.ReLU()"
    case "softmax":
      return "nn.Softmax(dim=-1)"
    case "pos_enc":
      return `LearnablePositionalEncoding(input_shape=${list(s)})`
    default:
      throw new Error(`not a terminal: ${node.op}`)
  }
}

const I2 = " ".repeat(8)
const I3 = " ".repeat(12)

const multiLine = (name: string, constructor: string, args: ReadonlyArray<string>) =>
  `${I2}self.${name} = ${constructor}(\n${args.map((a) => I3 + a).join(",\n")}\n${I2})`

/** The PyTorch class text of an inferred tree; no trailing newline. */
export const transpile = (root: Node): string => {
  const counters = new Map<Kind, number>()
  const statements: Array<string> = []
  const emit = (node: Node): string => {
    const childNames = node.children.map(emit)
    const kind = operations.get(node.op)!.kind
    const n = counters.get(kind) ?? 0
    counters.set(kind, n + 1)
    const name = `${kind}_${n}`
    const self = (i: number) => `self.${childNames[i]}`
    switch (kind) {
      case "computation":
        statements.push(`${I2}self.${name} = ComputationModule(computation_fn=${self(0)})`)
        break
      case "sequential":
        statements.push(multiLine(name, "SequentialModule", [`first_fn=${self(0)}`, `second_fn=${self(1)}`]))
        break
      case "routing":
        statements.push(multiLine(name, "RoutingModule", [`prerouting_fn=${self(0)}`, `inner_fn=${self(1)}`, `postrouting_fn=${self(2)}`]))
        break
      case "branching": {
        // branching(4|8) lists its single inner subtree once, as the paper's figure does.
        const inner = childNames.slice(1, -1).map((c) => `self.${c}`).join(", ")
        statements.push(multiLine(name, "BranchingModule", [
          `branching_fn=${self(0)}`,
          `inner_fn=nn.ModuleList([${inner}])`,
          `aggregation_fn=${self(childNames.length - 1)}`
        ]))
        break
      }
      default:
        statements.push(`${I2}self.${name} = ${terminalExpression(node)}`)
    }
    return name
  }
  const rootName = emit(root)
  return [
    "class Network(nn.Module):",
    "    def __init__(self):",
    "        super(Network, self).__init__()",
    ...statements,
    "    def forward(self, x):",
    `        return self.${rootName}(x)`
  ].join("\n")
}
