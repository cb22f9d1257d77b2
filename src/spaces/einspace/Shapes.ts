/**
 * Flows and the terminal rules (docs/einspace.md): when an operation is valid for its
 * input, what it outputs, the tensor cap and the trainable parameters. Shapes include the batch axis.
 */
import type { Mode, Validity } from "../../../schemas/Einspace.ts"
import type { Operation } from "./Grammar.ts"

export type Shape = ReadonlyArray<number>

export interface Flow {
  /** Batch-inclusive, rank 3 or 4, shape[0] = 1. */
  readonly shape: Shape
  readonly mode: Mode
  /** (Ho, Wo) of the most recent im2col on this data path; never cleared. */
  readonly lastIm: readonly [number, number] | null
}

export const sameShape = (a: Shape, b: Shape): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Equal once axis d is deleted from both. */
const sameExceptAxis = (a: Shape, b: Shape, d: number): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (i !== d && a[i] !== b[i]) return false
  return true
}

/** a[0..n) equals b[0..m) (same length and entries). */
const samePrefix = (a: Shape, n: number, b: Shape, m: number): boolean => {
  if (n !== m) return false
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false
  return true
}

/** Output side of an im2col: ⌊(H + 2·pd − k)/st⌋ + 1 by the same for W. */
const unfolded = (s: Shape, [k, st, pd]: ReadonlyArray<number>) =>
  [Math.floor((s[2]! + 2 * pd! - k!) / st!) + 1, Math.floor((s[3]! + 2 * pd! - k!) / st!) + 1] as const

/** Whether a terminal accepts its input flow (and, for an aggregation, the other operand's shape). */
export const isValid = (operation: Operation, flow: Flow, other: Shape | null, validity: Validity): boolean => {
  const s = flow.shape
  const r = s.length
  const a = operation.args
  switch (operation.kind) {
    case "group": {
      const k = a[0]!, d = a[1]!
      return r > d && s[d]! >= k && s[d]! % k === 0
    }
    case "add":
      return other !== null && sameShape(s, other)
    case "cat": {
      const d = a[1]!
      return other !== null && r > d && other.length > d && sameExceptAxis(s, other, d)
    }
    case "dot_product":
      return other !== null && s[r - 1] === other[other.length - 2] && samePrefix(s, r - 2, other, other.length - 2)
    case "perm":
      return r === a.length
    case "im2col": {
      const k = a[0]!, pd = a[2]!
      if (r !== 4) return false
      return validity === "strict"
        ? flow.mode === "im" && s[2]! >= k && s[3]! >= k
        : s[2]! + 2 * pd >= k && s[3]! + 2 * pd >= k
    }
    case "col2im":
      return r === 3 && (validity === "lenient" || flow.mode === "col") && flow.lastIm !== null &&
        s[1] === flow.lastIm[0] * flow.lastIm[1]
    case "linear":
      return s[r - 1]! > 0
    default: // clone, identity, norm, relu, softmax, pos_enc; module operations
      return true
  }
}

const reshaped = (flow: Flow, shape: Shape): Flow => ({ shape, mode: flow.mode, lastIm: flow.lastIm })

/** A valid terminal's output flow. Aggregations keep the main operand's mode and lastIm. */
export const terminalOut = (operation: Operation, flow: Flow, other: Shape | null, modeAfterCol2im: Mode): Flow => {
  const s = flow.shape
  const r = s.length
  const a = operation.args
  switch (operation.kind) {
    case "group": {
      const d = a[1]!
      return reshaped(flow, s.map((x, i) => (i === d ? x / a[0]! : x)))
    }
    case "cat": {
      const k = a[0]!, d = a[1]!
      return reshaped(flow, s.map((x, i) => (i === d ? (k === 2 ? x + other![d]! : k * x) : x)))
    }
    case "dot_product":
      return reshaped(flow, [...s.slice(0, r - 1), other![other!.length - 1]!])
    case "perm":
      return reshaped(flow, a.map((p) => s[p]!))
    case "im2col": {
      const [ho, wo] = unfolded(s, a)
      return { shape: [1, ho * wo, a[0]! * a[0]! * s[1]!], mode: "col", lastIm: [ho, wo] }
    }
    case "col2im":
      return { shape: [1, s[2]!, flow.lastIm![0], flow.lastIm![1]], mode: modeAfterCol2im, lastIm: flow.lastIm }
    case "linear":
      return reshaped(flow, [...s.slice(0, r - 1), a[0]!])
    default: // clone, add, identity, norm, relu, softmax, pos_enc
      return flow
  }
}

const product = (s: Shape, from = 0) => {
  let p = 1
  for (let i = from; i < s.length; i++) p *= s[i]!
  return p
}

/** The resource cap: the input, and what im2col and linear materialise, stay below `cap` elements. */
export const withinCap = (operation: Operation, flow: Flow, cap: number): boolean => {
  const s = flow.shape
  if (!(product(s) < cap)) return false
  if (operation.kind === "im2col") {
    const [ho, wo] = unfolded(s, operation.args)
    const k = operation.args[0]!
    return ho * wo * k * k * s[1]! < cap
  }
  if (operation.kind === "linear") return s[s.length - 1]! * operation.args[0]! < cap
  return true
}

/** Trainable parameters of a terminal for its input shape. */
export const parameters = (operation: Operation, flow: Flow): number => {
  const s = flow.shape
  switch (operation.kind) {
    case "linear":
      return s[s.length - 1]! * operation.args[0]! + operation.args[0]!
    case "norm":
      return 2 * s[1]!
    case "pos_enc":
      return product(s, 1)
    default:
      return 0
  }
}

/** A shape as printed in strings: without the batch axis, `[a, b, c]`. */
export const printShape = (s: Shape): string => `[${s.slice(1).join(", ")}]`
