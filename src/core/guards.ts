/**
 * Runtime type guards for untrusted values (messages, files, clipboard text), one set for the whole code base.
 * Sizes are bounded where a value comes from outside, so a hostile message cannot make a check run forever.
 */
import type { Json } from './types';

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isStr = (v: unknown): v is string => typeof v === 'string';
/** A name or a key: non-empty and shorter than 1000 characters. */
export const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length < 1000;
export const isNum = (v: unknown): v is number => typeof v === 'number';
export const isFiniteNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
export const isOptStr = (v: unknown): v is string | undefined => v === undefined || isStr(v);
export const isOptNum = (v: unknown): v is number | undefined => v === undefined || isNum(v);
export const isStrArray = (v: unknown, max = 1e7): v is string[] => Array.isArray(v) && v.length <= max && v.every(isStr);
export const isNameArray = (v: unknown, max = 100_000): v is string[] => Array.isArray(v) && v.length <= max && v.every(isName);
export const isNumArray = (v: unknown, max = 1e7): v is number[] => Array.isArray(v) && v.length <= max && v.every(isNum);
/** A value from a fixed list of strings. */
export const isOneOf = <T extends string>(list: readonly T[], v: unknown): v is T => list.includes(v as T);

/** Metric values may be NaN/Infinity (a diverging run); JSON carries them as null, which we accept too. */
export const isMetrics = (v: unknown): v is Record<string, number> => isObj(v) && Object.values(v).every((x) => isNum(x) || x === null);

/**
 * Plain JSON: finite numbers, plain objects (no class instances), at most `maxDepth` levels and `maxItems`
 * entries per array.
 */
export function isJson(v: unknown, maxDepth = 64, maxItems = Infinity, depth = 0): v is Json {
  if (depth > maxDepth) return false;
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.length <= maxItems && v.every((x) => isJson(x, maxDepth, maxItems, depth + 1));
  if (isObj(v)) return Object.getPrototypeOf(v) === Object.prototype && Object.values(v).every((x) => isJson(x, maxDepth, maxItems, depth + 1));
  return false;
}
