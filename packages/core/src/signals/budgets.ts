import { z } from "zod";
import { arnRegion } from "./arn.ts";
import {
  type BudgetPeriod,
  BudgetPeriodSchema,
  type BudgetThresholdSignal,
  type Delivery,
} from "./signal.ts";
import { isoTimestamp } from "./time.ts";

// AWS Budgets alerts never reach EventBridge (only Budgets API calls do, via CloudTrail): they reach
// automation through an SNS topic, as plain text. The text is not documented; the layout below is the
// one of real notifications (monthly and daily, ACTUAL and FORECASTED, 2021–2026):
//
//   AWS Budget Notification July 05, 2021
//   AWS Account 058100963274
//
//   Dear AWS Customer,
//
//   You requested that we alert you when the ACTUAL Cost associated with your teste budget is greater
//   than $21.00 for the current month. The ACTUAL Cost associated with this budget is $41.45. …
//
//   Budget Name: teste
//   Budget Type: Cost
//   Budgeted Amount: $100.00
//   Alert Type: ACTUAL
//   Alert Threshold: > $21.00
//   ACTUAL Amount: $41.45
//
// The labelled lines carry the facts, so the parser reads those; only the period comes from the prose
// ("for the current month", "per day. Yesterday, …").

/** The first line of every Budgets notification; how a message is recognised as one. */
export const BUDGETS_NOTIFICATION_HEADING = "AWS Budget Notification";

/** An amount as Budgets writes it: `$41.45`, or (by analogy, not yet seen) a value with a unit or `%`. */
export const BudgetAmountSchema = z.object({
  value: z.number(),
  /** ISO 4217 code for a known currency symbol; otherwise the symbol or unit as written; null if none. */
  currency: z.string().nullable(),
  percent: z.boolean(),
  text: z.string(),
});
export type BudgetAmount = z.infer<typeof BudgetAmountSchema>;

/** What a Budgets notification says, read from its text. */
export const BudgetsMessageSchema = z.object({
  /** The date in the heading, as written (`July 05, 2021`). */
  notificationDate: z.string(),
  account: z.string(),
  budgetName: z.string().min(1),
  budgetType: z.string(),
  budgetedAmount: BudgetAmountSchema,
  alertType: z.enum(["ACTUAL", "FORECASTED"]),
  comparison: z.enum([">", "<", "="]),
  threshold: BudgetAmountSchema,
  /** The `ACTUAL Amount` or `FORECASTED Amount` line. */
  amount: BudgetAmountSchema,
  period: BudgetPeriodSchema.nullable(),
});
export type BudgetsMessage = z.infer<typeof BudgetsMessageSchema>;

export type BudgetsMessageParse = { ok: true; message: BudgetsMessage } | { ok: false; problems: string[] };

const CURRENCY_SYMBOLS: ReadonlyMap<string, string> = new Map([
  ["$", "USD"],
  ["€", "EUR"],
  ["£", "GBP"],
  ["¥", "JPY"],
  ["₹", "INR"],
]);
const AMOUNT = /^(?<prefix>[^\d\s+-]*)\s*(?<number>[+-]?\d[\d,]*(?:\.\d+)?)\s*(?<suffix>\S*)$/u;

function parseAmount(text: string): BudgetAmount | undefined {
  const match = AMOUNT.exec(text.trim());
  const groups = match?.groups;
  if (!groups) return undefined;
  const prefix = groups.prefix ?? "";
  const suffix = groups.suffix ?? "";
  const value = Number((groups.number ?? "").replaceAll(",", ""));
  if (!Number.isFinite(value)) return undefined;
  const percent = suffix === "%";
  const written = prefix !== "" ? prefix : percent ? "" : suffix;
  return {
    value,
    currency: written === "" ? null : (CURRENCY_SYMBOLS.get(written) ?? written),
    percent,
    text: text.trim(),
  };
}

// Daily and monthly wordings are observed; quarterly and annual ones follow the monthly pattern and are
// an assumption until a real notification shows them.
const PERIOD_WORDINGS: [RegExp, BudgetPeriod][] = [
  [/\bper day\b/i, "daily"],
  [/\bfor the current month\b/i, "monthly"],
  [/\bfor the current quarter\b/i, "quarterly"],
  [/\bfor the current year\b/i, "annually"],
];

/**
 * Reads the plain text of an AWS Budgets notification (the `Message` of the SNS notification).
 * Never throws: text that is not a complete notification gives the list of what is missing.
 *
 * @example
 * const parsed = parseBudgetsMessage(record.Sns.Message);
 * if (parsed.ok) console.log(parsed.message.budgetName, parsed.message.amount.value);
 */
