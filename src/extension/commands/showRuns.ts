/** "Show Runs": the training view's run list for the active model. */
import type { CommandContext } from './context';

export function showRuns(ctx: CommandContext, arg?: unknown): void {
  const uri = ctx.editors.activeModelUri(arg);
  if (uri) ctx.view.model = { uri };
  ctx.view.show('compare');
}
