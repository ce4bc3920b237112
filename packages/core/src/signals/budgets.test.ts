import { describe, expect, it } from "vitest";
import { parseBudgetsMessage } from "./budgets.ts";
import { normalizeEvent } from "./normalize.ts";
import { readEventFixture, readEventFixtureText, signalOf } from "./test-support.ts";

describe("parseBudgetsMessage", () => {
  it("reads a monthly ACTUAL notification whose budget name has a space", () => {
    // Prepare
    const text = readEventFixtureText("budgets/message.actual.monthly.txt");

    // Act
    const parsed = parseBudgetsMessage(text);

    // Assess
    expect(parsed).toEqual({
      ok: true,
      message: {
        notificationDate: "March 02, 2026",
        account: "123456789012",
        budgetName: "platform nonprod",
        budgetType: "Cost",
        budgetedAmount: { value: 600, currency: "USD", percent: false, text: "$600.00" },
        alertType: "ACTUAL",
        comparison: ">",
        threshold: { value: 480, currency: "USD", percent: false, text: "$480.00" },
        amount: { value: 512.37, currency: "USD", percent: false, text: "$512.37" },
        period: "monthly",
      },
    });
  });

  it("reads thousands separators and CRLF line ends", () => {
    const text = readEventFixtureText("budgets/message.actual.monthly.txt")
      .replace("Budgeted Amount: $600.00", "Budgeted Amount: $12,500.00")
      .replaceAll("\n", "\r\n");

    const parsed = parseBudgetsMessage(text);

    expect(parsed.ok && parsed.message.budgetedAmount.value).toBe(12500);
  });

  it("lists what is missing from an incomplete notification", () => {
    const text = readEventFixtureText("budgets/message.actual.monthly.txt")
      .replace(/^Budget Name: .*$/m, "")
      .replace(/^ACTUAL Amount: .*$/m, "");

    const parsed = parseBudgetsMessage(text);

    expect(parsed).toEqual({ ok: false, problems: ['no "Budget Name:" line', 'no "ACTUAL Amount:" line'] });
  });

  it("keeps a unit it does not know as written", () => {
    const text = readEventFixtureText("budgets/message.actual.monthly.txt").replace(
      "Budgeted Amount: $600.00",
      "Budgeted Amount: constructor600.00",
    );

    const parsed = parseBudgetsMessage(text);

    expect(parsed.ok && parsed.message.budgetedAmount).toMatchObject({ value: 600, currency: "constructor" });
  });

  it("does not take arbitrary text for a notification", () => {
    const parsed = parseBudgetsMessage("Hello from SNS");

    expect(parsed.ok).toBe(false);
  });
});

