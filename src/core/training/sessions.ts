/** The life of a training session, as the host, the status bar and the training view name it. */

export const SESSION_STATES = ['starting', 'running', 'paused', 'stopping', 'done', 'stopped', 'failed'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/** States of a session that has not ended. */
export const ACTIVE_SESSION_STATES = ['starting', 'running', 'paused', 'stopping'] as const satisfies readonly SessionState[];
export const isActiveSessionState = (s: string): boolean => (ACTIVE_SESSION_STATES as readonly string[]).includes(s);

/** The states a running worker reports (the host adds starting and the end states). */
export const WORKER_STATES = ['running', 'paused', 'stopping'] as const satisfies readonly SessionState[];
export type WorkerState = (typeof WORKER_STATES)[number];

/** How a run that did not fail ended. */
export const DONE_STATUSES = ['done', 'stopped', 'early-stopped'] as const;
export type DoneStatus = (typeof DONE_STATUSES)[number];

/** What Stop keeps: the last completed batch or the last completed epoch. */
export const STOP_KEEPS = ['batch', 'epoch'] as const;
export type StopKeeps = (typeof STOP_KEEPS)[number];

/** Which weights a model holds at the end of a run. */
export type WeightsKept = 'final' | 'last-batch' | 'last-epoch' | 'best';

/** The checkpoints a run keeps (checkpoints/best, checkpoints/last). */
export type CheckpointKind = 'best' | 'last';
