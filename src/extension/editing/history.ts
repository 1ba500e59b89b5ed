/**
 * Undo/redo bookkeeping of the editable model: applied edits on two stacks. VS Code keeps its own history
 * (modelDocument.ts restores the edit's snapshots); these stacks serve callers that drive the model directly, such as the tests.
 */
import type { AppliedEdit } from './snapshot';

export class EditHistory {
  private readonly undoStack: AppliedEdit[] = [];
  private readonly redoStack: AppliedEdit[] = [];

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** The edit Undo would take back next. */
  get last(): AppliedEdit | undefined {
    return this.undoStack[this.undoStack.length - 1];
  }

  /** A new edit: it can be undone, and what was undone before can no longer be redone. */
  push(edit: AppliedEdit): void {
    this.undoStack.push(edit);
    this.redoStack.length = 0;
  }

  /** The edit to undo (moved to the redo stack), if any. */
  undo(): AppliedEdit | undefined {
    const e = this.undoStack.pop();
    if (e) this.redoStack.push(e);
    return e;
  }

  /** The edit to redo (moved back to the undo stack), if any. */
  redo(): AppliedEdit | undefined {
    const e = this.redoStack.pop();
    if (e) this.undoStack.push(e);
    return e;
  }

  clear(): void {
    this.undoStack.length = 0;
    this.redoStack.length = 0;
  }
}