describe("AWS Budgets notification through SNS", () => {
  it("reads budget, threshold and actual amount, with percentages of the budget", () => {
    const signal = signalOf(
      normalizeEvent(readEventFixture("budgets/sns.actual.monthly.json")),
      "budget-threshold",
    );

    expect(signal).toMatchObject({
      id: "1f6c9a3e-5b82-5d47-a0e1-9c3f7b2d8e64",
      time: "2026-03-02T06:12:40.518Z",
      account: "123456789012",
      region: "us-east-1",
      budgetName: "platform nonprod",
      budgetType: "Cost",
      alertType: "ACTUAL",
      period: "monthly",
      currency: "USD",
      budgetedAmount: 600,
      thresholdAmount: 480,
      thresholdPercent: 80,
      comparison: ">",
      amount: 512.37,
      amountPercent: 85.4,
      actualAmount: 512.37,
      forecastedAmount: null,
      subject: "AWS Budgets: platform nonprod has exceeded your alert threshold",
      topicArn: "arn:aws:sns:us-east-1:123456789012:architech-budget-alerts",
      source: { service: "aws.budgets", kind: "budgets-notification", envelopes: ["sns"] },
    });
  });

  it("reads a daily budget", () => {
    const signal = signalOf(
      normalizeEvent(readEventFixture("budgets/sns.actual.daily.json")),
      "budget-threshold",
    );

    expect([signal.period, signal.thresholdPercent, signal.actualAmount]).toEqual(["daily", 80, 57.12]);
  });

  it("reads a FORECASTED alert into forecastedAmount", () => {
    const signal = signalOf(
      normalizeEvent(readEventFixture("budgets/sns.forecasted.monthly.json")),
      "budget-threshold",
    );

    expect([signal.alertType, signal.thresholdPercent, signal.forecastedAmount, signal.actualAmount]).toEqual(
      ["FORECASTED", 100, 688.4, null],
    );
  });

  it("reads the same alert delivered SNS → SQS (the body is the SNS notification document)", () => {
    const viaSqs = signalOf(
      normalizeEvent(readEventFixture("budgets/sqs.forecasted.monthly.json")),
      "budget-threshold",
    );
    const viaSns = signalOf(
      normalizeEvent(readEventFixture("budgets/sns.forecasted.monthly.json")),
      "budget-threshold",
    );

    expect(viaSqs.source.envelopes).toEqual(["sqs", "sns"]);
    const { raw: _rawSqs, source: _sourceSqs, ...fromSqs } = viaSqs;
    const { raw: _rawSns, source: _sourceSns, ...fromSns } = viaSns;
    expect(fromSqs).toEqual(fromSns);
  });

  it("reads a notification delivered SNS → SQS with raw message delivery (the body is the text)", () => {
    // Prepare
    const event = readEventFixture("budgets/sqs.forecasted.monthly.json") as { Records: { body: string }[] };
    const record = event.Records[0];
    if (!record) throw new Error("fixture has a record");
    record.body = (JSON.parse(record.body) as { Message: string }).Message;

    // Act
    const signal = signalOf(normalizeEvent(event), "budget-threshold");

    // Assess
    expect(signal).toMatchObject({
      id: "5e9d2b7a-1f48-4c36-a8e0-2b7f4d1c9e53",
      time: "2026-03-09T07:30:02.061Z",
      region: "us-east-1",
      budgetName: "platform nonprod",
      subject: null,
      source: { envelopes: ["sqs"] },
    });
  });

  it("reports a broken notification as malformed, pointing at the SNS message", () => {
    const event = readEventFixture("budgets/sns.actual.monthly.json") as {
      Records: { Sns: { Message: string } }[];
    };
    const record = event.Records[0];
    if (!record) throw new Error("fixture has a record");
    record.Sns.Message = record.Sns.Message.replace(
      "Alert Threshold: > $480.00",
      "Alert Threshold: eighty percent",
    );

    const result = normalizeEvent(event);

    expect(result).toMatchObject({
      ok: false,
      error: { code: "MalformedEvent", kind: "budgets-notification" },
    });
    expect(result.ok ? undefined : result.error.issues).toEqual([
      { path: ["Records", 0, "Sns", "Message"], message: 'unreadable alert threshold "eighty percent"' },
    ]);
  });

  it("reads a threshold written as a percentage (not yet seen in real notifications)", () => {
    const event = readEventFixture("budgets/sns.actual.monthly.json") as {
      Records: { Sns: { Message: string } }[];
    };
    const record = event.Records[0];
    if (!record) throw new Error("fixture has a record");
    record.Sns.Message = record.Sns.Message.replace("Alert Threshold: > $480.00", "Alert Threshold: > 80%");

    const signal = signalOf(normalizeEvent(event), "budget-threshold");

    expect([signal.thresholdAmount, signal.thresholdPercent]).toEqual([480, 80]);
  });

  it("says an SNS text message that is not from Budgets is of an unknown kind", () => {
    const event = readEventFixture("budgets/sns.actual.monthly.json") as {
      Records: { Sns: { Message: string } }[];
    };
    const record = event.Records[0];
    if (!record) throw new Error("fixture has a record");
    record.Sns.Message = "Deployment finished";

    expect(normalizeEvent(event)).toMatchObject({ ok: false, error: { code: "UnknownEventKind" } });
  });
});
