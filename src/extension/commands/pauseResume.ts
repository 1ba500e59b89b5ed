/** "Pause/Resume Training": a session id (status bar links) acts on that session; otherwise on the focused one. */
import type { CommandContext } from './context';

export function pauseResume(ctx: CommandContext, id?: unknown): void {
  ctx.controller.pauseResume(typeof id === 'string' ? id : undefined);
}
