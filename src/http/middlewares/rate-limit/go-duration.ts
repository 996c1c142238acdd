/** Writes the digits of `value / 10^precision`'s fraction without trailing zeros (Go's `fmtFrac`). */
function fraction(value: number, precision: number): { text: string; rest: number } {
  let text = '';
  let isPrinting = false;
  let rest = value;
  for (let i = 0; i < precision; i++) {
    const digit = rest % 10;
    isPrinting ||= digit !== 0;
    if (isPrinting) text = `${digit}${text}`;
    rest = Math.floor(rest / 10);
  }
  return { text: isPrinting ? `.${text}` : '', rest };
}

/**
 * Formats a whole number of nanoseconds as Go's `time.Duration.String`: `1.5s`, `950ms`, `2m0.5s`, `1h0m0s`,
 * `0s`; units below a second for durations below a second (`µs` is the micro sign, as Go writes it).
 */
export function formatGoDuration(nanoseconds: number): string {
  const isNegative = nanoseconds < 0;
  let value = Math.abs(Math.trunc(nanoseconds));
  let text: string;
  if (value === 0) return '0s';
  if (value < 1e9) {
    const [precision, unit] = value < 1e3 ? [0, 'ns'] : value < 1e6 ? [3, 'µs'] : [6, 'ms'];
    const { text: digits, rest } = fraction(value, precision);
    text = `${rest}${digits}${unit}`;
  } else {
    const { text: digits, rest } = fraction(value, 9);
    value = rest;
    text = `${value % 60}${digits}s`;
    value = Math.floor(value / 60);
    if (value > 0) {
      text = `${value % 60}m${text}`;
      value = Math.floor(value / 60);
      if (value > 0) text = `${value}h${text}`;
    }
  }
  return isNegative ? `-${text}` : text;
}
