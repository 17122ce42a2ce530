-- 001-initial.sql: the first schema of a tasdid ledger (one SQLite file per
-- biller). schemas/ledger.md describes every table and column.
--
-- ledger_db_migrate() runs this file inside one transaction and sets
-- PRAGMA user_version = 1 in the same transaction, so the file is applied
-- entirely or not at all. It must not contain BEGIN, COMMIT or PRAGMA
-- user_version (schemas/embed_sql.py refuses them). Never edit this file
-- once released: a change is a new file 002-*.sql.
--
-- Money is INTEGER minor units (the currency's ISO 4217 exponent: JOD 3,
-- USD 2) plus a currency code. A ledger holds exactly one currency, named
-- in ledger_meta; triggers refuse invoices and postings in any other, so a
-- sum over a table is always a sum of like amounts.
--
-- THE INVARIANT (ledger_db_check_balance() verifies it):
--
--   sum(postings.amount_minor)
--     = sum(allocations.amount_minor)
--     + sum(account_credit.amount_minor)
--     + sum(suspense.amount_minor)
--
-- It holds intent by intent, not only in total: the transaction that inserts
-- a posting also splits its whole amount into allocations to invoices
-- (oldest open invoice first), account credit (overpayment) and suspense
-- (could not be applied). And for every invoice:
--
--   invoices.amount_paid_minor = sum(allocations.amount_minor to it)
--
-- Tables are STRICT so that a text amount or a real number can never land in
-- a money column, and WITHOUT ROWID where the primary key is the only way
-- rows are found, so the key's B-tree is the table and there is no second
-- index to write.

-- Which biller and currency this file belongs to, written once by
-- ledger_db_open() when it creates the ledger. Keys at version 1:
-- 'biller_id', 'currency', 'created_at_ms'.
CREATE TABLE ledger_meta (
	key TEXT PRIMARY KEY NOT NULL CHECK (key <> ''),
	value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- The identity of a ledger never changes: pointing a writer at the wrong
-- file must fail, not rename the file's owner. (A later migration that truly
-- needs to may drop these triggers.)
CREATE TRIGGER ledger_meta_identity_no_update
BEFORE UPDATE ON ledger_meta
WHEN OLD.key IN ('biller_id', 'currency', 'created_at_ms')
BEGIN
	SELECT RAISE(ABORT, 'ledger_meta identity is written once');
END;

CREATE TRIGGER ledger_meta_identity_no_delete
BEFORE DELETE ON ledger_meta
WHEN OLD.key IN ('biller_id', 'currency', 'created_at_ms')
BEGIN
	SELECT RAISE(ABORT, 'ledger_meta identity is written once');
END;

