import type { CallingWindow } from '../store';

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function localTime(at: number, timeZone: string): { minutes: number; weekday: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', weekday: 'short' });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
  return { minutes: Number(parts.hour) * 60 + Number(parts.minute), weekday: WEEKDAYS[parts.weekday] };
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Whether `at` falls inside the window, in the window's own time zone; a window may span midnight. */
export function isWithinWindow(window: CallingWindow | null, at: number): boolean {
  if (!window) return true;
  const { minutes, weekday } = localTime(at, window.timeZone);
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  const inTime = start <= end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
  // A window spanning midnight belongs to the day it started on.
  const day = start > end && minutes < end ? ((weekday + 5) % 7) + 1 : weekday;
  return inTime && (!window.days || window.days.includes(day));
}

const MINUTE_MS = 60_000;

/**
 * When the window next opens after `at` (a time outside it), or undefined when
 * it never does. Each of the next eight days' start is tried; the local-time
 * check corrects for a daylight-saving shift between `at` and that day.
 */
export function nextWindowOpening(window: CallingWindow, at: number): number | undefined {
  const start = minutesOf(window.start);
  const base = Math.floor(at / MINUTE_MS) * MINUTE_MS;
  const nowMinutes = localTime(base, window.timeZone).minutes;
  for (let day = 0; day <= 8; day++) {
    let candidate = base + (start - nowMinutes + day * 1440) * MINUTE_MS;
    const drift = start - localTime(candidate, window.timeZone).minutes;
    // Within a day a DST change moves local time by at most a few hours; wrap so the fix is the short way round.
    candidate += (((drift + 720) % 1440 + 1440) % 1440 - 720) * MINUTE_MS;
    if (candidate <= at) continue;
    // The start may fall in a skipped hour (spring forward): then the window opens when local time jumps past it.
    let open = isWithinWindow(window, candidate) ? candidate : isWithinWindow(window, candidate + 60 * MINUTE_MS) ? candidate + 60 * MINUTE_MS : undefined;
    if (open === undefined) continue;
    for (let back = 0; back < 120 && open - MINUTE_MS > at && isWithinWindow(window, open - MINUTE_MS); back++) open -= MINUTE_MS;
    return open;
  }
  return undefined;
}

/** "Thu 3 Dec 09:00 Europe/Paris": the opening as the window's own people read it. */
export function describeOpening(window: CallingWindow, at: number): string {
  const text = new Intl.DateTimeFormat('en-GB', { timeZone: window.timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .format(at)
    .replace(',', '');
  return `${text} ${window.timeZone}`;
}
