import { ALERT_RULES } from '../../rules';

/**
 * How long a condition must hold before `alert` fires, as its rule says (`for 5m`, or `at once`),
 * so panel descriptions follow the rule when its `for` changes. Throws on an unknown alert name.
 */
export function heldFor(alert: string): string {
  const rule = ALERT_RULES.find((candidate) => candidate.alert === alert);
  if (!rule) throw new Error(`heldFor: no alert rule named "${alert}"`);
  return rule.for ? `for ${rule.for}` : 'at once';
}
