import type { z } from "zod";
import { ArchitechError } from "../errors.ts";
import type { EventKind, Signal } from "./signal.ts";

/**
 * Why an input is not a signal. Stable: callers branch on it.
 * - `NotAnObject` — null, a string, a number, an array: no event is a bare value.
 * - `UnknownEventKind` — an object Architech does not recognise as any event it knows.
 * - `UnsupportedEventKind` — a real AWS event (EventBridge `source` + `detail-type`) that is not a signal,
 *   e.g. `ECR Image Scan`, `ECS Task State Change`, CodeDeploy, AWS Health.
 * - `MalformedEvent` — recognised as a supported kind, but a field is missing or of the wrong form.
 * - `MultipleRecords` — an SQS/SNS batch given to `normalizeEvent`; use `normalizeRecords`.
 */
export const SIGNAL_ERROR_CODES = [
  "NotAnObject",
  "UnknownEventKind",
  "UnsupportedEventKind",
  "MalformedEvent",
  "MultipleRecords",
] as const;
export type SignalErrorCode = (typeof SIGNAL_ERROR_CODES)[number];

/** One problem found in a field; `path` is relative to the input as given, envelopes included. */
export interface SignalIssue {
  path: (string | number)[];
  message: string;
}

export interface SignalError {
  code: SignalErrorCode;
  /** Names the problem, e.g. `ECR Image Action event is malformed: detail.image-digest: …`. */
  message: string;
  /** The kind the input was recognised as, for `MalformedEvent`. */
  kind?: EventKind;
  /** For EventBridge events: their `source` and `detail-type`. */
  eventSource?: string;
  detailType?: string;
  /** Field problems, for `MalformedEvent`. */
  issues?: SignalIssue[];
}

/** The outcome of `normalizeEvent`: a signal, or a typed error. */
export type NormalizeResult = { ok: true; signal: Signal } | { ok: false; error: SignalError };

/**
 * Thrown by `normalizeEventOrThrow`, for handlers that let the error reach the edge (a Step Functions
 * `Catch` or a Lambda failure); the code is the signal error code.
 *
 * @example
 * try { normalizeEventOrThrow(event); } catch (error) { if (error instanceof SignalNormalizationError) log(error.issues); }
 */
export class SignalNormalizationError extends ArchitechError {
  readonly issues: SignalIssue[];

  constructor(error: SignalError) {
    super(error.code, error.message);
    this.issues = error.issues ?? [];
  }
}

/** Zod issues as signal issues, with their paths made relative to the whole input. */
export function toSignalIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: (string | number)[],
): SignalIssue[] {
  return issues.map((issue) => ({
    path: [
      ...prefix,
      ...issue.path.map((segment) => (typeof segment === "symbol" ? String(segment) : segment)),
    ],
    message: issue.message,
  }));
}

/** `a.b[0].c` — a path as people read it. */
export function formatIssuePath(path: readonly (string | number)[]): string {
  if (path.length === 0) return "(event)";
  return path.reduce<string>(
    (text, segment) =>
      typeof segment === "number" ? `${text}[${segment}]` : text === "" ? segment : `${text}.${segment}`,
    "",
  );
}

export function malformed(kind: EventKind, label: string, issues: SignalIssue[]): SignalError {
  const first = issues[0];
  const detail = first ? `${formatIssuePath(first.path)}: ${first.message}` : "no details";
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return { code: "MalformedEvent", message: `${label} is malformed: ${detail}${more}`, kind, issues };
}
