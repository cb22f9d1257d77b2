/**
 * Runs bench/reference.py (PyTorch / scikit-learn) for the benchmarks' reference side. Before the first
 * command it measures the reference's BLAS (a 1024² float32 matmul on one thread) and refuses to go on
 * below `MIN_GFLOPS`: Debian's python3-torch on the generic BLAS runs at ~3 GFLOP/s, and a ratio against
 * that says nothing about PyTorch as users run it (install libopenblas0-pthread).
 */
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"

const PYTHON = process.env.COLE_BENCH_PYTHON ?? "/usr/bin/python3"
const SCRIPT = fileURLToPath(new URL("./reference.py", import.meta.url))
export const MIN_GFLOPS = 20

// Some machines set OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE to work around old OpenBLAS builds; they pick
// slower kernels than OpenBLAS would, so the reference runs without them.
const environment = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("OPENBLAS_")))

/** Runs the reference's Python with `args` (a script and its arguments, or `-c CODE …`) and parses its last output line as JSON. */
export const python = (args: ReadonlyArray<string>): Record<string, any> => {
  const result = spawnSync(PYTHON, args, { encoding: "utf8", env: environment, maxBuffer: 1 << 26 })
  if (result.error !== undefined) throw new Error(`${PYTHON} could not run: ${result.error.message} (apt-get install python3-torch python3-sklearn libopenblas0-pthread)`)
  if (result.status !== 0) throw new Error(`${PYTHON} ${args.slice(0, 2).join(" ")} failed: ${result.stderr.trim().split("\n").at(-1)}`)
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!)
}

let checked: Record<string, any> | undefined

/** The reference's BLAS speed, measured once; throws when it is too slow to be a fair reference. */
export const blas = () => {
  if (checked !== undefined) return checked
  const measured = python([SCRIPT, "blas", "--threads", "1"])
  if (measured.gflops < MIN_GFLOPS) {
    throw new Error(`the reference's BLAS runs a 1024² float32 matmul at ${measured.gflops} GFLOP/s on one thread (BLAS libraries numpy loaded: ${measured.numpy_blas}); ` +
      `a fair reference needs an optimized BLAS (≥ ${MIN_GFLOPS} GFLOP/s): apt-get install libopenblas0-pthread, or point COLE_BENCH_PYTHON at a Python whose torch has one`)
  }
  checked = measured
  return measured
}

/** One line for a benchmark's header: what the reference runs on. */
export const describe = () => {
  const b = blas()
  return `reference: ${PYTHON}, torch ${b.torch}, numpy ${b.numpy} (${b.numpy_blas}), matmul 1024² ${b.gflops} GFLOP/s on one thread`
}

/** A reference.py command, after the BLAS check. */
export const run = (command: string, args: ReadonlyArray<string | number>) => {
  blas()
  return python([SCRIPT, command, ...args.map(String)])
}
