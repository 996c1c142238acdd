/** Go's time layouts the access log writes, from a millisecond timestamp. */

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** Offset of local time from UTC in minutes at `ms` (east positive, as Go's `-0700`). */
function localOffsetMinutes(ms: number): number {
  return -new Date(ms).getTimezoneOffset();
}

function numericOffset(minutes: number, withColon: boolean): string {
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${pad(Math.floor(absolute / 60))}${withColon ? ':' : ''}${pad(absolute % 60)}`;
}

/** Wall-clock fields of `ms` shifted by `offsetMinutes`. */
function fields(ms: number, offsetMinutes: number): Date {
  return new Date(ms + offsetMinutes * 60_000);
}

/** `02/Jan/2006:15:04:05 -0700` (the common log format), in UTC or local time. */
export function commonLogTime(ms: number, isLocal: boolean): string {
  const offset = isLocal ? localOffsetMinutes(ms) : 0;
  const d = fields(ms, offset);
  return `${pad(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${numericOffset(offset, false)}`;
}

/** Go's RFC3339Nano (`2006-01-02T15:04:05.999999999Z07:00`): trailing zeros of the fraction dropped, `Z` for UTC. */
export function rfc3339Nano(ms: number, isLocal: boolean): string {
  return rfc3339(ms, isLocal, true);
}

/** Go's RFC3339 without fraction (logrus's default timestamp). */
export function rfc3339Seconds(ms: number, isLocal: boolean): string {
  return rfc3339(ms, isLocal, false);
}

function rfc3339(ms: number, isLocal: boolean, withFraction: boolean): string {
  const offset = isLocal ? localOffsetMinutes(ms) : 0;
  const d = fields(ms, offset);
  let text = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (withFraction) {
    const fraction = pad(d.getUTCMilliseconds(), 3).replace(/0+$/, '');
    if (fraction !== '') text += `.${fraction}`;
  }
  return text + (offset === 0 ? 'Z' : numericOffset(offset, true));
}
