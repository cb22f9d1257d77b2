/** einspace data contracts (docs/einspace.md): the derivation tree and the space's options. */
import { Schema } from "effect"

/** A derivation tree: an operation name exactly as printed, and its children (none for terminals). */
export interface Tree {
  readonly op: string
  readonly children: ReadonlyArray<Tree>
}
export const Tree = Schema.Struct({
  op: Schema.String,
  children: Schema.Array(Schema.suspend((): Schema.Codec<Tree> => Tree))
})

export const Mode = Schema.Literals(["im", "col"])
export type Mode = typeof Mode.Type

export const Validity = Schema.Literals(["strict", "lenient"])
export type Validity = typeof Validity.Type

const Positive = Schema.Int.check(Schema.isGreaterThan(0))

/** The space's options (docs/einspace.md); every field has the reference CIFAR-10 default. */
export const Options = Schema.Struct({
  /** The network input without the batch dimension: [C, H, W] for "im", [S, D] for "col". */
  input: Schema.Struct({ shape: Schema.Array(Positive), mode: Mode }),
  modeAfterCol2im: Mode,
  /** parse / infer / transpile only; sampling and mutation are always strict. */
  validity: Validity,
  /** null disables the parse / infer check; the sampler then uses the default 20. */
  depthLimit: Schema.NullOr(Positive),
  maxNodes: Positive,
  maxTensorElements: Positive,
  maxDraws: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  maxAttempts: Positive,
  mutationAttempts: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
})
export type Options = typeof Options.Type

export const defaultOptions: Options = {
  input: { shape: [3, 32, 32], mode: "im" },
  modeAfterCol2im: "col",
  validity: "strict",
  depthLimit: 20,
  maxNodes: 10_000,
  maxTensorElements: 2_684_354_560,
  maxDraws: 10_000,
  maxAttempts: 100,
  mutationAttempts: 10
}

/** The code text has one form (docs/einspace.md): no transpiler options, and any given is an error. */
export const TranspileOptions = Schema.Struct({}).check(
  Schema.makeFilter((o: object) => Object.keys(o).length === 0 || `einspace's code text takes no options, got ${Object.keys(o).join(", ")}`)
)
export type TranspileOptions = typeof TranspileOptions.Type
