/**
 * The CLI's opt-in heap trimming for explain (runExplain's `trimHeap` option; the library never sets V8
 * flags or forces a collection itself). Keeps the heap near its live size on long runs. V8 lets old space grow lazily (to hundreds of MB of
 * garbage on a million-record run) although what explain keeps alive is bounded (tens of MB); a full
 * collection when the heap passes a threshold keeps peak RSS flat whatever the input size.
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

function collector(): (() => void) | null {
  try {
    v8.setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

/**
 * 32 MB: with the read worker's heap beside it, 40 MB let the peak drift to 197 MB on a 5-million-record
 * log (1M: 178-187 MB); 24 MB kept it at 180 MB but collected often enough to cost time.
 */
const THRESHOLD = 32 * 1024 * 1024;

/**
 * A heap trimmer for one run (it exposes V8's gc when first forced): call it between batches; it
 * collects when the heap has grown well past what survived the last collection (`force`: now, e.g.
 * after the snapshot's JSON has been decoded).
 */
export function heapTrimmer(): (force?: boolean) => void {
  let gc: (() => void) | null | undefined;
  let floor = THRESHOLD;
  return (force = false) => {
    const used = v8.getHeapStatistics().used_heap_size;
    if (!force && used < floor) return;
    if (gc === undefined) gc = collector();
    if (gc === null) return;
    gc();
    // Never collect again before the heap has grown by the threshold beyond what is really alive.
    floor = v8.getHeapStatistics().used_heap_size + THRESHOLD;
  };
}
