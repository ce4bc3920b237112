/**
 * When an EventBridge Scheduler schedule next invokes its target, so that the embedded runtime can play
 * Scheduler's part on the virtual clock. Expressions are evaluated in the schedule's time zone, with
 * Scheduler's daylight-saving rules: a wall-clock time that does not exist (spring forward) is skipped, one
 * that happens twice (fall back) fires once, at its first occurrence.
 *
 * Supported: `at(...)`, `rate(...)`, and `cron(...)` with `*`, `?`, values, names (JAN, MON…), lists,
 * ranges and steps in every field. Not supported: `L`, `W` and `#` (last day, nearest weekday, nth
 * weekday); {@link nextFireTime} reports them rather than guessing.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** How far ahead a cron expression is searched: beyond this it is treated as never firing again. */
const CRON_HORIZON_DAYS = 366 * 5;

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** A schedule the runtime can compute occurrences of. */
export type ScheduleRule =
  | { kind: "at"; at: number }
  | { kind: "rate"; periodMs: number; anchor: number }
  | { kind: "cron"; cron: CronSpec; timeZone: string };

interface CronSpec {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  /** `undefined` for `?`: the day is chosen by day-of-week. */
  daysOfMonth: ReadonlySet<number> | undefined;
  months: ReadonlySet<number>;
  /** 1 = Sunday … 7 = Saturday, as in Scheduler; `undefined` for `?`. */
  daysOfWeek: ReadonlySet<number> | undefined;
  years: ReadonlySet<number> | undefined;
}

/** An expression this module cannot evaluate (its syntax, or a feature it leaves out). */
export class UnsupportedScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedScheduleError";
  }
}

/**
 * Parses a schedule expression, already validated by the policy schema.
 *
 * @param anchor where a `rate()` counts from: Scheduler counts from the schedule's creation, the
 *   embedded runtime from its start.
 * @throws UnsupportedScheduleError for `L`, `W`, `#` or an expression that does not parse.
 * @example
 * const rule = parseScheduleRule("cron(0 7 ? * MON *)", "Europe/Berlin", Date.now());
 * nextFireTime(rule, new Date("2026-12-01T10:00:00Z")); // 2026-12-07T06:00:00.000Z
 */
export function parseScheduleRule(expression: string, timeZone: string, anchor: number): ScheduleRule {
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression);
  if (at) {
    const [y, mo, d, h, mi, s] = at.slice(1).map(Number) as [number, number, number, number, number, number];
    const instant = zonedInstant({ y, mo, d, h, mi }, timeZone);
    if (instant === undefined) {
      throw new UnsupportedScheduleError(
        `${expression} does not exist in ${timeZone} (a daylight-saving gap)`,
      );
    }
    return { kind: "at", at: instant + s * 1000 };
  }
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2] ?? "";
    const unitMs = unit.startsWith("minute") ? MINUTE_MS : unit.startsWith("hour") ? HOUR_MS : DAY_MS;
    if (value < 1) throw new UnsupportedScheduleError(`${expression}: a rate's value must be positive`);
    return { kind: "rate", periodMs: value * unitMs, anchor };
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) return { kind: "cron", cron: parseCron(cron[1] ?? "", expression), timeZone };
  throw new UnsupportedScheduleError(`"${expression}" is not an at(), rate() or cron() expression`);
}

/** The first occurrence strictly after `after`, or `undefined` when the schedule never fires again. */
export function nextFireTime(rule: ScheduleRule, after: Date): Date | undefined {
  const from = after.getTime();
  switch (rule.kind) {
    case "at":
      return rule.at > from ? new Date(rule.at) : undefined;
    case "rate": {
      const periods = Math.floor((from - rule.anchor) / rule.periodMs) + 1;
      return new Date(rule.anchor + Math.max(periods, 1) * rule.periodMs);
    }
    case "cron":
      return nextCron(rule.cron, rule.timeZone, from);
  }
}

function nextCron(cron: CronSpec, timeZone: string, from: number): Date | undefined {
  const today = wallTime(from, timeZone);
  const hours = [...cron.hours].sort((a, b) => a - b);
  const minutes = [...cron.minutes].sort((a, b) => a - b);
  for (let offset = 0; offset <= CRON_HORIZON_DAYS; offset++) {
    // Calendar arithmetic on a UTC date: only its year, month, day and weekday are read.
    const day = new Date(Date.UTC(today.y, today.mo - 1, today.d + offset));
    const y = day.getUTCFullYear();
    const mo = day.getUTCMonth() + 1;
    const d = day.getUTCDate();
    if (cron.years !== undefined && !cron.years.has(y)) continue;
    if (!cron.months.has(mo)) continue;
    if (cron.daysOfMonth !== undefined && !cron.daysOfMonth.has(d)) continue;
    if (cron.daysOfWeek !== undefined && !cron.daysOfWeek.has(day.getUTCDay() + 1)) continue;
    for (const h of hours) {
      for (const mi of minutes) {
        const instant = zonedInstant({ y, mo, d, h, mi }, timeZone);
        if (instant !== undefined && instant > from) return new Date(instant);
      }
    }
  }
  return undefined;
}

