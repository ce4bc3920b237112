import type { SlackBlock, SlackMessage } from "../../ports/slack.ts";
import { MAX_LIST_ITEMS, SLACK_LIMITS, truncate } from "./mrkdwn.ts";

// The Block Kit pieces the builders share. Text given to `section`, `fields` and `context` is mrkdwn the
// caller has already escaped; these only enforce Slack's limits.

/** A header: plain text, one line, at most 150 characters. */
export function header(text: string): SlackBlock {
  const line = text.replace(/\s+/g, " ").trim() || "—";
  return {
    type: "header",
    text: { type: "plain_text", text: truncate(line, SLACK_LIMITS.headerText), emoji: true },
  };
}

/** A section of mrkdwn text, cut to Slack's 3000 characters. */
export function section(text: string): SlackBlock {
  return { type: "section", text: { type: "mrkdwn", text: truncate(text || "—", SLACK_LIMITS.sectionText) } };
}

/** A section of two-column fields (at most 10, 2000 characters each). */
export function fields(items: readonly string[]): SlackBlock {
  return {
    type: "section",
    fields: items.slice(0, 10).map((text) => ({ type: "mrkdwn", text: truncate(text || "—", 2000) })),
  };
}

/** A context line of small mrkdwn elements (at most 10). */
export function context(items: readonly string[]): SlackBlock {
  return {
    type: "context",
    elements: items
      .filter((text) => text !== "")
      .slice(0, SLACK_LIMITS.contextElements)
      .map((text) => ({ type: "mrkdwn", text: truncate(text, SLACK_LIMITS.sectionText) })),
  };
}

export function divider(): SlackBlock {
  return { type: "divider" };
}

export interface Button {
  text: string;
  actionId: string;
  value: string;
  style?: "primary" | "danger";
}

/** Buttons in one actions block. */
export function actions(blockId: string, buttons: readonly Button[]): SlackBlock {
  return {
    type: "actions",
    block_id: blockId.slice(0, 255),
    elements: buttons.map((b) => ({
      type: "button",
      text: { type: "plain_text", text: truncate(b.text, SLACK_LIMITS.buttonText), emoji: true },
      action_id: b.actionId,
      value: b.value.slice(0, SLACK_LIMITS.buttonValue),
      ...(b.style ? { style: b.style } : {}),
    })),
  };
}

/**
 * Lines of a list (already escaped), as many as fit in `maxChars` and `maxItems`, then "…and N more".
 *
 * @example
 * listText(["• a", "• b", "• c"], { maxItems: 2 }); // "• a\n• b\n…and 1 more"
 */
export function listText(
  lines: readonly string[],
  {
    maxItems = MAX_LIST_ITEMS,
    maxChars = SLACK_LIMITS.sectionText,
  }: { maxItems?: number; maxChars?: number } = {},
): string {
  // Room for the "…and N more" line, whatever N is.
  const reserve = 24;
  const shown: string[] = [];
  let length = 0;
  for (const line of lines) {
    if (shown.length >= maxItems) break;
    const budget = maxChars - reserve - length - (shown.length > 0 ? 1 : 0);
    // One line longer than the whole section is cut rather than dropped, so a list never shows nothing.
    const fitted = shown.length === 0 ? truncate(line, Math.max(1, budget)) : line;
    if (fitted.length > budget) break;
    shown.push(fitted);
    length += fitted.length + (shown.length > 1 ? 1 : 0);
  }
  const more = lines.length - shown.length;
  return more > 0 ? [...shown, `…and ${more} more`].join("\n") : shown.join("\n");
}

/**
 * The message as Slack takes it: the fallback text cut to its limit, at most 50 blocks, and the blocks'
 * text kept under what Slack accepts in total. What does not fit is dropped from the end and a last
 * context line says so — except the buttons, which a message exists for: actions blocks always stay, last.
 */
export function message(text: string, blocks: readonly SlackBlock[]): SlackMessage {
  const buttons = blocks.filter((b) => b.type === "actions");
  const rest = blocks.filter((b) => b.type !== "actions");
  const maxBlocks = SLACK_LIMITS.blocks - buttons.length - 1;
  const maxSize = SLACK_LIMITS.totalBlockText - buttons.reduce((sum, b) => sum + blockSize(b), 0);
  const kept: SlackBlock[] = [];
  let size = 0;
  for (const block of rest) {
    if (kept.length >= maxBlocks || size + blockSize(block) > maxSize) break;
    kept.push(block);
    size += blockSize(block);
  }
  const dropped = rest.length - kept.length;
  if (dropped > 0)
    kept.push(context([`…and ${dropped} more block(s) left out: too long for one Slack message`]));
  return { text: truncate(text, SLACK_LIMITS.messageText), blocks: [...kept, ...buttons] };
}

/** What a block weighs against Slack's total: its serialized length, markup included (an overestimate). */
function blockSize(block: SlackBlock): number {
  return JSON.stringify(block).length;
}
