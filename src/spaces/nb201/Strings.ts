/**
 * Arch strings (spec/nb201.md): `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`. Group g lists the edges into
 * node g+1; the source comes from the `~s` suffix. The parser names the position and the problem.
 */
import { Result } from "effect"
import type { Arch } from "../../../schemas/Nb201.ts"
import { ArchParseError } from "../../core/Space.ts"
import { OPS, opIndex, positionOf, STRING_EDGES } from "./Ops.ts"

/** The canonical string of an architecture. */
export const format = (arch: Arch): string => {
  let out = "|"
  for (let target = 1; target <= 3; target++) {
    if (target > 1) out += "+|"
    for (let source = 0; source < target; source++) out += `${OPS[arch[positionOf(source, target)]!]}~${source}|`
  }
  return out
}

class Failure {
  constructor(readonly position: number, readonly problem: string) {}
}

/** Parses an arch string; the error says where and what was expected. */
export const parse = (input: string): Result.Result<Arch, ArchParseError> => {
  let at = 0
  const fail = (problem: string, position = at) => {
    throw new Failure(position, problem)
  }
  const expect = (char: string, what: string) => {
    if (input[at] !== char) fail(`expected '${char}' ${what}, found ${at < input.length ? `'${input[at]}'` : "the end"}`)
    at++
  }
  try {
    const arch = [0, 0, 0, 0, 0, 0]
    for (let target = 1; target <= 3; target++) {
      if (target > 1) {
        if (at >= input.length) fail(`expected 3 groups separated by '+', found ${target - 1}`)
        expect("+", `between groups ${target - 1} and ${target}`)
      }
      expect("|", `to open group ${target}`)
      const seen = new Set<number>()
      for (let k = 0; k < target; k++) {
        if (input[at] === "+" || at >= input.length) {
          fail(`group ${target} (edges into node ${target}) has ${k} edge${k === 1 ? "" : "s"}, expected ${target}`)
        }
        const start = at
        while (at < input.length && !"~|+".includes(input[at]!)) at++
        const name = input.slice(start, at)
        const op = opIndex.get(name)
        if (op === undefined) fail(`unknown op ${JSON.stringify(name)}, expected one of ${OPS.join(", ")}`, start)
        expect("~", `after op ${JSON.stringify(name)}`)
        const digits = at
        while (at < input.length && input[at]! >= "0" && input[at]! <= "9") at++
        if (at === digits) fail("expected a source node number after '~'")
        const source = Number(input.slice(digits, at))
        if (source >= target) fail(`source node ${source} is not smaller than target node ${target}`, digits)
        if (seen.has(source)) fail(`duplicate source node ${source} in group ${target}`, digits)
        seen.add(source)
        arch[positionOf(source, target)] = op!
        expect("|", `after edge ${name}~${source}`)
      }
      if (at < input.length && input[at] !== "+") {
        fail(`group ${target} (edges into node ${target}) has more than ${target} edge${target === 1 ? "" : "s"}`)
      }
    }
    if (at < input.length) fail("expected the end: an arch string has exactly 3 groups")
    return Result.succeed(arch as unknown as Arch)
  } catch (e) {
    if (!(e instanceof Failure)) throw e
    return Result.fail(new ArchParseError({ space: "nb201", input, position: e.position, problem: e.problem }))
  }
}

export { STRING_EDGES }
