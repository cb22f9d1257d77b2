/**
 * einspace (docs/einspace.md) as the search-space interface. The architecture value is the derivation
 * tree; its canonical string is the long form. Options that change which trees are valid or how they
 * print (input, col2im mode, validity, depth limit) are part of the space's name, so they reach every
 * cache key that involves einspace trees.
 */
import { Result } from "effect"
import { defaultOptions, type Options, Tree, TranspileOptions } from "../../../schemas/Einspace.ts"
import type * as Rng from "../../core/Rng.ts"
import { ArchParseError, type Space } from "../../core/Space.ts"
import { paramCount } from "./ParamCount.ts"
import { parseOrThrow } from "./Parser.ts"
import { mutate, sample } from "./Sampler.ts"
import { formatLong, formatPretty, formatShort } from "./Strings.ts"
import { transpile } from "./Transpile.ts"
import { EinspaceError, infer, type Node } from "./Tree.ts"

/** Parses any accepted form into the inferred tree, or the typed error (reason, offset, line, column). */
export const parse = (text: string, options: Options = defaultOptions): Result.Result<Node, EinspaceError> => {
  try {
    return Result.succeed(parseOrThrow(text, options))
  } catch (e) {
    if (e instanceof EinspaceError) return Result.fail(e)
    throw e
  }
}

/**
 * A mutation that differs from its parent: search strategies want a new architecture, and a module
 * regenerated with identical children (rare, docs/einspace.md) is drawn again.
 */
export const mutateToNew = (parent: Tree, rng: Rng.Rng, options: Options): Node => {
  const before = formatShort(parent)
  for (let i = 0; i < 100; i++) {
    const child = mutate(parent, rng, options)
    if (formatShort(child) !== before) return child
  }
  throw new Error(`einspace: 100 mutations of ${before} all returned the parent`)
}

/** The parse error as the interface's problem text: reason, line and column, detail. */
const problemOf = (e: EinspaceError) =>
  "offset" in e.location ? `${e.reason} (line ${e.location.line}, column ${e.location.column}): ${e.detail}` : `${e.reason}: ${e.detail}`

/** The options that decide validity and printing, as a name suffix: "" for the defaults. */
const optionsSuffix = (options: Options) => {
  const parts: Array<string> = []
  if (options.input.mode !== "im" || options.input.shape.join() !== "3,32,32") parts.push(`input=${options.input.mode}:${options.input.shape.join("x")}`)
  if (options.modeAfterCol2im !== "col") parts.push(`col2im=${options.modeAfterCol2im}`)
  if (options.validity !== "strict") parts.push("lenient")
  if (options.depthLimit !== 20) parts.push(`depth=${options.depthLimit}`)
  for (const key of ["maxNodes", "maxTensorElements", "maxDraws", "maxAttempts", "mutationAttempts"] as const) {
    if (options[key] !== defaultOptions[key]) parts.push(`${key}=${options[key]}`)
  }
  return parts.length === 0 ? "" : `(${parts.join(",")})`
}

/** An einspace with the given options; the registry holds the one with the defaults. */
export const makeEinspace = (options: Options = defaultOptions): Space<Tree, TranspileOptions> => {
  const name = `einspace${optionsSuffix(options)}`
  // Trees this space produced are already inferred under its options; anything else is inferred here.
  const own = new WeakSet<Tree>()
  const mine = (node: Node) => {
    own.add(node)
    return node
  }
  const inferred = (tree: Tree): Node => (own.has(tree) ? (tree as Node) : mine(infer(tree, options)))
  return {
    name,
    version: 1,
    sources: [import.meta.url],
    arch: Tree,
    parse: (text) =>
      Result.mapBoth(parse(text, options), { onSuccess: mine, onFailure: (e) =>
        new ArchParseError({ space: name, input: text, position: "offset" in e.location ? e.location.offset : 0, problem: problemOf(e) }) }),
    format: (tree) => formatLong(inferred(tree)),
    sample: (rng: Rng.Rng) => mine(sample(rng, options)),
    mutate: (tree, rng: Rng.Rng) => mine(mutateToNew(tree, rng, options)),
    encodings: {},
    transpileOptions: TranspileOptions,
    defaultTranspileOptions: {},
    transpile: (tree) => transpile(inferred(tree)),
    forms: {
      short: formatShort,
      pretty: (tree) => formatPretty(inferred(tree))
    },
    shapes: (tree) => `${describeShapes(inferred(tree))}\nparameters: ${paramCount(inferred(tree))}`
  }
}

/** The tree, one node per line indented by depth, with level and inferred flows. */
export const describeShapes = (root: Node): string => {
  const lines: Array<string> = []
  const flow = (f: Node["in"]) =>
    `[${f.shape.slice(1).join(", ")}] ${f.mode}${f.lastIm === null ? "" : ` (${f.lastIm.join(", ")})`}`
  const visit = (node: Node) => {
    const other = node.other === null ? "" : `, other [${node.other.slice(1).join(", ")}]`
    lines.push(`${"  ".repeat(node.depth)}${node.op}  ${node.level}: ${flow(node.in)}${other} → ${flow(node.out)}`)
    node.children.forEach(visit)
  }
  visit(root)
  return lines.join("\n")
}

export const einspace = makeEinspace()
