/** "Stop Training": a session id (status bar links) stops that session; otherwise (a model URI from the title bar) the focused one. */
import type { CommandContext } from './context';

export function stop(ctx: CommandContext, id?: unknown): Promise<unknown> {
  return ctx.controller.stop(typeof id === 'string' ? id : undefined);
}
