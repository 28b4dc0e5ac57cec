/**
 * DDL reproducing what real application schemas do and what introspection has to honour: unique
 * indexes (partial, expression, multi-column) and a foreign key to a column unique only through
 * one, shared primary keys in a chain, high-scale numerics, trigger-filled and generated
 * (STORED and VIRTUAL) columns, partitions with foreign keys declared on each partition, the
 * CHECK forms ORMs write, short keys, an extension-owned table and an exclusion constraint.
 * Run with search_path set to the target schema.
 */
export const PATTERNS_DDL = `
CREATE TABLE accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  handle varchar(40) NOT NULL,
  code char(8) NOT NULL,
  tenant_id integer NOT NULL,
  slug varchar(30) NOT NULL,
  deleted_at timestamptz,
  balance numeric(20, 15) NOT NULL,
  fee numeric(30, 15)
);
CREATE UNIQUE INDEX accounts_lower_email ON accounts (lower(email));
CREATE UNIQUE INDEX accounts_live_handle ON accounts (handle) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX accounts_code ON accounts (code);
CREATE UNIQUE INDEX accounts_tenant_slug ON accounts (tenant_id, slug);

CREATE TABLE api_tokens (
  id bigserial PRIMARY KEY,
  account_code char(8) NOT NULL REFERENCES accounts (code),
  issued_at timestamptz NOT NULL
);

CREATE TABLE users (id bigserial PRIMARY KEY, name text NOT NULL);
CREATE TABLE profiles (user_id bigint PRIMARY KEY REFERENCES users (id), bio text);
CREATE TABLE profile_settings (
  profile_id bigint PRIMARY KEY REFERENCES profiles (user_id),
  theme text NOT NULL CHECK (theme IN ('dark', 'light'))
);
CREATE TABLE posts (
  id serial PRIMARY KEY,
  profile_id bigint NOT NULL REFERENCES profiles (user_id),
  title varchar(120) NOT NULL
);

CREATE TABLE documents (
  id serial PRIMARY KEY,
  title text NOT NULL,
  search tsvector NOT NULL,
  title_length integer GENERATED ALWAYS AS (char_length(title)) VIRTUAL,
  title_upper text GENERATED ALWAYS AS (upper(title)) STORED
);
CREATE FUNCTION documents_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search := to_tsvector('simple', NEW.title);
  RETURN NEW;
END $$;
CREATE TRIGGER documents_search BEFORE INSERT OR UPDATE ON documents FOR EACH ROW EXECUTE FUNCTION documents_search();

CREATE TABLE events (
  id bigserial,
  occurred_at timestamptz NOT NULL,
  user_id bigint NOT NULL,
  kind text NOT NULL,
  PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);
CREATE TABLE events_2024_01 PARTITION OF events FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2024-02-01 00:00:00+00');
CREATE TABLE events_2024_02 PARTITION OF events FOR VALUES FROM ('2024-02-01 00:00:00+00') TO ('2024-03-01 00:00:00+00');
ALTER TABLE events_2024_01 ADD CONSTRAINT events_2024_01_user FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE events_2024_02 ADD CONSTRAINT events_2024_02_user FOREIGN KEY (user_id) REFERENCES users (id);

CREATE TABLE regional_sales (
  region text NOT NULL,
  amount numeric(10, 2) NOT NULL,
  sold_on date NOT NULL
) PARTITION BY LIST (region);
CREATE TABLE regional_sales_eu PARTITION OF regional_sales FOR VALUES IN ('eu', 'uk');
CREATE TABLE regional_sales_us PARTITION OF regional_sales FOR VALUES IN ('us');

CREATE TABLE comments (
  id serial PRIMARY KEY,
  post_id integer REFERENCES posts (id),
  document_id integer REFERENCES documents (id),
  body varchar(500) NOT NULL CHECK (char_length(body) <= 40),
  code text NOT NULL CHECK (length(code) = 6),
  rating smallint CHECK (rating IN (1, 2, 3, 4, 5)),
  score integer CHECK (score >= 0 OR score IS NULL),
  weight numeric(6, 2) CHECK (weight BETWEEN 1 AND 9),
  starts_on date NOT NULL,
  ends_on date NOT NULL,
  opened_at timestamptz,
  closed_at timestamptz,
  sku text CHECK (sku ~ '^[A-Z]{2}-[0-9]{4}$'),
  CHECK (starts_on <= ends_on),
  CHECK (opened_at < closed_at),
  CHECK (num_nonnulls(post_id, document_id) = 1)
);

CREATE TABLE countries (code char(2) PRIMARY KEY, name text NOT NULL);

CREATE TABLE memberships (
  account_id uuid NOT NULL REFERENCES accounts (id),
  user_id bigint NOT NULL REFERENCES users (id),
  tenant_id integer NOT NULL,
  slug varchar(30) NOT NULL,
  nickname varchar(40) NOT NULL,
  joined_on date NOT NULL,
  PRIMARY KEY (account_id, user_id),
  UNIQUE (nickname, joined_on),
  FOREIGN KEY (tenant_id, slug) REFERENCES accounts (tenant_id, slug)
);

CREATE TABLE bookings (
  id serial PRIMARY KEY,
  during tstzrange,
  EXCLUDE USING gist (during WITH &&)
);

CREATE TABLE extension_catalog (id integer PRIMARY KEY, label text);
ALTER EXTENSION plpgsql ADD TABLE extension_catalog;
`;
