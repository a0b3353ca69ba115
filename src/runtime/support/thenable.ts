/** A result that may come now or later. */
export type MaybePromise<T> = T | Promise<T>;

/** Whether a handler's, hook's or logger's result is a promise (any thenable) to wait for. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * Calls a consumer's code once per connection (onConnect, onDisconnect, authenticate): what it
 * returns, now or once its promise settles, goes to `done`; what it throws or rejects with goes to
 * `failed`, never further (`done` and `failed` themselves must not throw). A promise only when
 * `call` returned a thenable.
 */
export function settle<T>(call: () => unknown, done: (result: unknown) => T, failed: (err: unknown) => T): T | Promise<T> {
  let result: unknown;
  try {
    result = call();
  } catch (err) {
    return failed(err);
  }
  return isThenable(result) ? Promise.resolve(result).then(done, failed) : done(result);
}

/** Resolves in the next turn of the event loop, after pending I/O (other connections' frames). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
