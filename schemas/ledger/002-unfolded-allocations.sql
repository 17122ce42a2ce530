-- 002-unfolded-allocations.sql: invoices' paid amounts are folded in bulk
-- instead of updated per posting (docs/posting.md "Folding",
-- docs/performance.md "Posting"). schemas/ledger.md describes the tables.
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
