import { describe, expect, it } from "vitest";
import type { SlackBlock } from "../ports/slack.ts";
import { normalizeEvent } from "../signals/normalize.ts";
import type { AlarmSignal } from "../signals/signal.ts";
import { readEventFixture, signalOf } from "../signals/test-support.ts";
import { buildOpsAlarmNotice, cloudWatchAlarmUrl } from "./ops-alarm.ts";

const FIXTURE_URL =
  "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/checkout-api-cpu-high";

/** The alarm of the real SNS-wrapped CloudWatch notification in test/events/. */
function snsAlarm(): AlarmSignal {
  return signalOf(normalizeEvent(readEventFixture("cloudwatch/sns.alarm.json")), "alarm");
}

/** The mrkdwn of a message's blocks, in order: what Slack reads markup in (a header is plain text). */
function mrkdwn(blocks: readonly SlackBlock[] | undefined): string[] {
  const objects = (blocks ?? []).flatMap((block) => {
    const b = block as { text?: unknown; fields?: unknown[]; elements?: unknown[] };
    return [b.text, ...(b.fields ?? []), ...(b.elements ?? [])];
  });
  return objects
    .filter((o): o is { type: "mrkdwn"; text: string } => (o as { type?: string })?.type === "mrkdwn")
    .map((o) => o.text);
}

describe("buildOpsAlarmNotice", () => {
  it("posts an alarm going to ALARM as a failure: name, change, reason and the console link of its region", () => {
    const alarm = snsAlarm();

    const notice = buildOpsAlarmNotice(alarm, "#ops");

    expect(notice).toMatchObject({ channel: "#ops", severity: "failure" });
    expect(notice.mention).toBeUndefined();
    expect(notice.blocks?.[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "ALARM: checkout-api-cpu-high", emoji: true },
    });
    const shown = mrkdwn(notice.blocks);
    expect(shown[0]).toMatch(/^:x: checkout-api CPU above 80% for 5 minutes\nThreshold Crossed: 1 out of/);
    expect(shown).toEqual(
      expect.arrayContaining([
        "*Alarm*\ncheckout-api-cpu-high",
        "*State change*\nOK → ALARM",
        "*Since*\n2026-03-02T10:14:59.873Z",
        "*Region*\neu-west-1",
        "*Account*\n123456789012",
      ]),
    );
    expect(notice.blocks?.at(-1)).toEqual({
      type: "context",
      elements: [{ type: "mrkdwn", text: `<${FIXTURE_URL}|Open in the CloudWatch console>` }],
    });
    expect(notice.text).toBe(`ALARM: checkout-api-cpu-high (OK → ALARM): ${alarm.reason} ${FIXTURE_URL}`);
  });

  it("posts a recovery to OK as info, and missing data as a warning", () => {
    const alarm = snsAlarm();

    const ok = buildOpsAlarmNotice({ ...alarm, previousState: "ALARM", state: "OK" }, "C0OPS000001");
    const missing = buildOpsAlarmNotice(
      { ...alarm, previousState: "OK", state: "INSUFFICIENT_DATA" },
      "#ops",
    );

    expect(ok).toMatchObject({ channel: "C0OPS000001", severity: "info" });
    expect(ok.blocks?.[0]).toMatchObject({ text: { text: "OK: checkout-api-cpu-high" } });
    expect(mrkdwn(ok.blocks)).toContain("*State change*\nALARM → OK");
    expect(mrkdwn(ok.blocks)[0]).toMatch(/^:information_source: /);
    expect(missing.severity).toBe("warning");
    expect(mrkdwn(missing.blocks)[0]).toMatch(/^:warning: /);
  });

  it("shows what AWS wrote as text, never as markup, and encodes the name in the link", () => {
    const alarm: AlarmSignal = {
      ...snsAlarm(),
      alarmName: "api <!channel> & co/5xx",
      description: null,
      reason: "p95 > 2 s <@U0EVIL0001>",
      previousState: null,
    };

    const notice = buildOpsAlarmNotice(alarm, "#ops");

    const shown = mrkdwn(notice.blocks).join("\n");
    expect(shown).not.toContain("<!channel>");
    expect(shown).not.toContain("<@U0EVIL0001>");
    expect(shown).toContain("p95 &gt; 2 s &lt;@U0EVIL0001&gt;");
    expect(shown).toContain("*State change*\n? → ALARM");
    expect(notice.blocks?.at(-1)).toEqual({
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text:
            "<https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1" +
            "#alarmsV2:alarm/api%20%3C!channel%3E%20%26%20co%2F5xx|Open in the CloudWatch console>",
        },
      ],
    });
  });

  it("leaves the link out when the alarm's region is unknown", () => {
    const notice = buildOpsAlarmNotice({ ...snsAlarm(), region: null }, "#ops");

    expect(mrkdwn(notice.blocks).join("\n")).not.toContain("console");
    expect(notice.text).not.toContain("https://");
  });
});

describe("cloudWatchAlarmUrl", () => {
  it("links the console of the alarm's region, in its partition", () => {
    expect(cloudWatchAlarmUrl("eu-west-1", "checkout-api-cpu-high")).toBe(FIXTURE_URL);
    expect(cloudWatchAlarmUrl("cn-north-1", "a")).toBe(
      "https://console.amazonaws.cn/cloudwatch/home?region=cn-north-1#alarmsV2:alarm/a",
    );
    expect(cloudWatchAlarmUrl("us-gov-west-1", "a")).toBe(
      "https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#alarmsV2:alarm/a",
    );
  });

  it("builds no link from something that is not a region name", () => {
    expect(cloudWatchAlarmUrl("evil.example.com/x", "a")).toBeUndefined();
    expect(cloudWatchAlarmUrl("", "a")).toBeUndefined();
  });
});
