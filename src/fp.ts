/**
 * The one place that imports fp-ts. fp-ts 2.x has no `exports` map, so deep imports such as
 * `fp-ts/Either` work under vitest but crash under plain node; these `lib/*.js` specifiers work in both.
 * Everything else imports Either/TaskEither/pipe from here.
 */
export * as E from 'fp-ts/lib/Either.js';
export { pipe, flow } from 'fp-ts/lib/function.js';
export type { Either } from 'fp-ts/lib/Either.js';
export type { TaskEither } from 'fp-ts/lib/TaskEither.js';