-- The biller's invoices, imported from its export (schemas/csv-formats.md).
CREATE TABLE invoices (
	invoice_no TEXT PRIMARY KEY NOT NULL CHECK (invoice_no <> ''),
	account TEXT NOT NULL CHECK (account <> ''),
	customer_name TEXT,
	period TEXT
		CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'),
	issued_on TEXT
		CHECK (issued_on GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
	due_on TEXT NOT NULL
		CHECK (due_on GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
	amount_due_minor INTEGER NOT NULL CHECK (amount_due_minor > 0),
	-- Kept equal to the sum of allocations to this invoice by the posting
	-- transaction; stored (not computed) so allocation reads one row.
	amount_paid_minor INTEGER NOT NULL DEFAULT 0,
	currency TEXT NOT NULL
		CHECK (length(currency) = 3 AND currency NOT GLOB '*[^A-Z]*'),
	imported_at_ms INTEGER NOT NULL CHECK (imported_at_ms > 0),
	-- An invoice is never overpaid: overpayment is account credit.
	CHECK (amount_paid_minor BETWEEN 0 AND amount_due_minor),
	-- ISO dates compare correctly as text.
	CHECK (issued_on IS NULL OR issued_on <= due_on)
) STRICT, WITHOUT ROWID;

-- Oldest open invoice of an account first: allocation walks this index from
-- (account, earliest due_on) and stops when the payment is used up.
CREATE INDEX invoices_account_due ON invoices (account, due_on, invoice_no);

CREATE TRIGGER invoices_currency_insert
BEFORE INSERT ON invoices
WHEN NEW.currency IS NOT
	(SELECT value FROM ledger_meta WHERE key = 'currency')
BEGIN
	SELECT RAISE(ABORT, 'invoice currency is not the ledger currency');
END;

CREATE TRIGGER invoices_currency_update
BEFORE UPDATE OF currency ON invoices
WHEN NEW.currency IS NOT
	(SELECT value FROM ledger_meta WHERE key = 'currency')
BEGIN
	SELECT RAISE(ABORT, 'invoice currency is not the ledger currency');
END;

-- One row per posted payment intent. intent_id is a UUIDv8 whose first 48
-- bits are paid_at_ms (lib/intent.h), so inserts append at the right edge of
-- the B-tree, and the postings of a time range are a range of intent_id.
-- A redelivered or re-sent intent hits the primary key and is absorbed
-- (INSERT ... ON CONFLICT (intent_id) DO NOTHING), counted in posting_stats.
CREATE TABLE postings (
	intent_id TEXT PRIMARY KEY NOT NULL
		CHECK (length(intent_id) = 36
		       AND intent_id NOT GLOB '*[^0-9a-f-]*'),
	idempotency_key TEXT NOT NULL CHECK (idempotency_key <> ''),
	bank TEXT NOT NULL CHECK (bank <> ''),
	branch TEXT CHECK (branch <> ''),          -- NULL when not sent
	terminal TEXT NOT NULL CHECK (terminal <> ''),
	account TEXT NOT NULL CHECK (account <> ''),
	invoice_no TEXT CHECK (invoice_no <> ''),  -- as requested; NULL if none
	amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
	currency TEXT NOT NULL
		CHECK (length(currency) = 3 AND currency NOT GLOB '*[^A-Z]*'),
	paid_at TEXT NOT NULL CHECK (paid_at <> ''), -- RFC 3339, as sent
	paid_at_ms INTEGER NOT NULL,                 -- the same, UTC ms
	received_at_ms INTEGER NOT NULL,             -- intake's clock
	posted_at_ms INTEGER NOT NULL,               -- consumer's clock
	-- Written as equalities, not IN (...): SQLite 3.40 evaluates a CHECK's
	-- IN list of more than two values by building a temporary B-tree for
	-- every row inserted, which cost a fifth of the posting path.
	channel TEXT NOT NULL
		CHECK (channel = 'teller' OR channel = 'atm'
		       OR channel = 'agent' OR channel = 'mobile'
		       OR channel = 'web'),
	kafka_topic TEXT NOT NULL CHECK (kafka_topic <> ''),
	kafka_partition INTEGER NOT NULL CHECK (kafka_partition >= 0),
	kafka_offset INTEGER NOT NULL CHECK (kafka_offset >= 0)
) STRICT, WITHOUT ROWID;

-- No secondary index on postings: every one costs a random-order B-tree
-- insert per posting, which is what limits durable batch commits
-- (schemas/ledger.md, docs/performance.md). Legacy settlement lines are
-- matched within a business date's postings, an intent_id range.

CREATE TRIGGER postings_currency
BEFORE INSERT ON postings
WHEN NEW.currency IS NOT
	(SELECT value FROM ledger_meta WHERE key = 'currency')
BEGIN
	SELECT RAISE(ABORT, 'posting currency is not the ledger currency');
END;

-- A posting is the record of money received: it is never changed or
-- removed. Corrections are new rows (a later migration's reversal table).
CREATE TRIGGER postings_no_update
BEFORE UPDATE ON postings
BEGIN
	SELECT RAISE(ABORT, 'postings are append-only');
END;

CREATE TRIGGER postings_no_delete
BEFORE DELETE ON postings
BEGIN
	SELECT RAISE(ABORT, 'postings are append-only');
END;

-- The part of a posting applied to one invoice.
CREATE TABLE allocations (
	intent_id TEXT NOT NULL REFERENCES postings (intent_id),
	invoice_no TEXT NOT NULL REFERENCES invoices (invoice_no),
	amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
	PRIMARY KEY (intent_id, invoice_no)
) STRICT, WITHOUT ROWID;

-- No index on allocations (invoice_no): every posting would insert into
-- it at a random key, a page written per posting at each commit
-- (docs/performance.md). The balance check sums allocations per invoice
-- with one grouped scan; an invoice's payments are found through
-- postings naming it or by scanning a date's intent_id range.

-- The part of a posting left over after every open invoice of the account
-- was paid: the customer's credit, to be applied to later invoices.
CREATE TABLE account_credit (
	intent_id TEXT PRIMARY KEY NOT NULL REFERENCES postings (intent_id),
	account TEXT NOT NULL CHECK (account <> ''),
	amount_minor INTEGER NOT NULL CHECK (amount_minor > 0)
) STRICT, WITHOUT ROWID;

-- No index on account_credit (account), for the same reason: the nightly
-- grace report reads the accounts with credit in one scan
-- (SELECT DISTINCT account), which needs no index.

-- The part of a posting that could not be applied (unknown account or
-- invoice, invoice of another account, ...). The money was received and is
-- owed to someone: it stays here until an operator resolves it.
CREATE TABLE suspense (
	intent_id TEXT PRIMARY KEY NOT NULL REFERENCES postings (intent_id),
	account TEXT NOT NULL CHECK (account <> ''),
	invoice_no TEXT CHECK (invoice_no <> ''),
	amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
	-- Machine-readable, lower_snake_case (schemas/ledger.md lists them);
	-- a pattern, not a list, so a new code needs no table rebuild.
	reason_code TEXT NOT NULL
		CHECK (reason_code <> '' AND reason_code NOT GLOB '*[^a-z_]*'),
	reason TEXT NOT NULL CHECK (reason <> ''),
	created_at_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Where the posting consumer resumes in each partition: the offset after
-- the last message whose posting is in this file. Written in the same
-- transaction as the postings, so a crash loses both or neither; this, not
-- the consumer group's committed offset, is the truth on restart.
CREATE TABLE kafka_offsets (
	topic TEXT NOT NULL CHECK (topic <> ''),
	partition INTEGER NOT NULL CHECK (partition >= 0),
	next_offset INTEGER NOT NULL CHECK (next_offset >= 0),
	updated_at_ms INTEGER NOT NULL,
	PRIMARY KEY (topic, partition)
) STRICT, WITHOUT ROWID;

-- Offsets only move forward; a stored offset going back is a consumer bug
-- (a stale batch committed after a rebalance), caught here.
CREATE TRIGGER kafka_offsets_forward
BEFORE UPDATE OF next_offset ON kafka_offsets
WHEN NEW.next_offset < OLD.next_offset
BEGIN
	SELECT RAISE(ABORT, 'kafka_offsets.next_offset may not go back');
END;

-- Counters per partition, updated in the posting transaction so they are
-- exact. An absorbed duplicate leaves no row anywhere else, so this is the
-- only trace that it happened; per partition because a burst of duplicates
-- points at one producer or one partition's tail. Separate from
-- kafka_offsets so the exactly-once state stays minimal and the counters
-- can be reset without touching it.
CREATE TABLE posting_stats (
	topic TEXT NOT NULL CHECK (topic <> ''),
	partition INTEGER NOT NULL CHECK (partition >= 0),
	batches_count INTEGER NOT NULL DEFAULT 0 CHECK (batches_count >= 0),
	postings_count INTEGER NOT NULL DEFAULT 0 CHECK (postings_count >= 0),
	duplicates_count INTEGER NOT NULL DEFAULT 0
		CHECK (duplicates_count >= 0),
	suspense_count INTEGER NOT NULL DEFAULT 0 CHECK (suspense_count >= 0),
	updated_at_ms INTEGER NOT NULL,
	PRIMARY KEY (topic, partition)
) STRICT, WITHOUT ROWID;

-- One row per bank settlement file reconciled against this ledger. run_id
-- is chosen by the nightly job and is the same in every biller's ledger it
-- touches, so one run can be followed across files.
CREATE TABLE settlement_runs (
	run_id TEXT NOT NULL CHECK (run_id <> ''),
	bank TEXT NOT NULL CHECK (bank <> ''),
	business_date TEXT NOT NULL
		CHECK (business_date GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
	file_name TEXT NOT NULL CHECK (file_name <> ''),
	-- Lets a rerun tell "same file again" from "bank sent a corrected file".
	file_sha256 TEXT NOT NULL
		CHECK (length(file_sha256) = 64
		       AND file_sha256 NOT GLOB '*[^0-9a-f]*'),
	started_at_ms INTEGER NOT NULL,
	finished_at_ms INTEGER,                    -- NULL while running
	status TEXT NOT NULL DEFAULT 'running'
		CHECK (status IN ('running', 'matched', 'discrepancies',
				  'failed')),
	-- Detail lines of the file for this biller, and their total.
	file_lines_count INTEGER NOT NULL DEFAULT 0
		CHECK (file_lines_count >= 0),
	file_total_minor INTEGER NOT NULL DEFAULT 0
		CHECK (file_total_minor >= 0),
	-- Postings of this bank on the business date, and their total.
	ledger_postings_count INTEGER NOT NULL DEFAULT 0
		CHECK (ledger_postings_count >= 0),
	ledger_total_minor INTEGER NOT NULL DEFAULT 0
		CHECK (ledger_total_minor >= 0),
	matched_count INTEGER NOT NULL DEFAULT 0 CHECK (matched_count >= 0),
	missing_in_ledger_count INTEGER NOT NULL DEFAULT 0
		CHECK (missing_in_ledger_count >= 0),
	missing_in_file_count INTEGER NOT NULL DEFAULT 0
		CHECK (missing_in_file_count >= 0),
	mismatched_count INTEGER NOT NULL DEFAULT 0
		CHECK (mismatched_count >= 0),
	error TEXT,                                -- why, when 'failed'
	PRIMARY KEY (run_id, bank, business_date),
	CHECK ((status = 'running') = (finished_at_ms IS NULL)),
	CHECK (finished_at_ms IS NULL OR finished_at_ms >= started_at_ms),
	CHECK ((status = 'failed') = (error IS NOT NULL))
) STRICT, WITHOUT ROWID;

-- "Was this bank's file for that date reconciled, and how?"
CREATE INDEX settlement_runs_date ON settlement_runs (business_date, bank);
