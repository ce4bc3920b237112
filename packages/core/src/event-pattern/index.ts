// The EventBridge event-pattern engine: compile once, match many events, against one pattern or many.
// Semantics: the EventBridge User Guide (eb-event-patterns, eb-event-patterns-arrays,
// eb-event-patterns-content-based-filtering, eb-create-pattern-operators), and where the service differs
// from it, what the service does (it matches with Event Ruler; see the conformance suite).
import { compileClauses } from "./compile.ts";
import { CompiledPattern, compileEventPattern } from "./compiled-pattern.ts";
import { InvalidEventPatternError } from "./errors.ts";

export { type CompiledEventPattern, compileEventPattern } from "./compiled-pattern.ts";
export { InvalidEventPatternError } from "./errors.ts";
export { FlattenedEvent, flattenEvent, Leaf, LeafKind, type Membership } from "./flatten.ts";
export { EventPatternSet } from "./pattern-set.ts";

/**
 * One-shot matching: compiles `pattern` (a JavaScript value or JSON text; a compiled pattern is used as
 * it is) and tests `event` (a JavaScript value, JSON text or a flattened event). Throws
 * {@link InvalidEventPatternError} for an invalid pattern; never throws because of the event. Compile
 * once with {@link compileEventPattern} to match many events.
 *
 * @example
 * matchesEventPattern({ detail: { state: ["running"] } }, { detail: { "state.status": "x", state: "running" } });
 * // → true
 */
export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  const compiled = pattern instanceof CompiledPattern ? pattern : compileEventPattern(pattern);
  return compiled.matches(event);
}

export type EventPatternValidation = { valid: true } | { valid: false; reason: string };

/**
 * Checks a pattern without keeping it: `{ valid: false, reason }` carries the reason EventBridge gives
 * (the text after "Event pattern is not valid. Reason: ").
 *
 * @example
 * validateEventPattern({ resources: [] }); // → { valid: false, reason: "Empty arrays are not allowed" }
 */
export function validateEventPattern(pattern: unknown): EventPatternValidation {
  try {
    compileClauses(pattern);
    return { valid: true };
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return { valid: false, reason: error.reason };
    throw error;
  }
}
