/**
 * The PostgreSQL notification channel of applied changes. Its payload names the state table
 * (schema-qualified as the store writes it), so stores on other schemas of the same database
 * ignore each other's changes.
 * @internal
 */
export const CHANGE_CHANNEL = 'feature_flag_change';
