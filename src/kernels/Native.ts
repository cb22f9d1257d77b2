/**
 * The native build of the GEMM (both precisions) and the Adam step (native/kernels.cc), used in place of
 * their WebAssembly twins when it was built, from the source now on disk, and COLE_KERNELS is not
 * "wasm". Its results are the WebAssembly kernels' bit for bit (test/kernels/Native.test.ts), so which
 * one ran never changes an artifact; it is wider SIMD (AVX-512 or AVX2), chosen by the CPU at load.
 */
import { createHash } from "node:crypto"
import { existsSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"

type Gemm = (memory: ArrayBuffer, m: number, n: number, k: number, a: number, ars: number, acs: number, b: number, ldb: number, c: number, ldc: number, accumulate: number) => void

export interface Native {
  readonly gemm32: Gemm
  readonly gemm64: Gemm
  readonly adam32: (memory: ArrayBuffer, p: number, g: number, m: number, v: number, count: number, beta1: number, beta2: number, stepSize: number, epsHat: number) => void
  /** The instruction set the kernels run on: avx512f, avx2, sse2 or generic. */
  readonly isa: string
  /** sha256 of the kernels.cc it was built from. */
  readonly source: string
}

const binary = fileURLToPath(new URL("../../native/build/kernels.node", import.meta.url))
const source = fileURLToPath(new URL("../../native/kernels.cc", import.meta.url))

const load = (): Native | undefined => {
  if (process.env.COLE_KERNELS === "wasm" || !existsSync(binary)) return undefined
  const addon = createRequire(import.meta.url)(binary) as Native
  const current = createHash("sha256").update(readFileSync(source)).digest("hex")
  return addon.source === current ? addon : undefined
}

/** The native kernels, or undefined where the WebAssembly ones run (no build, a stale one, or opted out). */
export const native: Native | undefined = load()
