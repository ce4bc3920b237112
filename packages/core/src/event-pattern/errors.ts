import { ArchitechError } from "../errors.ts";

/**
 * An event pattern that EventBridge would refuse (`InvalidEventPatternException`). `reason` carries the
 * service's own wording where it is known, so that a message can be compared with what `PutRule` or
 * `TestEventPattern` answers; the message reads as the service's does.
 *
 * @example
 * try {
 *   compileEventPattern({ source: "aws.ec2" });
 * } catch (error) {
 *   if (error instanceof InvalidEventPatternError) console.error(error.reason);
 *   // → "source" must be an object or an array
 * }
 */
export class InvalidEventPatternError extends ArchitechError {
  /** The reason the service gives, without the "Event pattern is not valid." preamble. */
  readonly reason: string;

  constructor(reason: string, options?: { cause?: unknown }) {
    super("InvalidEventPattern", `Event pattern is not valid. Reason: ${reason}`, options);
    this.reason = reason;
  }
}
