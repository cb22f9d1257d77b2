/** A step's input (a table, a file it names, a parameter it received) that it cannot work with. */
import { Schema } from "effect"

export class InvalidStepInput extends Schema.TaggedError<InvalidStepInput>()("InvalidStepInput", {
  step: Schema.String,
  problem: Schema.String
}) {
  override get message() {
    return `${this.step}: ${this.problem}`
  }
}
