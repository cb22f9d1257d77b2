/**
 * NB201 operations and edges in both numberings: the arch string's (ops by name, edges 0→1, 0→2, 1→2,
 * 0→3, 1→3, 2→3) and NASLib's (op indices, EDGE_LIST positions), which the encodings must match.
 */

/** Op names by NASLib op index (docs/search.md). */
export const OPS = ["skip_connect", "none", "nor_conv_3x3", "nor_conv_1x1", "avg_pool_3x3"] as const
export type OpName = (typeof OPS)[number]

export const SKIP = 0
export const NONE = 1

export const opIndex: ReadonlyMap<string, number> = new Map(OPS.map((name, i) => [name, i]))

/** Edges in arch-string order as (source, target), and the NASLib position each one has. */
export const STRING_EDGES: ReadonlyArray<{ readonly source: number; readonly target: number; readonly position: number }> = [
  { source: 0, target: 1, position: 0 },
  { source: 0, target: 2, position: 1 },
  { source: 1, target: 2, position: 3 },
  { source: 0, target: 3, position: 2 },
  { source: 1, target: 3, position: 4 },
  { source: 2, target: 3, position: 5 }
]

/** NASLib position of the edge source → target. */
export const positionOf = (source: number, target: number): number =>
  STRING_EDGES.find((e) => e.source === source && e.target === target)!.position
