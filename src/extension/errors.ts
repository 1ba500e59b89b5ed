/** How errors reach the user, without vscode: message and hint of a UserError, the message of anything else. */
import { isUserError } from '../core/types';

/** Message and hint of an error a user can cause; anything else becomes a plain message. */
export function errorText(e: unknown): { message: string; hint?: string } {
  if (isUserError(e)) return { message: e.message, hint: e.hint };
  return { message: e instanceof Error ? e.message : String(e) };
}

/** One line for a notification: the message, then its hint. */
export function errorMessage(e: unknown): string {
  if (isUserError(e)) return e.hint ? `${e.message} ${e.hint}` : e.message;
  return e instanceof Error ? e.message : String(e);
}
