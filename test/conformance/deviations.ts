/**
 * Where tc-gen deliberately answers differently from Tailcall, case by case.
 * Each entry holds OUR expected value and the reason, so the case still
 * tests something. Reasons are limited to the deviations the project
 * documents (README, "Where tc-gen deliberately differs from Tailcall").
 */
export type DeviationReason =
  | 'spec-null-propagation'
  | 'percent-encoded-templates'
  | 'authorization-not-forwarded'
  | 'auth-any-of';

export interface Deviation {
  reason: DeviationReason;
  /** Why, in words, for this case. */
  note: string;
  /** Our expected response bodies, by request index. */
  bodies?: Record<number, unknown>;
  /** Our expected hit counts, by mock index. */
  hits?: Record<number, number>;
}

export const DEVIATIONS: Readonly<Record<string, Deviation>> = {};
