import { describe, expect, it } from 'vitest';
import { expectClean, patternDatabase } from './patterns.js';

/**
 * Keys the public-schema corpus run still lost rows to — an exactly-one-parent CHECK over members
 * of unique keys, a trigger that fills a NOT NULL column only when it is NULL, a unique key over a
 * self-reference, a CHECK whose one alternative asks for columns to be set — each in DDL of our own through the corpus round trip: introspect → append into
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
       CREATE TABLE entitlement_values (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), entitlement_id uuid NOT NULL REFERENCES entitlements, value text);
       -- Both parents in keys of their own: the other parent's keys hold with it NULL.
       CREATE TABLE phases (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), plan_id uuid REFERENCES plans, subscription_id uuid REFERENCES subscriptions,
                            code varchar NOT NULL, position integer NOT NULL, deleted_at timestamp,
                            CONSTRAINT phases_one_parent CHECK ((plan_id IS NULL) <> (subscription_id IS NULL)));
       CREATE UNIQUE INDEX a_plan_code ON phases (plan_id, code) WHERE plan_id IS NOT NULL AND deleted_at IS NULL;
       CREATE UNIQUE INDEX b_plan_position ON phases (plan_id, position) WHERE plan_id IS NOT NULL AND deleted_at IS NULL;
       CREATE UNIQUE INDEX c_subscription_code ON phases (subscription_id, code) WHERE subscription_id IS NOT NULL AND deleted_at IS NULL;
       CREATE UNIQUE INDEX d_subscription_position ON phases (subscription_id, position) WHERE subscription_id IS NOT NULL AND deleted_at IS NULL;`,
    );
    expectClean(run);
    // Every row kept, children included (they were rejected with their parents before).
    expect(run.counts['p_xor_keys.entitlements']).toBe(200);
    expect(run.counts['p_xor_keys.entitlement_values']).toBe(200);
    expect(run.counts['p_xor_keys.phases']).toBe(200);
    const set = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM p_xor_keys.entitlements WHERE plan_id IS NOT NULL`);
    expect(Number(set.rows[0]!.n)).toBe(200);
    expect(run.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^entitlements one_parent: at most one of plan_id, subscription_id is set: plan_id is always set/)]));
  });

  it('a NOT NULL column its trigger fills only when NULL (from a lookup that finds nothing here) is generated', async () => {
    const run = await db.roundTrip(
      'p_trigger_if_null',
      `CREATE TABLE customers (id bigserial PRIMARY KEY, slug text NOT NULL, receipt_counter bigint NOT NULL DEFAULT 0);
       CREATE TABLE payments (id bigserial PRIMARY KEY, customer_id bigint REFERENCES customers, payable_type text);
       CREATE TABLE receipts (id bigserial PRIMARY KEY, number varchar NOT NULL, payment_id bigint NOT NULL REFERENCES payments);
       CREATE FUNCTION set_receipt_number() RETURNS trigger LANGUAGE plpgsql AS $$
         DECLARE prefix text; next bigint;
         BEGIN
           IF NEW.number IS NULL THEN
             SELECT c.slug INTO prefix FROM p_trigger_if_null.payments p JOIN p_trigger_if_null.customers c ON c.id = p.customer_id
              WHERE p.id = NEW.payment_id AND p.payable_type = 'Invoice';
             UPDATE p_trigger_if_null.customers SET receipt_counter = receipt_counter + 1 WHERE slug = prefix RETURNING receipt_counter INTO next;
             NEW.number := prefix || '-RCPT-' || lpad(next::text, 6, '0');
           END IF;
           RETURN NEW;
         END $$;
       CREATE TRIGGER before_receipt_insert BEFORE INSERT ON receipts FOR EACH ROW EXECUTE FUNCTION set_receipt_number();`,
    );
    expectClean(run);
    expect(run.counts['p_trigger_if_null.receipts']).toBe(200);
    const receipts = run.dataset.tables.find((t) => t.name === 'receipts')!;
    expect(receipts.columns.map((c) => c.name)).toContain('number');
    expect(run.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^receipts\.number: trigger before_receipt_insert fills it only when NULL: generated/)]));
  });

  it('a unique key over a nullable self-reference, UNIQUE (tag_id, previous_version_id): every row loads', async () => {
    const run = await db.roundTrip(
      'p_self_ref_key',
      `CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL);
       CREATE TABLE tag_versions (id serial PRIMARY KEY, tag_id integer NOT NULL REFERENCES tags,
                                  previous_version_id integer REFERENCES tag_versions, version integer NOT NULL);
       CREATE UNIQUE INDEX tag_versions_tag_previous ON tag_versions (tag_id, previous_version_id);
       CREATE TABLE tag_version_notes (id serial PRIMARY KEY, tag_version_id integer NOT NULL REFERENCES tag_versions, body text);
       -- Three kinds only: were the self-reference drawn from earlier rows, pairs would repeat many times.
       CREATE TABLE page_versions (id serial PRIMARY KEY, kind smallint NOT NULL CHECK (kind BETWEEN 1 AND 3),
                                   previous_version_id integer REFERENCES page_versions, UNIQUE (kind, previous_version_id));`,
      { rows: 400 },
    );
    expectClean(run);
    expect(run.counts['p_self_ref_key.tag_versions']).toBe(400);
    expect(run.counts['p_self_ref_key.tag_version_notes']).toBe(400);
    expect(run.counts['p_self_ref_key.page_versions']).toBe(400);
    expect(run.warnings).toEqual(
      expect.arrayContaining([expect.stringMatching(/^tag_versions \(tag_id, previous_version_id\): previous_version_id references tag_versions itself .*always NULL/)]),
    );
  });

  it('CHECK (pricing_type <> \'legacy\' OR (interval IS NOT NULL AND amount_cents IS NOT NULL …)): those columns are never NULL', async () => {
    const run = await db.roundTrip(
      'p_set_when',
      `CREATE TYPE pricing AS ENUM ('legacy', 'modern');
       CREATE TABLE plans (id bigserial PRIMARY KEY, pricing_type pricing NOT NULL, "interval" integer, amount_cents bigint, pay_in_advance boolean,
                           parent_id bigint REFERENCES plans,
                           CONSTRAINT legacy_billing CHECK (pricing_type <> 'legacy' OR ("interval" IS NOT NULL AND amount_cents IS NOT NULL AND pay_in_advance IS NOT NULL)));
       CREATE TABLE subscriptions (id bigserial PRIMARY KEY, plan_id bigint NOT NULL REFERENCES plans);`,
    );
    expectClean(run);
    expect(run.counts['p_set_when.plans']).toBe(200);
    expect(run.counts['p_set_when.subscriptions']).toBe(200);
  });
});
