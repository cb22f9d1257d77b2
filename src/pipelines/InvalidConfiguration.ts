/** A pipeline configuration that cannot be built: what is wrong with which setting. */
import { Schema } from "effect"

export class InvalidConfiguration extends Schema.TaggedError<InvalidConfiguration>()("InvalidConfiguration", {
  setting: Schema.String,
  problem: Schema.String
}) {
  override get message() {
    return `${this.setting}: ${this.problem}`
  }
}
