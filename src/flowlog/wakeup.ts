/**
 * A wake-up for one async loop that waits on events from callbacks (stream, worker and port events):
 * the loop checks its state, and when there is nothing to do awaits `next()`; every callback that
 * changes the state calls `notify()`. A notify with no waiter is dropped, which is safe because the loop
 * checks its state before it waits (callbacks never run between that check and the await).
 */
export class Wakeup {
  private waiter: (() => void) | null = null;

  readonly notify = (): void => {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  };

  next(): Promise<void> {
    return new Promise<void>((resolve) => (this.waiter = resolve));
  }
}
