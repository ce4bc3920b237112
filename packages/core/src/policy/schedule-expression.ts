/**
 * EventBridge Scheduler schedule expressions — `at(yyyy-mm-ddThh:mm:ss)`, `rate(value unit)`,
 * `cron(minutes hours day-of-month month day-of-week year)` — checked the way the service checks them, so
 * that a policy with a bad schedule fails validation rather than the deployment.
 * Reference: EventBridge Scheduler User Guide, "Schedule types".
 */

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Extra characters the field allows beyond `, - * /`. */
  special: readonly ("?" | "L" | "W" | "#")[];
}

const CRON_FIELDS: readonly CronField[] = [
  { name: "minutes", min: 0, max: 59, special: [] },
  { name: "hours", min: 0, max: 23, special: [] },
  { name: "day-of-month", min: 1, max: 31, special: ["?", "L", "W"] },
  { name: "month", min: 1, max: 12, names: MONTHS, special: [] },
  { name: "day-of-week", min: 1, max: 7, names: DAYS, special: ["?", "L", "#"] },
  { name: "year", min: 1970, max: 2199, special: [] },
];

/** Returns the reason a schedule expression is invalid, or `undefined` when it is valid. */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const at = /^at\((.*)\)$/.exec(expression);
  if (at) return atProblem(at[1] ?? "");
  const rate = /^rate\((.*)\)$/.exec(expression);
  if (rate) return rateProblem(rate[1] ?? "");
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) return cronProblem(cron[1] ?? "");
  return "a schedule expression is at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(fields)";
}

function atProblem(body: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!match) return "at() takes a local date and time: at(yyyy-mm-ddThh:mm:ss)";
  const [y, mo, d, h, mi, s] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const roundTrips =
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === s;
  return roundTrips ? undefined : `at(${body}) is not a real date and time`;
}

function rateProblem(body: string): string | undefined {
  const match = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(body);
  if (!match) return "rate() takes a positive whole number and a unit: minute(s), hour(s) or day(s)";
  const value = Number(match[1]);
  const unit = match[2] ?? "";
  if (value < 1) return "a rate's value must be positive";
  const plural = unit.endsWith("s");
  if (value === 1 && plural) return `rate(1 ${unit}) must use the singular unit ${unit.slice(0, -1)}`;
  if (value > 1 && !plural) return `rate(${value} ${unit}) must use the plural unit ${unit}s`;
  return undefined;
}

function cronProblem(body: string): string | undefined {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    return `cron() takes six fields (minutes hours day-of-month month day-of-week year); got ${fields.length}`;
  }
  for (const [index, spec] of CRON_FIELDS.entries()) {
    const problem = cronFieldProblem(fields[index] ?? "", spec);
    if (problem) return problem;
  }
  const dayOfMonth = fields[2];
  const dayOfWeek = fields[4];
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
    return "cron(): exactly one of day-of-month and day-of-week must be ? (you cannot specify both)";
  }
  return undefined;
}

function cronFieldProblem(text: string, field: CronField): string | undefined {
  const bad = `cron(): "${text}" is not a valid ${field.name} field`;
  if (text === "?") return field.special.includes("?") ? undefined : bad;
  if (text === "L") return field.special.includes("L") ? undefined : bad;
  for (const part of text.split(",")) {
    if (!cronPartValid(part, field)) return bad;
  }
  return undefined;
}

function cronPartValid(part: string, field: CronField): boolean {
  const value = (token: string): number | undefined => {
    const upper = token.toUpperCase();
    const named = field.names?.indexOf(upper) ?? -1;
    if (named >= 0) return named + 1;
    if (!/^\d+$/.test(token)) return undefined;
    const n = Number(token);
    return n >= field.min && n <= field.max ? n : undefined;
  };
  if (field.special.includes("W") && /^\d+W$/.test(part)) return value(part.slice(0, -1)) !== undefined;
  if (field.special.includes("#")) {
    const nth = /^([^#]+)#([1-5])$/.exec(part);
    if (nth) return value(nth[1] ?? "") !== undefined;
  }
  if (field.special.includes("L") && /^[^L]+L$/.test(part) && field.name === "day-of-week") {
    return value(part.slice(0, -1)) !== undefined;
  }
  const [range, step, ...rest] = part.split("/");
  if (rest.length > 0 || range === undefined) return false;
  if (step !== undefined && (!/^\d+$/.test(step) || Number(step) < 1)) return false;
  if (range === "*") return true;
  const bounds = range.split("-");
  if (bounds.length > 2) return false;
  return bounds.every((bound) => value(bound) !== undefined);
}

/** True when the time zone is an IANA name this runtime knows (e.g. `Europe/Berlin`, `UTC`). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}
