import { t } from './i18n.js';

/** A span of time for people: 12 min, 1 h 5 min, 2 d 3 h. */
export function formatSpan(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60000);
  if (minutes < 60) return t('duration.min', { n: minutes });
  if (minutes < 24 * 60) return t('duration.h', { h: Math.floor(minutes / 60), m: minutes % 60 });
  return t('duration.d', { d: Math.floor(minutes / 1440), h: Math.floor((minutes % 1440) / 60) });
}
