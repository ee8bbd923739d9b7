import { performance } from 'node:perf_hooks';
import { describe, report } from './diagnostics.js';
import type { Usage } from './pricing/usage.js';
import { state } from './state.js';
import type { Operation } from './tracker.js';

/** An operation that already happened: how long it took and whether it failed. */
export interface FinishedOperation extends Operation {
  /** How long it took, in milliseconds (default 0). */
  durationMs?: number;
  /** What it failed with, when it failed. */
  error?: unknown;
}

/** An operation run by `track(op, work)` or `wrap(fn, op)`: its usage may be read from the result. */
export interface WorkOperation<T> extends Operation {
  /** Reads what was consumed from the work's result; a callback that throws is reported and the usage left out. */
  usageOf?: (result: Awaited<T>) => Usage | undefined;
}

/** Records an operation that has finished. Without `init` it does nothing. */
export function track(operation: FinishedOperation): void;
/**
 * Runs `work` and records it: sync or async (a returned promise is awaited), failed when it throws or rejects — the
 * error still reaches the caller. Returns what `work` returns.
 */
export function track<T>(operation: WorkOperation<T>, work: () => T): T;
export function track<T>(operation: FinishedOperation | WorkOperation<T>, work?: () => T): T | void {
  if (work === undefined) {
    const tracker = state.tracker;
    if (!tracker) return;
    const ended = performance.now();
    const finished = operation as FinishedOperation;
    tracker.record(operation, operation.usage, ended - (finished.durationMs ?? 0), ended, finished.error);
    return;
  }
  return run(operation as WorkOperation<T>, work, undefined, []);
}

/** `fn` made to record each call as `operation` (an object, or a function of the call's arguments). */
export function wrap<A extends unknown[], R>(fn: (...args: A) => R, operation: WorkOperation<R> | ((...args: A) => WorkOperation<R>)): (...args: A) => R {
  return function (this: unknown, ...args: A): R {
    if (!state.tracker) return fn.apply(this, args);
    let op: WorkOperation<R>;
    try {
      op = typeof operation === 'function' ? operation(...args) : operation;
    } catch (e) {
      report('error', `the operation callback threw: ${describe(e)}`);
      return fn.apply(this, args);
    }
    return run(op, fn, this, args);
  };
}

function run<T>(operation: WorkOperation<T>, work: (...args: any[]) => T, self: unknown, args: unknown[]): T {
  const tracker = state.tracker;
  if (!tracker) return work.apply(self, args);
  const started = performance.now();
  let result: T;
  try {
    result = work.apply(self, args);
  } catch (e) {
    tracker.record(operation, operation.usage, started, performance.now(), e);
    throw e;
  }
  if (!isThenable(result)) {
    tracker.record(operation, usageOf(operation, result as Awaited<T>), started, performance.now());
    return result;
  }
  const succeeded = (value: Awaited<T>) => tracker.record(operation, usageOf(operation, value), started, performance.now());
  const failed = (error: unknown) => tracker.record(operation, operation.usage, started, performance.now(), error ?? new Error('rejected'));
  if (result instanceof Promise && result.constructor === Promise) {
    return result.then(
      (value) => {
        succeeded(value as Awaited<T>);
        return value;
      },
      (error) => {
        failed(error);
        throw error;
      },
    ) as T;
  }
  // A promise subclass or thenable with its own methods (openai's APIPromise) is returned as it is, and observed.
  (result as PromiseLike<unknown>).then((value) => succeeded(value as Awaited<T>), failed);
  return result;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as any).then === 'function';
}

function usageOf<T>(operation: WorkOperation<T>, result: Awaited<T>): Usage | undefined {
  if (!operation.usageOf) return operation.usage;
  try {
    return operation.usageOf(result) ?? operation.usage;
  } catch (e) {
    report('error', `reading usage failed: ${describe(e)}`);
    return operation.usage;
  }
}

/** A tracked block: `end()` records it once; `setUsage` and `fail` fill it in from what happened. */
export interface TrackingScope {
  setUsage(usage: Usage): void;
  fail(error: unknown): void;
  end(): void;
}

const NONE: TrackingScope = { setUsage() {}, fail() {}, end() {} };

/** Begins a tracked block; call `end()` (in a `finally`) to record it. */
export function begin(operation: Operation): TrackingScope {
  const tracker = state.tracker;
  if (!tracker) return NONE;
  const started = performance.now();
  let usage = operation.usage;
  let error: unknown;
  let done = false;
  return {
    setUsage(u) {
      usage = u;
    },
    fail(e) {
      error = e ?? new Error('failed');
    },
    end() {
      const ended = performance.now();
      if (done) return;
      done = true;
      tracker.record(operation, usage, started, ended, error);
    },
  };
}
