/**
 * Options every command's quick pick shares. `ignoreFocusOut`: run from the palette while a webview (the model
 * editor, the Training view) had focus, VS Code hands the focus back to that webview asynchronously, and a pick
 * that closes on focus loss could close as it opens (seen in an end-to-end run: Export's format pick vanished).
 * Most picks are the first step of several (format, weights, file), as in VS Code's multi-step input sample, which
 * keeps them open the same way; Escape still cancels.
 */
export const PICK_OPTIONS = { ignoreFocusOut: true } as const;
