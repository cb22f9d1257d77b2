/** The commands on model folders and embeddings. */
import { embedCommand } from "./embedCommand.ts"
import { modelCommand } from "./modelCommand.ts"

export const modelCommands = [modelCommand, embedCommand] as const
