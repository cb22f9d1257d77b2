/**
 * The COLE transpiler for NB201 (spec/nb201.md): an architecture as the text of a PyTorch `Cell`, in
 * three verbosity modes, with an optional prepended context (add-on). Lines are joined with "\n", four
 * spaces indent, no trailing newline, no imports.
 */
import type { Arch, TranspileOptions } from "../../../schemas/Nb201.ts"
import { NONE, SKIP, STRING_EDGES } from "./Ops.ts"
import { BACKBONE_DEPENDENCIES, BACKBONE_NETWORK, COMMENT, HELPER } from "./Texts.ts"

const sequential = (kernel: number, padding: number) =>
  `nn.Sequential(nn.ReLU(inplace=False), nn.Conv2d(channels, channels, kernel_size=${kernel}, stride=1, padding=${padding}, bias=False), nn.BatchNorm2d(channels))`

// Module text by NASLib op index; skip_connect and none have none.
const HELPER_MODULES: ReadonlyArray<string | undefined> = [
  undefined,
  undefined,
  "ReLU_Conv2d_BatchNorm(channels, kernel_size=3, stride=1, padding=1)",
  "ReLU_Conv2d_BatchNorm(channels, kernel_size=1, stride=1, padding=0)",
  "nn.AvgPool2d(kernel_size=3, stride=1, padding=1)"
]
const INLINE_MODULES: ReadonlyArray<string | undefined> = [
  undefined,
  undefined,
  sequential(3, 1),
  sequential(1, 0),
  "nn.AvgPool2d(kernel_size=3, stride=1, padding=1)"
]

/** The Cell class: module lines in string edge order, then the forward pass node by node. */
export const cell = (arch: Arch, inline: boolean): string => {
  const modules = inline ? INLINE_MODULES : HELPER_MODULES
  const lines = ["class Cell(nn.Module):", "    def __init__(self, channels):", "        super().__init__()"]
  for (const { source, target, position } of STRING_EDGES) {
    const module = modules[arch[position]!]
    if (module !== undefined) lines.push(`        self.op_${source}_${target} = ${module}`)
  }
  lines.push("", "    def forward(self, x):", "        node_0 = x")
  for (let target = 1; target <= 3; target++) {
    const terms: Array<string> = []
    for (const { source, position } of STRING_EDGES.filter((e) => e.target === target)) {
      const op = arch[position]!
      if (op === SKIP) terms.push(`node_${source}`)
      else if (op !== NONE) terms.push(`self.op_${source}_${target}(node_${source})`)
    }
    lines.push(`        node_${target} = ${terms.length === 0 ? "torch.zeros_like(node_0)" : terms.join(" + ")}`)
  }
  lines.push("        return node_3")
  return lines.join("\n")
}

export const transpile = (arch: Arch, options: TranspileOptions): string => {
  const body = options.mode === "helper"
    ? `${HELPER}\n\n${cell(arch, false)}`
    : cell(arch, options.mode === "inline")
  switch (options.addon) {
    case "none":
      return body
    case "comment":
      return `${COMMENT}\n\n${body}`
    case "backbone":
      return `${BACKBONE_DEPENDENCIES}\n\n${body}\n\n${BACKBONE_NETWORK}`
  }
}
