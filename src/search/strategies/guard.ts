/** Pure search code that throws on impossible input (a space that cannot parse its own output), as a typed failure. */
import { Effect } from "effect"
import { InvalidStepInput } from "../../steps/InvalidStepInput.ts"

export const guard = <A>(f: () => A) =>
  Effect.try({ try: f, catch: (e) => (e instanceof InvalidStepInput ? e : new InvalidStepInput({ step: "search", problem: e instanceof Error ? e.message : String(e) })) })
