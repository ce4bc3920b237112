import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ArchitechError } from "../errors.ts";
import { loadSlackSettings, parseSlackSettings, SlackSettingsSchema } from "./settings.ts";

const SHIPPED = fileURLToPath(new URL("../../../../config/slack.yaml", import.meta.url));

function writeTemp(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "slack-settings-")), "slack.yaml");
  writeFileSync(file, text);
  return file;
}

describe("Slack settings", () => {
  it("loads the shipped config/slack.yaml", () => {
    // Act
    const settings = loadSlackSettings(SHIPPED);

    // Assess
    expect(settings.command).toBe("/architech");
    expect(settings.defaultChannel).toBe("#ops");
    expect(settings.access.rollback).toEqual({
      users: [],
      groups: ["S0DEPLOYERS"],
      channels: ["C0DEPLOYMENTS"],
    });
    expect(settings.access.status).toBeUndefined();
  });

  it("defaults to /architech and no rules for an empty file", () => {
    // Act
    const result = parseSlackSettings("# nothing yet\n", "config/slack.yaml");

    // Assess
    expect(result).toEqual({ ok: true, settings: { command: "/architech", access: {} } });
  });

  it("fills a rule's missing lists with empty ones", () => {
    // Act
    const settings = SlackSettingsSchema.parse({ access: { pause: { users: ["U024BE7LH"] } } });

    // Assess
    expect(settings.access.pause).toEqual({ users: ["U024BE7LH"], groups: [], channels: [] });
  });

  it("reports an unknown command and an unknown field at their lines", () => {
    // Prepare
    const text = [
      "command: /architech",
      "access:",
      "  rolback:",
      "    groups: [S0DEPLOYERS]",
      "  pause:",
      "    user: [U024BE7LH]",
      "",
    ].join("\n");

    // Act
    const result = parseSlackSettings(text, "config/slack.yaml");

    // Assess
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toEqual([
      expect.objectContaining({
        file: "config/slack.yaml",
        line: 3,
        column: 3,
        path: "access.rolback",
        message: expect.stringMatching(
          /^unknown command "rolback"; rules are for: default, help, .*rollback/,
        ),
      }),
      expect.objectContaining({
        line: 6,
        column: 5,
        path: "access.pause.user",
        message: 'unknown field "user"',
      }),
    ]);
  });

  it("refuses ids of the wrong kind, naming the field", () => {
    // Prepare
    const text = ["access:", "  deny:", "    channels: ['#ops']", "    groups: [U024BE7LH]", ""].join("\n");

    // Act
    const result = parseSlackSettings(text, "slack.yaml");

    // Assess
    expect(result.ok ? [] : result.problems.map((p) => `${p.line} ${p.path}: ${p.message}`)).toEqual([
      "3 access.deny.channels.0: a Slack channel id such as C0123456789 (not its #name)",
      "4 access.deny.groups.0: a Slack user group id such as S0614TZR7",
    ]);
  });

  it("reports YAML errors with their line", () => {
    // Act
    const result = parseSlackSettings("access:\n  pause: [\n", "slack.yaml");

    // Assess
    expect(result.ok).toBe(false);
    expect(result.ok ? undefined : result.problems[0]).toMatchObject({
      file: "slack.yaml",
      message: expect.stringMatching(/^YAML: /),
    });
  });

  it("throws InvalidSlackSettings with file:line:column for every problem", () => {
    // Prepare
    const file = writeTemp("command: architech\naccess:\n  resume: { groups: [S0ONCALL], anyone: true }\n");

    // Act
    const load = () => loadSlackSettings(file);

    // Assess
    expect(load).toThrow(ArchitechError);
    expect(load).toThrow(`${file}:1:10 command: a slash command such as /architech`);
    expect(load).toThrow(`${file}:3:33 access.resume.anyone: unknown field "anyone"`);
  });

  it("throws InvalidSlackSettings for a file that cannot be read", () => {
    // Act
    const load = () => loadSlackSettings(join(tmpdir(), "no-such-dir", "slack.yaml"));

    // Assess
    expect(load).toThrow(expect.objectContaining({ code: "InvalidSlackSettings" }));
  });
});
