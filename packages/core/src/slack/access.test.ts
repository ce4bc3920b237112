import { describe, expect, it, vi } from "vitest";
import { ACCESS_AUDIT_KIND, auditAccessDenied, checkSlackAccess, USER_GROUP_CACHE_MS } from "./access.ts";
import { type SlackSettingsInput, SlackSettingsSchema } from "./settings.ts";
import {
  ALICE,
  BOB,
  fakeSlack,
  MemoryStore,
  NOW_DATE,
  ONCALL_GROUP,
  OPS_CHANNEL,
  OTHER_CHANNEL,
} from "./test-support.ts";

function settingsOf(input: SlackSettingsInput = {}) {
  return SlackSettingsSchema.parse(input);
}

describe("checkSlackAccess", () => {
  it("opens the read-only commands to everyone without a rule", async () => {
    // Prepare
    const settings = settingsOf();

    // Act
    const decisions = await Promise.all(
      ["help", "status", "runs", "run"].map((command) =>
        checkSlackAccess({ settings }, { command, userId: ALICE, channelId: OTHER_CHANNEL }),
      ),
    );

    // Assess
    expect(decisions.every((d) => d.allowed)).toBe(true);
  });

  it("denies every command that changes something without a rule", async () => {
    // Prepare
    const settings = settingsOf();

    // Act
    const decisions = await Promise.all(
      [
        "rollback",
        "rightsize",
        "cleanup",
        "verify-backup",
        "approve",
        "deny",
        "pause",
        "resume",
        "restart",
      ].map((command) => checkSlackAccess({ settings }, { command, userId: ALICE, channelId: OPS_CHANNEL })),
    );

    // Assess
    for (const decision of decisions) {
      expect(decision).toEqual({
        allowed: false,
        rule: "none",
        reason: expect.stringContaining("no access rule allows it"),
      });
    }
  });

  it("finds no rule for a command named like an object property", async () => {
    // Prepare
    const settings = settingsOf({ access: { pause: { users: [ALICE] } } });

    // Act
    const decision = await checkSlackAccess(
      { settings },
      { command: "constructor", userId: ALICE, channelId: OPS_CHANNEL },
    );

    // Assess
    expect(decision).toMatchObject({ allowed: false, rule: "none" });
  });

  it("allows a listed user and refuses another", async () => {
    // Prepare
    const settings = settingsOf({ access: { pause: { users: [ALICE] } } });

    // Act
    const alice = await checkSlackAccess(
      { settings },
      { command: "pause", userId: ALICE, channelId: OPS_CHANNEL },
    );
    const bob = await checkSlackAccess(
      { settings },
      { command: "pause", userId: BOB, channelId: OPS_CHANNEL },
    );

    // Assess
    expect(alice).toEqual({ allowed: true, rule: "own" });
    expect(bob).toEqual({
      allowed: false,
      rule: "own",
      reason: "you are not one of the people or user groups its access rule lists",
    });
  });

  it("allows the members of a listed group, read through Slack", async () => {
    // Prepare
    const slack = fakeSlack({ [ONCALL_GROUP]: [BOB] });
    const settings = settingsOf({ access: { approve: { groups: [ONCALL_GROUP] } } });

    // Act
    const bob = await checkSlackAccess(
      { settings, slack },
      { command: "approve", userId: BOB, channelId: OPS_CHANNEL },
    );
    const alice = await checkSlackAccess(
      { settings, slack },
      { command: "approve", userId: ALICE, channelId: OPS_CHANNEL },
    );

    // Assess
    expect(bob.allowed).toBe(true);
    expect(alice.allowed).toBe(false);
    expect(slack.userGroupMembers).toHaveBeenCalledWith(ONCALL_GROUP);
  });

  it("reads a group's members once per few minutes, then again", async () => {
    // Prepare
    const slack = fakeSlack({ [ONCALL_GROUP]: [BOB] });
    const settings = settingsOf({ access: { approve: { groups: [ONCALL_GROUP] } } });
    let now = NOW_DATE;
    const deps = { settings, slack, now: () => now };
    const request = { command: "approve", userId: BOB, channelId: OPS_CHANNEL };

    // Act
    await checkSlackAccess(deps, request);
    now = new Date(NOW_DATE.getTime() + USER_GROUP_CACHE_MS - 1);
    await checkSlackAccess(deps, request);
    const callsWithinTtl = slack.userGroupMembers.mock.calls.length;
    now = new Date(NOW_DATE.getTime() + USER_GROUP_CACHE_MS);
    await checkSlackAccess(deps, request);

    // Assess
    expect(callsWithinTtl).toBe(1);
    expect(slack.userGroupMembers).toHaveBeenCalledTimes(2);
  });

  it("refuses (and reads again next time) when a group cannot be read", async () => {
    // Prepare
    const slack = fakeSlack({});
    const onError = vi.fn();
    const settings = settingsOf({ access: { approve: { groups: [ONCALL_GROUP] } } });
    const request = { command: "approve", userId: BOB, channelId: OPS_CHANNEL };

    // Act
    const first = await checkSlackAccess({ settings, slack, onError }, request);
    await checkSlackAccess({ settings, slack, onError }, request);

    // Assess
    expect(first.allowed).toBe(false);
    expect(onError).toHaveBeenCalledWith(
      expect.objectContaining({ message: expect.stringContaining("no_such_subteam") }),
    );
    expect(slack.userGroupMembers).toHaveBeenCalledTimes(2);
  });

  it("refuses group members when no Slack port is given to read the group", async () => {
    // Prepare
    const settings = settingsOf({ access: { approve: { groups: [ONCALL_GROUP] } } });

    // Act
    const decision = await checkSlackAccess(
      { settings },
      { command: "approve", userId: BOB, channelId: OPS_CHANNEL },
    );

    // Assess
    expect(decision.allowed).toBe(false);
  });

  it("allows a command only in the listed channels", async () => {
    // Prepare
    const settings = settingsOf({ access: { rollback: { users: [ALICE], channels: [OPS_CHANNEL] } } });

    // Act
    const ops = await checkSlackAccess(
      { settings },
      { command: "rollback", userId: ALICE, channelId: OPS_CHANNEL },
    );
    const other = await checkSlackAccess(
      { settings },
      { command: "rollback", userId: ALICE, channelId: OTHER_CHANNEL },
    );
    const unknown = await checkSlackAccess(
      { settings },
      { command: "rollback", userId: ALICE, channelId: undefined },
    );

    // Assess
    expect(ops.allowed).toBe(true);
    expect(other).toEqual({
      allowed: false,
      rule: "own",
      reason: `it is not allowed in <#${OTHER_CHANNEL}>; use it in <#${OPS_CHANNEL}>`,
    });
    expect(unknown.allowed).toBe(false);
  });

  it("opens a command to everyone in its channels when the rule lists no users or groups", async () => {
    // Prepare
    const settings = settingsOf({ access: { cleanup: { channels: [OPS_CHANNEL] } } });

    // Act
    const anyone = await checkSlackAccess(
      { settings },
      { command: "cleanup", userId: BOB, channelId: OPS_CHANNEL },
    );

    // Assess
    expect(anyone.allowed).toBe(true);
  });

  it("applies the default rule to commands without their own, read-only ones included", async () => {
    // Prepare
    const settings = settingsOf({
      access: { default: { channels: [OPS_CHANNEL] }, status: {} },
    });

    // Act
    const pause = await checkSlackAccess(
      { settings },
      { command: "pause", userId: BOB, channelId: OPS_CHANNEL },
    );
    const runs = await checkSlackAccess(
      { settings },
      { command: "runs", userId: BOB, channelId: OTHER_CHANNEL },
    );
    const status = await checkSlackAccess(
      { settings },
      { command: "status", userId: BOB, channelId: OTHER_CHANNEL },
    );

    // Assess
    expect(pause).toEqual({ allowed: true, rule: "default" });
    expect(runs).toMatchObject({ allowed: false, rule: "default" });
    expect(status).toEqual({ allowed: true, rule: "own" });
  });
});

describe("auditAccessDenied", () => {
  it("writes an entry the store accepts, naming command, channel and person, and nothing else", async () => {
    // Prepare
    const memory = new MemoryStore();

    // Act
    await auditAccessDenied(
      memory.store,
      { command: "pause", userId: BOB, channelId: OPS_CHANNEL },
      "you are not one of the people or user groups its access rule lists",
      "own",
    );

    // Assess
    expect(memory.audits).toEqual([
      expect.objectContaining({
        kind: ACCESS_AUDIT_KIND,
        action: "denied",
        actor: BOB,
        reason: `pause denied to ${BOB} in ${OPS_CHANNEL}: you are not one of the people or user groups its access rule lists`,
        details: { reason: "access-denied", command: "pause", channel: OPS_CHANNEL, rule: "own" },
      }),
    ]);
  });
});
