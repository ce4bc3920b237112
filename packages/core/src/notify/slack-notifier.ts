import { createHash } from "node:crypto";
import { ArchitechError } from "../errors.ts";
import type { Notification, Notifier, RunNotice, RunNoticeRef } from "../ports/notifier.ts";
import type { SlackMessage, SlackMessageRef, SlackPort } from "../ports/slack.ts";
import type { Clock } from "../router/ports.ts";
import {
  buildAlarmThreadHeader,
  buildApprovalDecided,
  buildApprovalEscalation,
  buildApprovalRequest,
  buildCircuitBreakerTrip,
  buildOnCallReply,
  buildReport,
  buildRunMessage,
  type RunMessageState,
  SLACK_LIMITS,
  slackMention,
} from "../slack/blocks/index.ts";
import { escapeMrkdwn, truncate } from "../slack/blocks/mrkdwn.ts";
import { KeyPartSchema } from "../store/schema.ts";
import type { SlackThread, SlackThreadStore, SlackThreadSubject } from "../store/slack-thread.ts";

/** What was being said when Slack (or the store keeping its messages) failed. */
export interface NotifierFailure {
  /** The notice's kind, or `notify` for a free-form notification. */
  kind: RunNotice["kind"] | "notify";
  channel: string;
  runId?: string;
}

export interface SlackNotifierOptions {
  slack: SlackPort;
  /** Where the messages that are updated or threaded under are kept (the store). */
  threads: SlackThreadStore;
  clock: Clock;
  /** Where a run posts when its policy names no `notify.slack`. */
  defaultChannel: string;
  /**
   * Told of every delivery that failed. The notifier never throws for one: a run must not fail because
   * Slack did. Log it, count it; do not rethrow.
   */
  onError: (error: unknown, failure: NotifierFailure) => void;
}

/**
 * The {@link Notifier} on Slack. One message per run, posted when it starts and updated in place as it
 * goes (posted then if its start was never announced); a run an alarm started replies in that alarm
 * episode's thread, whose head the episode's first run posts; an approval is a message of its own in the
 * run's thread, updated once decided; a failure, an escalation and a circuit-breaker trip mention the
 * policy's on-call. Which message is whose is kept in the store, so that every Lambda finds it.
 *
 * @example
 * const notifier = new SlackNotifier({ slack, threads: store, clock, defaultChannel: "#architech", onError: (e) => logger.warn("slack", { e }) });
 * await notifier.announce({ kind: "run-started", run, status: "pending" });
 * await notifier.announce({ kind: "run-finished", run, status: "succeeded", reason: "alarm returned to OK" });
 */
export class SlackNotifier implements Notifier {
  readonly #slack: SlackPort;
  readonly #threads: SlackThreadStore;
  readonly #clock: Clock;
  readonly #defaultChannel: string;
  readonly #onError: SlackNotifierOptions["onError"];

  constructor(options: SlackNotifierOptions) {
    if (!options.defaultChannel?.trim()) {
      throw new ArchitechError("InvalidNotifierOptions", "defaultChannel must name a Slack channel");
    }
    if (typeof options.onError !== "function") {
      throw new ArchitechError(
        "InvalidNotifierOptions",
        "onError must be a function: failures are reported to it",
      );
    }
    this.#slack = options.slack;
    this.#threads = options.threads;
    this.#clock = options.clock;
    this.#defaultChannel = options.defaultChannel;
    this.#onError = options.onError;
  }

