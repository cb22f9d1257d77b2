/** What `run` and `explain` share: the pipeline file argument and the NB201 location flag. */
import * as path from "node:path"
import { ConfigProvider, Layer, Option } from "effect"
import { Argument, Flag } from "effect/cli"

export const pipelineFile = Argument.String("pipeline-file").pipe(Argument.withDescription("A module whose default export is a pipeline"))
export const nb201 = Flag.String("nb201").pipe(
  Flag.withDescription("NB201 table folder or CSV for the pipeline's benchmark (the COLE_NB201 setting)"),
  Flag.optional
)
// The pipeline's benchmark layers read the COLE_NB201 setting: --nb201 gives it, over the environment's.
export const nb201Setting = (location: Option.Option<string>) =>
  Option.match(location, {
    onNone: () => Layer.empty,
    onSome: (l) => ConfigProvider.layerAdd(ConfigProvider.fromUnknown({ COLE_NB201: path.resolve(l) }), { asPrimary: true })
  })
