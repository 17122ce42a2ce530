-- 003-split-in-posting.sql: a posting carries its own split, and the
-- allocations table is the journal the fold reads (docs/posting.md
-- "Folding", docs/performance.md "Posting"). schemas/ledger.md describes
-- the tables.
--
-- Why: after 002 a posting still wrote up to five B-tree entries besides
-- its postings row (an allocations row, an allocations_unfolded row and
-- its index entry at a random key, an account_credit or a suspense row),
-- and the fold every 65,536 rows rewrote nearly every invoice page. Each
-- entry costs about as much as a third of the postings row itself; the
-- posting path ran at a quarter of the bare-insert ceiling. Now:
--
--   * account credit and suspense are columns of the postings row
--     (credit_minor, suspense_minor, suspense_code): a payment's split is
--     decided once, in the transaction that records it, and never changes,
--     so it is part of the same fact. account_credit and suspense become
--     views with the columns they had, for every reader.
--   * allocations is append-only with an ascending key (seq): a batch
--     writes a few pages of it at its right edge. Rows with seq above
--     allocations_fold.folded_seq are the unfolded journal that 002 kept
--     in allocations_unfolded; a fold adds them to invoices and moves
--     folded_seq, and deletes nothing. With no index at a random key, the
--     journal can grow long during a rush and be folded when the consumer
--     is idle.
--
-- THE INVARIANTS become:
--
--   per posting:  amount_minor = sum(its allocations.amount_minor)
--                              + credit_minor + suspense_minor
--   per invoice:  invoices.amount_paid_minor
--                   + sum(amount_minor of its allocations with
--                         seq > allocations_fold.folded_seq
--                         AND invoice_updated = 0)
--                 = sum(amount_minor of all its allocations)
--
-- and what is paid on an invoice is the left-hand side, which the view
-- invoices_current gives (inquiry keeps its own running sum of the
-- journal instead: lib/unfolded.c).
--
-- ledger_db_migrate() runs this with foreign keys off and runs PRAGMA
-- foreign_key_check before COMMIT.

-- Fold what 002 left unfolded, so every allocation copied below is folded.
UPDATE invoices SET amount_paid_minor = amount_paid_minor + u.paid_minor
FROM (SELECT invoice_no, sum(amount_minor) AS paid_minor
      FROM allocations_unfolded GROUP BY invoice_no) AS u
WHERE invoices.invoice_no = u.invoice_no;

DROP VIEW invoices_current;
DROP TABLE allocations_unfolded;

CREATE TABLE postings_v3 (
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
	kafka_offset INTEGER NOT NULL CHECK (kafka_offset >= 0),
	-- The part left after every open invoice of the account was paid:
	-- the customer's credit (what the account_credit table held).
	credit_minor INTEGER NOT NULL DEFAULT 0 CHECK (credit_minor >= 0),
	-- The part that could not be applied, and why (lower_snake_case,
	-- schemas/ledger.md; its format is checked by postings_format).
	suspense_minor INTEGER NOT NULL DEFAULT 0 CHECK (suspense_minor >= 0),
	suspense_code TEXT,
	CHECK ((suspense_code IS NULL) = (suspense_minor = 0)),
	CHECK (credit_minor + suspense_minor <= amount_minor)
) STRICT, WITHOUT ROWID;

INSERT INTO postings_v3 (intent_id, idempotency_key, bank, branch,
	terminal, account, invoice_no, amount_minor, currency, paid_at,
	paid_at_ms, received_at_ms, posted_at_ms, channel, kafka_topic,
	kafka_partition, kafka_offset, credit_minor, suspense_minor,
	suspense_code)
SELECT p.intent_id, p.idempotency_key, p.bank, p.branch, p.terminal,
	p.account, p.invoice_no, p.amount_minor, p.currency, p.paid_at,
	p.paid_at_ms, p.received_at_ms, p.posted_at_ms, p.channel,
	p.kafka_topic, p.kafka_partition, p.kafka_offset,
	coalesce(c.amount_minor, 0), coalesce(s.amount_minor, 0), s.reason_code
FROM postings AS p
LEFT JOIN account_credit AS c ON c.intent_id = p.intent_id
LEFT JOIN suspense AS s ON s.intent_id = p.intent_id;

CREATE TABLE allocations_v3 (
	-- Ascending (the largest rowid + 1; rows are never deleted): a
	-- batch appends at the right edge of the B-tree.
	seq INTEGER PRIMARY KEY,
	intent_id TEXT NOT NULL REFERENCES postings (intent_id),
	invoice_no TEXT NOT NULL REFERENCES invoices (invoice_no),
	amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
	-- 1: the posting transaction added amount_minor to the invoice's
	-- amount_paid_minor itself (an account the consumer does not cache),
	-- so no fold adds it again. 0: a fold will.
	invoice_updated INTEGER NOT NULL DEFAULT 0
		CHECK (invoice_updated = 0 OR invoice_updated = 1)
) STRICT;

-- Every allocation of 002 is folded (above): invoice_updated = 1 would
-- be as true, but folded_seq below covers them anyway.
INSERT INTO allocations_v3 (intent_id, invoice_no, amount_minor)
SELECT intent_id, invoice_no, amount_minor FROM allocations
ORDER BY intent_id, invoice_no;