  /** A report or a digest; with a `runId` whose run has a message, it replies in that message's thread. */
  async notify(notification: Notification): Promise<void> {
    try {
      const body: SlackMessage = notification.blocks
        ? { text: fallbackText(notification), blocks: notification.blocks }
        : buildReport({
            text: notification.text,
            severity: notification.severity,
            ...(notification.mention ? { mention: notification.mention } : {}),
            ...(notification.runId ? { runId: notification.runId } : {}),
          });
      const run = notification.runId ? await this.#kept("run", notification.runId) : undefined;
      await this.#slack.postMessage({
        channel: run?.channel ?? notification.channel,
        ...(run ? { threadTs: run.ts } : {}),
        ...body,
      });
    } catch (error) {
      this.#report(error, {
        kind: "notify",
        channel: notification.channel,
        ...(notification.runId ? { runId: notification.runId } : {}),
      });
    }
  }

  async announce(notice: RunNotice): Promise<void> {
    try {
      await this.#deliver(notice);
    } catch (error) {
      this.#report(error, {
        kind: notice.kind,
        channel:
          notice.kind === "circuit-breaker"
            ? this.#channelOf(notice.notify)
            : this.#channelOf(notice.run.notify),
        ...("run" in notice ? { runId: notice.run.runId } : {}),
      });
    }
  }

  async #deliver(notice: RunNotice): Promise<void> {
    switch (notice.kind) {
      case "run-started":
        // Only ever the run's first message: the router announces a start after starting the workflow,
        // whose steps may already have said more, which a start must not overwrite.
        await this.#showRun(
          notice.run,
          { status: notice.status === "awaiting-approval" ? "awaiting-approval" : "started" },
          { firstOnly: true },
        );
        return;
      case "run-progress":
        await this.#showRun(notice.run, { status: "progress", step: notice.step });
        return;
      case "run-finished": {
        const shown = await this.#showRun(notice.run, { status: notice.status, reason: notice.reason });
        const oncall = notice.run.notify?.oncall;
        // A mention added by editing a message notifies nobody: the on-call is paged by a new reply.
        if (notice.status === "failed" && oncall && !shown.posted) {
          await this.#reply(
            notice.run,
            shown.ref,
            buildOnCallReply({ run: notice.run, oncall, reason: notice.reason }),
            { broadcast: true },
          );
        }
        return;
      }
      case "approval-requested": {
        const { ref } = await this.#showRun(notice.run, { status: "awaiting-approval" });
        const body = buildApprovalRequest(notice);
        const kept = await this.#kept("approval", notice.approvalId);
        if (kept) {
          // The step asking again (a retry): the message it already posted is the approval's.
          await this.#slack.updateMessage({ channel: kept.channel, ts: kept.ts, ...body });
          return;
        }
        const root = (await this.#threadRoot(notice.run, ref)) ?? ref;
        // In the run's thread, and in the channel too: an approval must not wait unseen in a thread.
        const posted = await this.#slack.postMessage({
          channel: root.channel,
          threadTs: root.ts,
          broadcast: true,
          ...body,
        });
        await this.#keep("approval", notice.approvalId, posted, body);
        return;
      }
      case "approval-decided": {
        const kept = await this.#kept("approval", notice.approvalId);
        // No approval message to take the buttons off: nothing to say that the run's message will not.
        if (!kept) return;
        const body = buildApprovalDecided({ ...notice, at: this.#clock.now().toISOString() });
        await this.#slack.updateMessage({ channel: kept.channel, ts: kept.ts, ...body });
        return;
      }
      case "approval-escalated": {
        const run = await this.#kept("run", notice.run.runId);
        await this.#reply(notice.run, run, buildApprovalEscalation(notice), { broadcast: true });
        return;
      }
      case "circuit-breaker":
        await this.#slack.postMessage({
          channel: this.#channelOf(notice.notify),
          ...buildCircuitBreakerTrip({
            policy: notice.policy,
            detail: notice.detail,
            ...(notice.notify?.oncall ? { oncall: notice.notify.oncall } : {}),
          }),
        });
        return;
    }
  }

  /**
   * Shows the run's one message in `state`: updates the message kept for the run, or posts it (in its
   * alarm episode's thread when an alarm started the run) and keeps it. `firstOnly` leaves a message
   * already there as it is.
   */
  async #showRun(
    run: RunNoticeRef,
    state: RunMessageState,
    { firstOnly = false }: { firstOnly?: boolean } = {},
  ): Promise<{ ref: SlackMessageRef; posted: boolean }> {
    const body = buildRunMessage({ run, state, at: this.#clock.now().toISOString() });
    const kept = await this.#kept("run", run.runId);
    if (kept) {
      if (!firstOnly) await this.#slack.updateMessage({ channel: kept.channel, ts: kept.ts, ...body });
      return { ref: kept, posted: false };
    }
    const alarm = run.trigger.alarm ? await this.#alarmThread(run) : undefined;
    const posted = await this.#slack.postMessage({
      channel: alarm?.channel ?? this.#channelOf(run.notify),
      ...(alarm ? { threadTs: alarm.ts } : {}),
      ...body,
    });
    return { ref: await this.#keep("run", run.runId, posted, firstOnly ? undefined : body), posted: true };
  }

  /** The alarm episode's thread head: the kept one, or posted now by the episode's first run. */
  async #alarmThread(run: RunNoticeRef): Promise<SlackMessageRef | undefined> {
    const alarm = run.trigger.alarm;
    if (!alarm) return undefined;
    const id = alarmEpisodeId(alarm);
    const kept = await this.#kept("alarm", id);
    if (kept) return kept;
    const body = buildAlarmThreadHeader({ alarm });
    const posted = await this.#slack.postMessage({ channel: this.#channelOf(run.notify), ...body });
    return this.#keep("alarm", id, posted);
  }

  /**
   * Where replies about a run go: its alarm episode's thread (Slack threads are one level deep, and the
   * run's message is itself a reply there), or the thread of the run's message.
   */
  async #threadRoot(
    run: RunNoticeRef,
    runMessage: SlackMessageRef | undefined,
  ): Promise<SlackMessageRef | undefined> {
    return (run.trigger.alarm ? await this.#alarmThread(run) : undefined) ?? runMessage;
  }

  /** A reply in the run's thread; at the top of the channel when the run has none. */
  async #reply(
    run: RunNoticeRef,
    runMessage: SlackMessageRef | undefined,
    body: SlackMessage,
    { broadcast = false }: { broadcast?: boolean } = {},
  ): Promise<void> {
    const root = await this.#threadRoot(run, runMessage);
    await this.#slack.postMessage({
      channel: root?.channel ?? this.#channelOf(run.notify),
      ...(root ? { threadTs: root.ts, ...(broadcast ? { broadcast } : {}) } : {}),
      ...body,
    });
  }

  #kept(subject: SlackThreadSubject, id: string): Promise<SlackThread | undefined> {
    return this.#threads.getSlackThread({ subject, id: keyOf(id) });
  }

  /**
   * Keeps a posted message. When another writer kept one first (two deliveries racing: the router's start
   * notice and the workflow's first step), theirs is the one everybody updates from now on; it gets
   * `body`, when given, as the newer content, and the message posted here is deleted, so that the run
   * still reads as one message.
   */
  async #keep(
    subject: SlackThreadSubject,
    id: string,
    posted: SlackMessageRef,
    body?: SlackMessage,
  ): Promise<SlackMessageRef> {
    const result = await this.#threads.recordSlackThread({
      subject,
      id: keyOf(id),
      channel: posted.channel,
      ts: posted.ts,
    });
    if (result.recorded) return posted;
    const { channel, ts } = result.existing;
    await this.#slack.deleteMessage(posted);
    if (body) await this.#slack.updateMessage({ channel, ts, ...body });
    return { channel, ts };
  }

  #channelOf(notify: { slack: string } | undefined): string {
    return notify?.slack ?? this.#defaultChannel;
  }

  #report(error: unknown, failure: NotifierFailure): void {
    try {
      this.#onError(error, failure);
    } catch {
      // The hook failing must not fail the run either.
    }
  }
}

/**
 * The id an alarm episode's thread is kept under: `<alarm arn>@<when it went to ALARM>`, so that every
 * run of one episode shares the thread and the next episode starts another.
 *
 * @example
 * alarmEpisodeId({ arn: "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-5xx-rate", since: "2026-12-01T10:00:00.000Z" });
 * // "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:checkout-api-5xx-rate@2026-12-01T10:00:00.000Z"
 */
export function alarmEpisodeId(alarm: { arn: string; since: string }): string {
  return `${alarm.arn}@${alarm.since}`;
}

/** A notification's plain text as Slack's fallback: escaped, cut, and mentioning the on-call on a failure. */
function fallbackText(notification: Notification): string {
  const who =
    notification.severity === "failure" && notification.mention
      ? `${slackMention(notification.mention)} `
      : "";
  return truncate(`${who}${escapeMrkdwn(notification.text)}`, SLACK_LIMITS.messageText);
}

/** Ids become key parts: one that a key cannot hold (a `#` in an alarm name, over 512 characters) is hashed. */
function keyOf(id: string): string {
  return KeyPartSchema.safeParse(id).success ? id : `sha256:${createHash("sha256").update(id).digest("hex")}`;
}
