/**
 * The DQN's replay memory: a ring of the last `capacity` transitions (state, action, reward, next state,
 * terminal), in flat typed arrays so a sampled batch becomes tensors without per-item objects.
 */
import type { Random } from '../../core/rl';

export interface Transition {
  state: readonly number[];
  action: number;
  reward: number;
  next: readonly number[];
  /** The episode ended by the task (terminated), not by the time limit: no bootstrapping from `next`. */
  terminal: boolean;
}

export interface ReplayBatch {
  states: Float32Array;
  actions: Int32Array;
  rewards: Float32Array;
  nexts: Float32Array;
  /** 1 where the transition bootstraps from its next state, 0 where it is terminal. */
  notDone: Float32Array;
  size: number;
}

export class ReplayMemory {
  private readonly states: Float32Array;
  private readonly nexts: Float32Array;
  private readonly actions: Int32Array;
  private readonly rewards: Float32Array;
  private readonly notDone: Float32Array;
  private next = 0;
  size = 0;

  constructor(
    readonly capacity: number,
    private readonly width: number,
  ) {
    this.states = new Float32Array(capacity * width);
    this.nexts = new Float32Array(capacity * width);
    this.actions = new Int32Array(capacity);
    this.rewards = new Float32Array(capacity);
    this.notDone = new Float32Array(capacity);
  }

  add(t: Transition): void {
    const i = this.next;
    this.states.set(t.state, i * this.width);
    this.nexts.set(t.next, i * this.width);
    this.actions[i] = t.action;
    this.rewards[i] = t.reward;
    this.notDone[i] = t.terminal ? 0 : 1;
    this.next = (i + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** `n` transitions drawn uniformly, without replacement when the memory holds enough (random.sample). */
  sample(n: number, random: Random): ReplayBatch {
    const size = Math.min(n, this.size);
    const picks = pickDistinct(this.size, size, random);
    const w = this.width;
    const b: ReplayBatch = {
      states: new Float32Array(size * w),
      actions: new Int32Array(size),
      rewards: new Float32Array(size),
      nexts: new Float32Array(size * w),
      notDone: new Float32Array(size),
      size,
    };
    picks.forEach((j, k) => {
      b.states.set(this.states.subarray(j * w, (j + 1) * w), k * w);
      b.nexts.set(this.nexts.subarray(j * w, (j + 1) * w), k * w);
      b.actions[k] = this.actions[j];
      b.rewards[k] = this.rewards[j];
      b.notDone[k] = this.notDone[j];
    });
    return b;
  }
}

/** `k` distinct indices of [0, n): a partial Fisher-Yates shuffle over a sparse map. */
function pickDistinct(n: number, k: number, random: Random): number[] {
  const swapped = new Map<number, number>();
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (n - i));
    const vj = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    out.push(vj);
  }
  return out;
}
