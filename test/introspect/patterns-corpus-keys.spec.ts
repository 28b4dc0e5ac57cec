import { describe, expect, it } from 'vitest';
import { expectClean, patternDatabase } from './patterns.js';

/**
 * Keys the public-schema corpus run still lost rows to — an exactly-one-parent CHECK over members
 * of unique keys, a trigger that fills a NOT NULL column only when it is NULL, a unique key over a
 * self-reference — each in DDL of our own through the corpus round trip: introspect → append into
 * the real DDL → nothing rejected, no constraint violated (independent SQL check).
 */
const db = patternDatabase();

describe('patterns: corpus keys', () => {
  it('exactly one parent whose members are also in unique keys: the keyed member carries the parent, the other is NULL', async () => {
    const run = await db.roundTrip(
      'p_xor_keys',
      `CREATE TABLE plans (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL);
       CREATE TABLE subscriptions (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), plan_id uuid NOT NULL REFERENCES plans);
       CREATE TABLE features (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), code text NOT NULL);
       CREATE TABLE privileges (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), feature_id uuid NOT NULL REFERENCES features);
       CREATE TABLE entitlements (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), feature_id uuid NOT NULL REFERENCES features,
                                  plan_id uuid REFERENCES plans, subscription_id uuid REFERENCES subscriptions, deleted_at timestamp,
                                  CONSTRAINT one_parent CHECK ((plan_id IS NOT NULL) <> (subscription_id IS NOT NULL)));
       CREATE UNIQUE INDEX a_feature_per_plan ON entitlements (feature_id, plan_id) WHERE deleted_at IS NULL;
       CREATE UNIQUE INDEX b_feature_per_subscription ON entitlements (feature_id, subscription_id) WHERE deleted_at IS NULL;
       CREATE TABLE removals (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), subscription_id uuid NOT NULL REFERENCES subscriptions,
                              feature_id uuid REFERENCES features, privilege_id uuid REFERENCES privileges,
                              CONSTRAINT one_removed CHECK (num_nonnulls(feature_id, privilege_id) = 1));
       CREATE UNIQUE INDEX a_feature_removal ON removals (subscription_id, feature_id);
       CREATE UNIQUE INDEX b_privilege_removal ON removals (subscription_id, privilege_id);
       CREATE TABLE entitlement_values (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), entitlement_id uuid NOT NULL REFERENCES entitlements, value text);`,
    );
    expectClean(run);
    // Every row kept, children included (they were rejected with their parents before).
    expect(run.counts['p_xor_keys.entitlements']).toBe(200);
    expect(run.counts['p_xor_keys.entitlement_values']).toBe(200);
    const set = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM p_xor_keys.entitlements WHERE plan_id IS NOT NULL`);
    expect(Number(set.rows[0]!.n)).toBe(200);
    expect(run.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^entitlements one_parent: at most one of plan_id, subscription_id is set: plan_id is always set/)]));
  });
});
