/** Worker task of `Gaussian`: one shard of seeded standard-normal points (rows start…start+count). */
import { DIMENSIONS } from "../../../schemas/Demo.ts"
import * as Rng from "../../core/Rng.ts"

export interface Unit {
  readonly seed: number
  readonly start: number
  readonly count: number
  readonly scale: number
}

export const gaussianShard = (unit: Unit) => {
  // One stream per shard, so a shard's rows do not depend on how many shards precede it.
  const rng = Rng.make(unit.seed, "demo/points", String(unit.start))
  const id = new Int32Array(unit.count)
  const x = new Float32Array(unit.count * DIMENSIONS)
  for (let i = 0; i < unit.count; i++) {
    id[i] = unit.start + i
    for (let d = 0; d < DIMENSIONS; d++) x[i * DIMENSIONS + d] = unit.scale * (d + 1) * rng.normal() + d
  }
  return { id, x }
}
