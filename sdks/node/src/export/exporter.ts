import { describe, report } from '../diagnostics.js';
import type { CostEvent } from '../event.js';
import { SendResult, type Transport } from './transport.js';

/** How the exporter queues, batches and retries. */
export interface ExporterOptions {
  /** Events held while the transport is slow or down; past it new events are dropped and counted (default 10000). */
  queueCapacity?: number;
  /** Most events in one batch (default 500). */
  batchSize?: number;
  /** How long a partial batch waits for more events, ms (default 1000). */
  flushIntervalMs?: number;
  /** First retry delay, ms, doubled each time with jitter (default 500). */
  retryDelayMs?: number;
  /** The longest wait between retries, ms (default 30000). */
  maxRetryDelayMs?: number;
}

/** What the exporter has done so far. */
export interface ExporterStats {
  /** Waiting in the queue. */
  queued: number;
  /** In the batch being sent (or waiting to be retried). */
  inFlight: number;
  sent: number;
  /** Left out because the queue was full or the exporter closed. */
  dropped: number;
  /** Given up on: a permanent transport error, or still unsent when close() ran out of time. */
  failed: number;
  /** Left out by the sampler (never queued). */
  sampledOut: number;
  /** Send attempts that failed and were retried. */
  retries: number;
}

/**
 * Sends events in the background and never blocks or throws into the caller: a bounded queue, batches by size and
 * time, retries with exponential backoff and jitter (Retry-After honoured) until a batch is sent — an outage delays
 * events, it does not lose them while the queue has room. Timers are unref'd, so the exporter never keeps a process
 * alive; `close()` (run on `beforeExit` by `init`) sends what is left, for up to five seconds.
 */
export class Exporter {
  private readonly capacity: number;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  // A queue as an array and a head index: push and take are O(1); the array is compacted as the head moves on.
  private queue: CostEvent[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private inFlight = 0;
  private closing = false;
  private deadline = Infinity;
  private readonly stopping = new AbortController();
  private readonly idle: (() => void)[] = [];
  private cutSleep: (() => void) | undefined;
  private readonly counts = { sent: 0, dropped: 0, failed: 0, sampledOut: 0, retries: 0 };

  constructor(private readonly transport: Transport, options: ExporterOptions = {}) {
    this.capacity = options.queueCapacity ?? 10_000;
    this.batchSize = options.batchSize ?? 500;
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 30_000;
  }

  /** Queues an event; false (and counted as dropped) when the queue is full or the exporter is closed. */
  enqueue(event: CostEvent): boolean {
    const queued = this.queue.length - this.head;
    if (queued >= this.capacity || this.closing) {
      if (this.counts.dropped++ % 1000 === 0) report('warn', `the export queue is full or closed; dropped ${this.counts.dropped} event(s) so far`);
      return false;
    }
    this.queue.push(event);
    if (!this.sending) {
      if (queued + 1 >= this.batchSize) this.wake(0);
      else if (!this.timer) this.wake(this.flushIntervalMs);
    }
    return true;
  }

  countSampledOut(): void {
    this.counts.sampledOut++;
  }

  stats(): ExporterStats {
    return { queued: this.queue.length - this.head, inFlight: this.inFlight, ...this.counts };
  }

  /** Sends everything queued now; resolves true when all of it was sent (or failed for good) within `timeoutMs`. */
  flush(timeoutMs = 5000): Promise<boolean> {
    if (this.pending() === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      // Someone waits for this flush: its timers hold the process until it is done.
      const timeout = setTimeout(() => finish(false), timeoutMs);
      const finish = (done: boolean) => {
        clearTimeout(timeout);
        const at = this.idle.indexOf(onIdle);
        if (at >= 0) this.idle.splice(at, 1);
        resolve(done);
      };
      const onIdle = () => finish(true);
      this.idle.push(onIdle);
      if (!this.sending) this.wake(0);
    });
  }

  /** Stops taking events, sends what is queued for up to `timeoutMs`, counts what is left as failed. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.deadline = Date.now() + timeoutMs;
    this.cutSleep?.();
    await this.flush(timeoutMs);
    this.stopping.abort();
    if (this.sending) await this.sending;
    const left = this.pending();
    if (left > 0) {
      this.counts.failed += left;
      report('error', `${left} event(s) were still unsent when the exporter closed`);
    }
    this.queue = [];
    this.head = 0;
    this.notifyIdle();
    try {
      await this.transport.close?.();
    } catch (e) {
      report('error', `closing the transport failed: ${describe(e)}`);
    }
  }

  private waited(): boolean {
    return this.closing || this.idle.length > 0;
  }

  private pending(): number {
    return this.queue.length - this.head + this.inFlight;
  }

  private wake(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sending ??= this.pump().finally(() => {
        this.sending = undefined;
        if (this.pending() === 0) this.notifyIdle();
        else if (!this.stopping.signal.aborted) this.wake(this.queue.length - this.head >= this.batchSize || this.idle.length > 0 || this.closing ? 0 : this.flushIntervalMs);
      });
    }, delayMs);
    // While someone flushes or closes, the process waits for the sends; otherwise the exporter never keeps it alive.
    if (!this.waited()) this.timer.unref();
  }

  private async pump(): Promise<void> {
    while (this.queue.length - this.head > 0 && !this.stopping.signal.aborted) {
      const end = Math.min(this.head + this.batchSize, this.queue.length);
      const batch = this.queue.slice(this.head, end);
      this.head = end;
      if (this.head > 4096 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.inFlight = batch.length;
      const finished = await this.sendWithRetries(batch);
      this.inFlight = 0;
      if (!finished) return;
      // A partial batch goes out at once only when someone waits for it; otherwise the interval gathers more.
      if (this.queue.length - this.head < this.batchSize && this.idle.length === 0 && !this.closing) return;
    }
  }

  /** Sends one batch until it is sent or fails for good; false when closing ran out of time for it. */
  private async sendWithRetries(batch: CostEvent[]): Promise<boolean> {
    let delay = this.retryDelayMs;
    for (;;) {
      let result: SendResult;
      try {
        result = await this.transport.send(batch, this.stopping.signal);
      } catch (e) {
        result = SendResult.retryable(describe(e));
      }
      if (result.ok) {
        this.counts.sent += batch.length;
        return true;
      }
      if (!result.retry) {
        this.counts.failed += batch.length;
        report('error', `sending ${batch.length} event(s) failed for good (${result.error}); they are dropped`);
        return true;
      }
      this.counts.retries++;
      const wait = result.retryAfterMs ?? delay * (0.8 + Math.random() * 0.4);
      if (this.stopping.signal.aborted || Date.now() + wait > this.deadline) {
        this.counts.failed += batch.length;
        report('error', `${batch.length} event(s) could not be sent before the exporter closed (${result.error})`);
        return false;
      }
      report('warn', `sending ${batch.length} event(s) failed (${result.error}); retrying in ${Math.round(wait)} ms`);
      await this.sleep(wait);
      delay = Math.min(delay * 2, this.maxRetryDelayMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      if (!this.waited()) timer.unref();
      const signal = this.stopping.signal;
      signal.addEventListener('abort', done, { once: true });
      // close() cuts a backoff short: the last attempts happen now, while the process still waits for them.
      this.cutSleep = done;
      const self = this;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        self.cutSleep = undefined;
        resolve();
      }
    });
  }

  private notifyIdle(): void {
    for (const resolve of this.idle.splice(0)) resolve();
  }
}