export function parseBudgetsMessage(text: string): BudgetsMessageParse {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  const problems: string[] = [];
  const heading = lines.find((line) => line.startsWith(BUDGETS_NOTIFICATION_HEADING));
  if (heading === undefined) problems.push(`no "${BUDGETS_NOTIFICATION_HEADING}" heading`);
  const accountLine = lines.map((line) => /^AWS Account (\S+)$/.exec(line)).find((match) => match !== null);
  if (!accountLine) problems.push(`no "AWS Account <id>" line`);

  const labelled = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(": ");
    if (colon > 0 && !labelled.has(line.slice(0, colon)))
      labelled.set(line.slice(0, colon), line.slice(colon + 2).trim());
  }
  const field = (label: string): string | undefined => {
    const value = labelled.get(label);
    if (value === undefined || value === "") problems.push(`no "${label}:" line`);
    return value;
  };

  const budgetName = field("Budget Name");
  const budgetType = field("Budget Type");
  const budgetedText = field("Budgeted Amount");
  const alertType = field("Alert Type");
  const thresholdText = field("Alert Threshold");
  if (alertType !== undefined && alertType !== "ACTUAL" && alertType !== "FORECASTED") {
    problems.push(`unknown alert type "${alertType}"`);
  }
  const amountText =
    alertType === "ACTUAL" || alertType === "FORECASTED" ? field(`${alertType} Amount`) : undefined;

  const budgetedAmount = budgetedText === undefined ? undefined : parseAmount(budgetedText);
  if (budgetedText !== undefined && budgetedAmount === undefined)
    problems.push(`unreadable budgeted amount "${budgetedText}"`);
  const amount = amountText === undefined ? undefined : parseAmount(amountText);
  if (amountText !== undefined && amount === undefined)
    problems.push(`unreadable ${alertType} amount "${amountText}"`);
  const thresholdMatch = thresholdText === undefined ? null : /^([<>=])\s*(.+)$/.exec(thresholdText);
  const threshold = thresholdMatch?.[2] === undefined ? undefined : parseAmount(thresholdMatch[2]);
  if (thresholdText !== undefined && threshold === undefined)
    problems.push(`unreadable alert threshold "${thresholdText}"`);

  if (
    problems.length > 0 ||
    heading === undefined ||
    !accountLine?.[1] ||
    budgetName === undefined ||
    budgetType === undefined ||
    budgetedAmount === undefined ||
    threshold === undefined ||
    amount === undefined ||
    (alertType !== "ACTUAL" && alertType !== "FORECASTED")
  ) {
    return { ok: false, problems: problems.length > 0 ? problems : ["incomplete notification"] };
  }
  return {
    ok: true,
    message: {
      notificationDate: heading.slice(BUDGETS_NOTIFICATION_HEADING.length).trim(),
      account: accountLine[1],
      budgetName,
      budgetType,
      budgetedAmount,
      alertType,
      comparison: thresholdMatch?.[1] === "<" ? "<" : thresholdMatch?.[1] === "=" ? "=" : ">",
      threshold,
      amount,
      period: PERIOD_WORDINGS.find(([wording]) => wording.test(text))?.[1] ?? null,
    },
  };
}

/** The text of a Budgets notification, parsed: the schema of the `budgets-notification` kind. */
export const BudgetsNotificationTextSchema = z.string().transform((text, context): BudgetsMessage => {
  const parsed = parseBudgetsMessage(text);
  if (parsed.ok) return parsed.message;
  for (const problem of parsed.problems) context.addIssue({ code: "custom", message: problem });
  return z.NEVER;
});

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** `July 05, 2021` → `2021-07-05T00:00:00.000Z`; used only when the delivery has no timestamp. */
function headingDate(text: string): string | null {
  const match = /^([A-Z][a-z]+) (\d{1,2}), (\d{4})$/.exec(text);
  const month = match?.[1] === undefined ? -1 : MONTHS.indexOf(match[1]);
  if (!match || month < 0) return null;
  return new Date(Date.UTC(Number(match[3]), month, Number(match[2]))).toISOString();
}

const percentOf = (value: number, of: number): number | null =>
  of > 0 ? Math.round((value / of) * 100 * 100) / 100 : null;

export function budgetSignalFromMessage(message: BudgetsMessage, delivery: Delivery): BudgetThresholdSignal {
  const budgeted = message.budgetedAmount.value;
  const thresholdAmount = message.threshold.percent
    ? Math.round(budgeted * message.threshold.value) / 100
    : message.threshold.value;
  const time =
    (delivery.sns === undefined ? null : isoTimestamp(delivery.sns.timestamp)) ??
    delivery.sqs?.sentAt ??
    headingDate(message.notificationDate) ??
    new Date(0).toISOString();
  return {
    type: "budget-threshold",
    id:
      delivery.sns?.messageId ??
      delivery.sqs?.messageId ??
      `${message.account}:${message.budgetName}:${message.alertType}:${message.notificationDate}`,
    time,
    account: message.account,
    region: arnRegion(delivery.sns?.topicArn) ?? delivery.sqs?.region ?? null,
    resources: [],
    source: { service: "aws.budgets", kind: "budgets-notification", envelopes: delivery.envelopes },
    raw: delivery.raw,
    budgetName: message.budgetName,
    budgetType: message.budgetType,
    alertType: message.alertType,
    period: message.period,
    currency: message.budgetedAmount.currency ?? message.amount.currency,
    budgetedAmount: budgeted,
    thresholdAmount,
    thresholdPercent: message.threshold.percent
      ? message.threshold.value
      : percentOf(thresholdAmount, budgeted),
    comparison: message.comparison,
    amount: message.amount.value,
    amountPercent: percentOf(message.amount.value, budgeted),
    actualAmount: message.alertType === "ACTUAL" ? message.amount.value : null,
    forecastedAmount: message.alertType === "FORECASTED" ? message.amount.value : null,
    subject: delivery.sns?.subject ?? null,
    topicArn: delivery.sns?.topicArn ?? null,
  };
}
