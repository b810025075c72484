/**
 * Serializes profile writes across every tab of the origin with the Web Locks API. IndexedDB
 * transactions already make each single write atomic; the lock is for the operations that
 * span several transactions (retention sweeps, quota eviction, consent withdrawal), so two
 * tabs never interleave them.
 *
 * Without `navigator.locks` (old browsers, Node) the lock falls back to a queue within this
 * page. Cross-tab safety then rests on the transactions alone, which every compound operation
 * is written to tolerate (they are idempotent: a second sweep finds nothing left to do).
 */

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

export type WriteLock = <T>(task: () => Promise<T>) => Promise<T>;

function lockManager(): LockManagerLike | undefined {
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
  return locks && typeof locks.request === 'function' ? locks : undefined;
}

/** A lock held by one task at a time; tasks run in the order they asked. */
export function createWriteLock(
  name: string,
  manager: LockManagerLike | undefined = lockManager(),
): WriteLock {
  if (manager) return (task) => manager.request(name, task);
  let tail: Promise<unknown> = Promise.resolve();
  return (task) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** Whether writes are serialized across tabs (for info()). */
export function hasWebLocks(): boolean {
  return lockManager() !== undefined;
}
