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
