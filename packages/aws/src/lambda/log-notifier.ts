import type { Notification, Notifier } from "@architech/core";
import type { Logger } from "@aws-lambda-powertools/logger";

/**
 * Writes notifications to the function's structured log (one entry each, with channel, run and
 * severity), where a metric filter or a log subscription can pick them up. The Slack notifier replaces it
 * where a Slack app is configured.
 */
export class LogNotifier implements Notifier {
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  async notify(notification: Notification): Promise<void> {
    const entry = { notification: { ...notification } };
    if (notification.severity === "failure") this.#logger.error(notification.text, entry);
    else if (notification.severity === "warning") this.#logger.warn(notification.text, entry);
    else this.#logger.info(notification.text, entry);
  }
}