DROP TABLE allocations;
DROP TABLE account_credit;
DROP TABLE suspense;
-- Drops postings' triggers with it; they are created again below.
DROP TABLE postings;
ALTER TABLE postings_v3 RENAME TO postings;
ALTER TABLE allocations_v3 RENAME TO allocations;

-- How far the journal is folded: allocations with seq <= folded_seq are
-- in invoices.amount_paid_minor. One row; only the fold moves it, and
-- only forward.
CREATE TABLE allocations_fold (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	folded_seq INTEGER NOT NULL CHECK (folded_seq >= 0)
) STRICT;

INSERT INTO allocations_fold (id, folded_seq)
SELECT 1, coalesce(max(seq), 0) FROM allocations;

CREATE TRIGGER allocations_fold_forward
BEFORE UPDATE OF folded_seq ON allocations_fold
WHEN NEW.folded_seq < OLD.folded_seq
BEGIN
	SELECT RAISE(ABORT, 'allocations_fold.folded_seq may not go back');
END;

-- Nor past the last allocation: later allocations would count as folded
-- and never reach their invoices. (max(seq) is one B-tree edge read.)
CREATE TRIGGER allocations_fold_within
BEFORE UPDATE OF folded_seq ON allocations_fold
WHEN NEW.folded_seq > (SELECT coalesce(max(seq), 0) FROM allocations)
BEGIN
	SELECT RAISE(ABORT,
		'allocations_fold.folded_seq may not pass the last allocation');
END;

-- The one row is written above, before these triggers exist. Without
-- them the forward rule could be bypassed: INSERT OR REPLACE (whose
-- implicit delete fires no trigger) or DELETE then INSERT would move
-- folded_seq back, and the next fold would add folded allocations to
-- the invoices a second time; a DELETE alone would make every unfolded
-- allocation read as folded and every later fold a no-op.
CREATE TRIGGER allocations_fold_no_insert
BEFORE INSERT ON allocations_fold
BEGIN
	SELECT RAISE(ABORT, 'allocations_fold has exactly one row');
END;

CREATE TRIGGER allocations_fold_no_delete
BEFORE DELETE ON allocations_fold
BEGIN
	SELECT RAISE(ABORT, 'allocations_fold has exactly one row');
END;

-- Allocations, like postings, are the record of money received.
CREATE TRIGGER allocations_no_update
BEFORE UPDATE ON allocations
BEGIN
	SELECT RAISE(ABORT, 'allocations are append-only');
END;

CREATE TRIGGER allocations_no_delete
BEFORE DELETE ON allocations
BEGIN
	SELECT RAISE(ABORT, 'allocations are append-only');
END;

-- The tables 001 had, with the same columns, for every reader.
CREATE VIEW account_credit AS
SELECT intent_id, account, credit_minor AS amount_minor
FROM postings WHERE credit_minor > 0;

CREATE VIEW suspense AS
SELECT intent_id, account, invoice_no, suspense_minor AS amount_minor,
       suspense_code AS reason_code,
       CASE suspense_code
         WHEN 'unknown_account' THEN 'account has no invoices'
         WHEN 'unknown_invoice'
           THEN 'invoice ' || invoice_no || ' does not exist'
         WHEN 'invoice_account_mismatch'
           THEN 'invoice ' || invoice_no || ' belongs to another account'
         ELSE suspense_code
       END AS reason,
       posted_at_ms AS created_at_ms
FROM postings WHERE suspense_minor > 0;

-- An invoice as the customer sees it: every column of invoices, with
-- amount_paid_minor including the allocations not yet folded. The
-- journal is summed once per query (one scan of the unfolded rows, an
-- ascending range of seq), not once per invoice: right for reports over
-- many invoices. A reader of one account at a time during a rush keeps
-- its own running sum instead (lib/unfolded.c).
CREATE VIEW invoices_current AS
SELECT i.invoice_no, i.account, i.customer_name, i.period, i.issued_on,
       i.due_on, i.amount_due_minor,
       i.amount_paid_minor + coalesce(u.paid_minor, 0) AS amount_paid_minor,
       i.currency, i.imported_at_ms
FROM invoices AS i
LEFT JOIN (SELECT a.invoice_no, sum(a.amount_minor) AS paid_minor
           FROM allocations AS a
           WHERE a.seq > (SELECT folded_seq FROM allocations_fold)
             AND a.invoice_updated = 0
           GROUP BY a.invoice_no) AS u
  ON u.invoice_no = i.invoice_no;

-- What the CHECKs of 001 said, for every connection with triggers on.
CREATE TRIGGER postings_format
BEFORE INSERT ON postings
WHEN NEW.intent_id GLOB '*[^0-9a-f-]*' OR NEW.currency GLOB '*[^A-Z]*'
     OR NEW.suspense_code = '' OR NEW.suspense_code GLOB '*[^a-z_]*'
BEGIN
	SELECT RAISE(ABORT,
		'posting intent_id must be lower-case hex and dashes, currency A-Z, suspense_code a-z and _');
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