interface WallTime {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time in a zone at an instant (seconds dropped). */
function wallTime(instant: number, timeZone: string): WallTime {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(instant))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    y: parts.year ?? 0,
    mo: parts.month ?? 0,
    d: parts.day ?? 0,
    h: parts.hour ?? 0,
    mi: parts.minute ?? 0,
  };
}

/**
 * The instant a wall-clock time happens in a zone: the earlier one when it happens twice, `undefined`
 * when it does not happen at all. Offsets are read 12 hours either side, as no zone changes twice in a day.
 */
function zonedInstant(wall: WallTime, timeZone: string): number | undefined {
  const asUtc = Date.UTC(wall.y, wall.mo - 1, wall.d, wall.h, wall.mi);
  const offsetAt = (instant: number): number => {
    const w = wallTime(instant, timeZone);
    return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi) - Math.floor(instant / MINUTE_MS) * MINUTE_MS;
  };
  const candidates = [asUtc - offsetAt(asUtc - 12 * HOUR_MS), asUtc - offsetAt(asUtc + 12 * HOUR_MS)];
  const matching = candidates.filter((instant) => {
    const w = wallTime(instant, timeZone);
    return w.y === wall.y && w.mo === wall.mo && w.d === wall.d && w.h === wall.h && w.mi === wall.mi;
  });
  return matching.length === 0 ? undefined : Math.min(...matching);
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: "minutes", min: 0, max: 59 },
  { name: "hours", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS },
  { name: "day-of-week", min: 1, max: 7, names: DAYS },
  { name: "year", min: 1970, max: 2199 },
];

function parseCron(body: string, expression: string): CronSpec {
  const texts = body.trim().split(/\s+/);
  if (texts.length !== FIELDS.length) {
    throw new UnsupportedScheduleError(`${expression}: cron() takes six fields`);
  }
  const sets = FIELDS.map((field, index) => parseField(texts[index] ?? "", field, expression));
  const [minutes, hours, daysOfMonth, months, daysOfWeek, years] = sets;
  if (minutes === undefined || hours === undefined || months === undefined) {
    throw new UnsupportedScheduleError(`${expression}: ? is allowed only in day-of-month and day-of-week`);
  }
  return { minutes, hours, daysOfMonth, months, daysOfWeek, years };
}

/** The values a field allows; `undefined` for `?` (and for `*` in the year, which restricts nothing). */
function parseField(text: string, field: FieldSpec, expression: string): Set<number> | undefined {
  if (text === "?") return undefined;
  if (text.split(",").some((part) => /^(\d*L|LW|\d+W|[^#]+#\d+)$/i.test(part))) {
    throw new UnsupportedScheduleError(
      `${expression}: L, W and # (last day, nearest weekday, nth weekday) are not supported on the embedded runtime`,
    );
  }
  if (field.name === "year" && text === "*") return undefined;
  const values = new Set<number>();
  const value = (token: string): number => {
    const named = field.names?.indexOf(token.toUpperCase()) ?? -1;
    const n = named >= 0 ? named + 1 : /^\d+$/.test(token) ? Number(token) : Number.NaN;
    if (!(n >= field.min && n <= field.max)) {
      throw new UnsupportedScheduleError(`${expression}: "${token}" is not a valid ${field.name} value`);
    }
    return n;
  };
  for (const part of text.split(",")) {
    const [range = "", stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) {
      throw new UnsupportedScheduleError(`${expression}: "${part}" has an invalid step`);
    }
    let low: number;
    let high: number;
    if (range === "*") {
      low = field.min;
      high = field.max;
    } else {
      const [first = "", second] = range.split("-");
      low = value(first);
      // `5/15` means from 5 to the end of the field, stepping by 15.
      high = second !== undefined ? value(second) : stepText !== undefined ? field.max : low;
    }
    if (high < low) {
      throw new UnsupportedScheduleError(`${expression}: the range "${range}" runs backwards`);
    }
    for (let n = low; n <= high; n += step) values.add(n);
  }
  return values;
}
