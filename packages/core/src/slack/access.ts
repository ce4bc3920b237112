import type { SlackPort } from "../ports/slack.ts";
import type { AuditKind } from "../store/audit.ts";
import type { Store } from "../store/store.ts";
import {
  READ_ONLY_SLACK_COMMANDS,
  type SlackAccessRule,
  type SlackCommandName,
  type SlackSettings,
} from "./settings.ts";

/** How long the members of a user group are trusted before they are read again. */
export const USER_GROUP_CACHE_MS = 5 * 60_000;

/** Whether a person may use a command where they typed it; `reason` says why not, for them and the audit. */
export type SlackAccessDecision =
  | { allowed: true; rule: "own" | "default" | "read-only" }
  | { allowed: false; rule: "own" | "default" | "none"; reason: string };

/** Who asks for what, where. */
export interface SlackAccessRequest {
  /** A command name, or a policy's own command (which only the `default` rule can allow). */
  command: string;
  userId: string;
  /** The channel the command was typed in (or the button clicked in); undefined when Slack did not say. */
  channelId: string | undefined;
}

/** What checking access needs: the settings, and Slack to read user group members. */
export interface SlackAccessDeps {
  settings: SlackSettings;
  /** Without it, user groups cannot be read and their members are not recognised. */
  slack?: SlackPort;
  /** Default: the system clock. Only ages the group cache. */
  now?: () => Date;
  /** Told of a failure to read a group's members (the person is then refused). */
  onError?: (error: unknown) => void;
}

interface CachedMembers {
  members: ReadonlySet<string>;
  readAt: number;
}

// One cache per Slack port: the port is built once per process (cold start), so the cache lives as long
// as the handler that uses it, and two workspaces' ports never share members.
const groupCaches = new WeakMap<SlackPort, Map<string, CachedMembers>>();

/**
 * Decides whether `userId` may use `command` in `channelId`, by the settings' rules (see
 * `SlackSettingsSchema`): the command's own rule, else the `default` rule; without either, read-only
 * commands are open and everything else is denied. Group membership is read through
 * `SlackPort.userGroupMembers` and cached per port for {@link USER_GROUP_CACHE_MS}; a group that cannot
 * be read does not count (the person is refused, never waved through).
 *
 * @example
 * const access = await checkSlackAccess({ settings, slack }, { command: "rollback", userId: "U024BE7LH", channelId: "C0123456789" });
 * if (!access.allowed) return denied(access.reason);
 */
export async function checkSlackAccess(
  deps: SlackAccessDeps,
  request: SlackAccessRequest,
): Promise<SlackAccessDecision> {
  // Own keys only: a policy's command named like an Object property (`constructor`) has no rule.
  const own = Object.hasOwn(deps.settings.access, request.command)
    ? deps.settings.access[request.command as SlackCommandName]
    : undefined;
  const fallback = deps.settings.access.default;
  const rule = own ?? fallback;
  const which = own ? "own" : "default";
  if (rule === undefined) {
    if ((READ_ONLY_SLACK_COMMANDS as readonly string[]).includes(request.command)) {
      return { allowed: true, rule: "read-only" };
    }
    return {
      allowed: false,
      rule: "none",
      reason:
        "no access rule allows it (commands that change something are denied unless a rule allows them)",
    };
  }
  if (rule.channels.length > 0) {
    if (request.channelId === undefined || !rule.channels.includes(request.channelId)) {
      const where = request.channelId === undefined ? "here" : `in <#${request.channelId}>`;
      return {
        allowed: false,
        rule: which,
        reason: `it is not allowed ${where}; use it in ${rule.channels.map((c) => `<#${c}>`).join(", ")}`,
      };
    }
  }
  if (await isListed(deps, rule, request.userId)) return { allowed: true, rule: which };
  return {
    allowed: false,
    rule: which,
    reason: "you are not one of the people or user groups its access rule lists",
  };
}

async function isListed(deps: SlackAccessDeps, rule: SlackAccessRule, userId: string): Promise<boolean> {
  if (rule.users.length === 0 && rule.groups.length === 0) return true;
  if (rule.users.includes(userId)) return true;
  for (const group of rule.groups) {
    const members = await groupMembers(deps, group);
    if (members?.has(userId)) return true;
  }
  return false;
}

async function groupMembers(deps: SlackAccessDeps, group: string): Promise<ReadonlySet<string> | undefined> {
  const slack = deps.slack;
  if (slack === undefined) return undefined;
  let cache = groupCaches.get(slack);
  if (cache === undefined) {
    cache = new Map();
    groupCaches.set(slack, cache);
  }
  const now = (deps.now?.() ?? new Date()).getTime();
  const cached = cache.get(group);
  if (cached !== undefined && now - cached.readAt < USER_GROUP_CACHE_MS) return cached.members;
  try {
    const members = new Set(await slack.userGroupMembers(group));
    cache.set(group, { members, readAt: now });
    return members;
  } catch (error) {
    // Not cached: the next request tries again.
    deps.onError?.(error);
    return undefined;
  }
}

/**
 * Audits a refusal: kind `access`, action `denied`, the Slack user as actor, and what was asked where.
 * Never the request body or its response URL.
 *
 * @example
 * if (!access.allowed) await auditAccessDenied(store, request, access.reason, access.rule);
 */
export async function auditAccessDenied(
  store: Store,
  request: SlackAccessRequest,
  reason: string,
  rule: string,
): Promise<void> {
  await store.appendAudit({
    kind: ACCESS_AUDIT_KIND,
    action: "denied",
    actor: request.userId,
    reason: `${request.command} denied to ${request.userId} in ${request.channelId ?? "an unknown channel"}: ${reason}`,
    details: {
      reason: "access-denied",
      command: request.command,
      channel: request.channelId ?? null,
      rule,
    },
  });
}

/** The audit kind of access refusals. */
export const ACCESS_AUDIT_KIND: AuditKind = "access";
