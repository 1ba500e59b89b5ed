"""Random-action trajectories of gymnasium's classic-control environments, for the parity test of ours
(rl_envs.test.ts). Request on stdin: {"envs": [gym ids], "episodes": N, "seed": S, "out": DIR}. For each
environment, DIR/<gym id>.f64 holds float64 values, trajectory after trajectory:
[steps, initial internal state..., initial observation..., then per step: action, reward, terminated,
truncated, observation..., internal state...]. The initial state comes from gymnasium's own seeded reset;
the TypeScript side starts from that state (its reset draws from another PRNG) and replays the actions."""
import json
import os
import sys

import gymnasium as gym
import numpy as np


def trajectories(gym_id, episodes, seed):
    env = gym.make(gym_id)
    actions = np.random.default_rng(seed)
    values = []
    for i in range(episodes):
        obs, _ = env.reset(seed=seed + i)
        state = np.asarray(env.unwrapped.state, dtype=np.float64)
        rows = []
        while True:
            a = int(actions.integers(env.action_space.n))
            obs2, reward, terminated, truncated, _ = env.step(a)
            rows.append([a, float(reward), float(terminated), float(truncated), *np.asarray(obs2, dtype=np.float64),
                         *np.asarray(env.unwrapped.state, dtype=np.float64)])
            if terminated or truncated:
                break
        values.append([len(rows), *state, *np.asarray(obs, dtype=np.float64)])
        for r in rows:
            values.append(r)
    env.close()
    return np.concatenate([np.asarray(v, dtype=np.float64) for v in values])


def main():
    req = json.load(sys.stdin)
    files = {}
    for gym_id in req["envs"]:
        path = os.path.join(req["out"], gym_id + ".f64")
        trajectories(gym_id, req["episodes"], req["seed"]).tofile(path)
        files[gym_id] = path
    json.dump({"gymnasium": gym.__version__, "files": files}, sys.stdout)


main()
