/** "Show Training": the training view, on a session (status bar link) or on the active model. */
import type { CommandContext } from './context';

export function showTraining(ctx: CommandContext, id?: unknown): void {
  const { view } = ctx;
  // Focusing a session puts its model in the view; otherwise the view keeps its model, else takes the active one.
  const focused = typeof id === 'string' && view.focusSession(id);
  if (!focused && !view.model) {
    const uri = ctx.editors.activeModelUri();
    if (uri) view.model = { uri };
  }
  const panel = view.show();
  view.sendSnapshot(panel);
}
