/**
 * How a protocol is declared: each message is a `{type, ...fields}` object, and each `type` has a reader
 * that checks the fields of an untrusted message (from a webview or another process) and returns the message,
 * or undefined to drop it. `protocol` joins the readers into one parser; its table must name every type of the
 * union, so a message added without its check does not compile.
 */
import { isNum, isObj, type Obj } from '../core/guards';

/** Reads one message whose `type` matched; undefined drops it. */
export type Reader<M> = (m: Obj) => M | undefined;
/** Validates any value as a message of the protocol. */
export type Parser<M> = (v: unknown) => M | undefined;

type Tagged = { type: string };
type Readers<M extends Tagged> = { [K in M['type']]: Reader<Extract<M, { type: K }>> };

/** One parser for a union of messages, from a reader for each of its types. */
export function protocol<M extends Tagged>(readers: Readers<M>): Parser<M> {
  const table = readers as unknown as Record<string, Reader<M>>;
  return (v) => (isObj(v) && typeof v.type === 'string' && Object.hasOwn(table, v.type) ? table[v.type](v) : undefined);
}

/** A command: a message with nothing but its type (ready, pause, evaluate). Extra fields are dropped. */
export function command<M extends Tagged>(): Reader<M> {
  return (m) => ({ type: m.type }) as M;
}

/** A notification: a one-way message whose fields `check` accepts, passed on as received. */
export function notification<M>(check: (m: Obj) => boolean): Reader<M> {
  return (m) => (check(m) ? (m as M) : undefined);
}

/** A request: a message with a numeric `id` that its answer carries back, and fields `check` accepts. */
export function request<M extends { id: number }>(check: (m: Obj) => boolean = () => true): Reader<M> {
  return (m) => (isNum(m.id) && check(m) ? (m as M) : undefined);
}

/**
 * Which answer each request gets: `Answers` maps a request's type to its answer's type, and `AnswerTo` is the
 * answer message. The runtime table (the same map as a value) lets a client check that an answer fits.
 */
export type AnswerTo<Res extends Tagged, Answers extends Record<string, Res['type']>, K extends keyof Answers> = Extract<Res, { type: Answers[K] }>;

/** True when `answer` is the answer the table names for a request of type `k`. */
export function answers<Res extends Tagged, Answers extends Record<string, Res['type']>, K extends keyof Answers>(
  table: Answers,
  k: K,
  answer: Res,
): answer is AnswerTo<Res, Answers, K> {
  return answer.type === table[k];
}
