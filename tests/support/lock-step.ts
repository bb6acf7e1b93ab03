/**
 * A meeting point for `parties` concurrent tasks: each awaits the returned function, and
 * none goes on until all have arrived. Two transactions that each lock one row and meet
 * here before asking for the other's row are sure to deadlock.
 */
export function lockStep(parties = 2): () => Promise<void> {
  let allArrived!: () => void;
  const barrier = new Promise<void>((resolve) => (allArrived = resolve));
  let arrived = 0;
  return async () => {
    if (++arrived === parties) allArrived();
    await barrier;
  };
}
