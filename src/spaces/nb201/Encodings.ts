/**
 * Structural encodings of NB201 (docs/search.md): the one-hot adjacency and the three 155-d path
 * encodings — `path-naslib` keeps NASLib's blueprint quirk, as the BANANAS `path` arm ran it — with
 * truncations to 30 and 40 features.
 */
import type { Arch } from "../../../schemas/Nb201.ts"
import type { Encoding } from "../../core/Space.ts"

export const onehot30: Encoding<Arch> = {
  name: "onehot30",
  dimensions: 30,
  encodeInto: (arch, out, offset) => {
    for (let p = 0; p < 6; p++) out[offset + 5 * p + arch[p]!] = 1
  }
}

const OFFSET = [0, 0, 5, 30] // by path length

/** A path encoding from its blueprints (positions into the op tuple) and op alphabet, cut to `keep`. */
const pathEncoding = (
  name: string,
  blueprints: ReadonlyArray<ReadonlyArray<number>>,
  alphabet: ReadonlyArray<number>,
  keep = 155
): Encoding<Arch> => ({
  name,
  dimensions: keep,
  encodeInto: (arch, out, offset) => {
    for (const blueprint of blueprints) {
      let index = 0
      let scale = 1
      for (const position of blueprint) {
        index += alphabet[arch[position]!]! * scale
        scale *= 5
      }
      index += OFFSET[blueprint.length]!
      if (index < keep) out[offset + index] = 1
    }
  }
})

const NASLIB_ALPHABET = [0, 1, 2, 3, 4]
// naszilla: avg_pool_3x3 0, nor_conv_1x1 1, nor_conv_3x3 2, none 3, skip_connect 4 — by NASLib index.
const NASZILLA_ALPHABET = [4, 3, 2, 1, 0]

const NASLIB_BLUEPRINTS = [[3], [0, 4], [1, 5], [0, 2, 5]]
const TRUE_PATHS = [[2], [0, 4], [1, 5], [0, 3, 5]]

const bases = {
  "path-naslib": [NASLIB_BLUEPRINTS, NASLIB_ALPHABET],
  "path-semantic": [TRUE_PATHS, NASLIB_ALPHABET],
  "path-naszilla": [TRUE_PATHS, NASZILLA_ALPHABET]
} as const

export const encodings: Readonly<Record<string, Encoding<Arch>>> = Object.fromEntries([
  ["onehot30", onehot30],
  ...Object.entries(bases).flatMap(([name, [blueprints, alphabet]]) =>
    [155, 30, 40].map((keep) => {
      const full = keep === 155 ? name : `${name}-trunc${keep}`
      return [full, pathEncoding(full, blueprints, alphabet, keep)] as const
    })
  )
])
