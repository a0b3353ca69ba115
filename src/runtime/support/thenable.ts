/** A result that may come now or later. */
export type MaybePromise<T> = T | Promise<T>;

/** Whether a handler's, hook's or logger's result is a promise (any thenable) to wait for. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function';
}
