/** "Show Training Log": the log, and the status bar's failure mark acknowledged. */
import type { CommandContext } from './context';

export function showTrainingLog(ctx: CommandContext): void {
  ctx.log.show(true);
  ctx.controller.acknowledge();
}
