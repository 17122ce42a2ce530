-- 002-unfolded-allocations.sql: invoices' paid amounts are folded in bulk
-- instead of updated per posting (docs/posting.md "Folding",
-- docs/performance.md "Posting"); and postings is rebuilt with its
-- format checks in a trigger (at the end). schemas/ledger.md describes
-- the tables.
--
-- Why: the posting batch's UPDATE of invoices.amount_paid_minor was a
-- seek and a row rewrite at a random key per posting, and one random 4 KiB
-- page written to the WAL per invoice touched by each commit; it was the
-- largest single cost of the posting path. Now a batch appends each
-- allocation's amount to allocations_unfolded too (ascending key: a few
-- pages per commit), and a fold (one transaction: every 65,536 rows, when
-- the consumer is idle, and when it stops) adds the journal to invoices
-- in invoice_no order and empties it.
--
-- THE INVARIANT for invoices becomes, for every invoice:
--
--   invoices.amount_paid_minor
--     + sum(allocations_unfolded.amount_minor to it)
--     = sum(allocations.amount_minor to it)
--
-- and what is paid on an invoice is the left-hand side, which the view
-- invoices_current gives. Every reader of a paid amount reads the view
-- (inquiry, the grace report, allocation, the balance check); only the
-- fold reads or writes invoices.amount_paid_minor itself.
--
-- Rows are never changed: a fold deletes all of them in the transaction
-- that adds them to the invoices. Only the consumer writes the table; the
-- rows of an invoice are the allocations written since the last fold.

CREATE TABLE allocations_unfolded (
	-- Ascending (the largest rowid + 1): rows append at the right edge
	-- of the B-tree, so a batch writes a few pages of it, not one per
	-- invoice.
	seq INTEGER PRIMARY KEY,
	invoice_no TEXT NOT NULL CHECK (invoice_no <> ''),
	amount_minor INTEGER NOT NULL CHECK (amount_minor > 0)
) STRICT;

-- Readers find an invoice's unfolded rows through this index (the view
-- below; inquiry answers customers during the rush, when the journal may
-- hold ALLOC_FOLD_ROWS rows): a seek, not a scan of the journal. It
-- covers amount_minor, so the sum reads the index alone, and the fold's
-- GROUP BY invoice_no walks it in order without a sort. Its cost is a
-- B-tree insert at a random key per allocation, but into a small tree:
-- the journal is folded every ALLOC_FOLD_ROWS rows, so the index stays a
-- few hundred pages that a batch rewrites at most once each
-- (docs/performance.md "Posting").
CREATE INDEX allocations_unfolded_invoice
	ON allocations_unfolded (invoice_no, amount_minor);

-- An invoice as the customer sees it: every column of invoices, with
-- amount_paid_minor including the allocations not yet folded. A plain
-- view (SQLite flattens it into the query: WHERE account = ? still walks
-- invoices_account_due).
CREATE VIEW invoices_current AS
SELECT i.invoice_no, i.account, i.customer_name, i.period, i.issued_on,
       i.due_on, i.amount_due_minor,
       i.amount_paid_minor
         + coalesce((SELECT sum(u.amount_minor) FROM allocations_unfolded AS u
                     WHERE u.invoice_no = i.invoice_no), 0)
         AS amount_paid_minor,
       i.currency, i.imported_at_ms
FROM invoices AS i;

-- postings, rebuilt with the same columns, rows and triggers; only the
-- format checks of intent_id and currency move from CHECK constraints to
-- a BEFORE INSERT trigger (postings_format). Why: the two GLOBs were the
-- dearest part of the consumer's postings insert, about 1 µs of CPU per
-- posting (docs/performance.md "Posting"; rewriting them as ltrim() or a
-- positional GLOB measured no cheaper). A trigger guards every other
-- connection exactly as the CHECKs did (triggers are on by default), and
-- the consumer's connection, which runs with triggers off
-- (docs/posting.md "Checks on the consumer's connection"), inserts only
-- ids and currencies lib/intent.c validated. The lengths stay CHECKs.
--
-- ledger_db_migrate() runs each step with foreign keys off (DROP TABLE
-- would otherwise delete the rows allocations, account_credit and
-- suspense point at) and runs PRAGMA foreign_key_check before COMMIT.
CREATE TABLE postings_v2 (
	intent_id TEXT PRIMARY KEY NOT NULL
		CHECK (length(intent_id) = 36),
	idempotency_key TEXT NOT NULL CHECK (idempotency_key <> ''),
	bank TEXT NOT NULL CHECK (bank <> ''),
	branch TEXT CHECK (branch <> ''),          -- NULL when not sent
	terminal TEXT NOT NULL CHECK (terminal <> ''),
	account TEXT NOT NULL CHECK (account <> ''),
	invoice_no TEXT CHECK (invoice_no <> ''),  -- as requested; NULL if none
	amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
	currency TEXT NOT NULL CHECK (length(currency) = 3),
	paid_at TEXT NOT NULL CHECK (paid_at <> ''), -- RFC 3339, as sent
	paid_at_ms INTEGER NOT NULL,                 -- the same, UTC ms
	received_at_ms INTEGER NOT NULL,             -- intake's clock
	posted_at_ms INTEGER NOT NULL,               -- consumer's clock
	-- Equalities, not IN (...): see 001.
	channel TEXT NOT NULL
		CHECK (channel = 'teller' OR channel = 'atm'
		       OR channel = 'agent' OR channel = 'mobile'
		       OR channel = 'web'),
	kafka_topic TEXT NOT NULL CHECK (kafka_topic <> ''),
	kafka_partition INTEGER NOT NULL CHECK (kafka_partition >= 0),
	kafka_offset INTEGER NOT NULL CHECK (kafka_offset >= 0)
) STRICT, WITHOUT ROWID;

INSERT INTO postings_v2 (intent_id, idempotency_key, bank, branch,
	terminal, account, invoice_no, amount_minor, currency, paid_at,
	paid_at_ms, received_at_ms, posted_at_ms, channel, kafka_topic,
	kafka_partition, kafka_offset)
SELECT intent_id, idempotency_key, bank, branch, terminal, account,
	invoice_no, amount_minor, currency, paid_at, paid_at_ms,
	received_at_ms, posted_at_ms, channel, kafka_topic, kafka_partition,
	kafka_offset
FROM postings;

-- Drops postings' triggers with it; they are created again below.
DROP TABLE postings;
ALTER TABLE postings_v2 RENAME TO postings;

-- What the CHECKs of 001 said, for every connection with triggers on.
CREATE TRIGGER postings_format
BEFORE INSERT ON postings
WHEN NEW.intent_id GLOB '*[^0-9a-f-]*' OR NEW.currency GLOB '*[^A-Z]*'
BEGIN
	SELECT RAISE(ABORT,
		'posting intent_id must be lower-case hex and dashes, currency A-Z');
END;

CREATE TRIGGER postings_currency
BEFORE INSERT ON postings
WHEN NEW.currency IS NOT
	(SELECT value FROM ledger_meta WHERE key = 'currency')
BEGIN
	SELECT RAISE(ABORT, 'posting currency is not the ledger currency');
END;

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
