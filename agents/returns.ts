// Discounted returns and generalised advantage estimates over a rollout of
// consecutive episodes. A terminated episode's tail is worth 0; a truncated
// one's is bootstrapped from V(s_T) when a value estimate is given.

/** R_t = r_t + γ R_{t+1} within each episode; `tailValues[e]` continues episode e past its end. */
export function discountedReturns(rewards: ArrayLike<number>, episodeEnds: number[], gamma: number, tailValues?: number[]): Float32Array {
  const out = new Float32Array(rewards.length);
  let start = 0;
  episodeEnds.forEach((end, e) => {
    let running = tailValues?.[e] ?? 0;
    for (let t = end - 1; t >= start; t--) {
      running = rewards[t] + gamma * running;
      out[t] = running;
    }
    start = end;
  });
  return out;
}

/**
 * GAE(λ): A_t = Σ_k (γλ)^k δ_{t+k}, δ_t = r_t + γ V(s_{t+1}) − V(s_t), with
 * V past an episode's end = its tail value (0 if terminated). λ = 1 gives
 * R_t − V(s_t) (with bootstrapping at truncation).
 */
export function gae(
  rewards: ArrayLike<number>,
  values: ArrayLike<number>,
  episodeEnds: number[],
  gamma: number,
  lambda: number,
  tailValues: number[],
): Float32Array {
  const out = new Float32Array(rewards.length);
  let start = 0;
  episodeEnds.forEach((end, e) => {
    let next = tailValues[e] ?? 0;
    let running = 0;
    for (let t = end - 1; t >= start; t--) {
      const delta = rewards[t] + gamma * next - values[t];
      running = delta + gamma * lambda * running;
      out[t] = running;
      next = values[t];
    }
    start = end;
  });
  return out;
}
