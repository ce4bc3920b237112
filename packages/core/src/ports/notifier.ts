export interface Notification {
  /** Slack channel (`#ops` or a channel id). */
  channel: string;
  text: string;
  /** The run the notification is about, for threading and links. */
  runId?: string;
  severity: "info" | "warning" | "failure";
}

/** Where runs report to people: Slack in AWS, the live log on the embedded runtime. */
export interface Notifier {
  notify(notification: Notification): Promise<void>;
}
