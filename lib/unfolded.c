/* unfolded — see unfolded.h.
 *
 * Why a C hash map and not a TEMP table (temp.unfolded with INSERT ...
 * SELECT ... GROUP BY ... ON CONFLICT DO UPDATE and a LEFT JOIN in the
 * lookup): a connection opened SQLITE_OPEN_READONLY may write its temp
 * schema, but ledger readers also run PRAGMA query_only = ON
 * (lib/ledger_db.c), and that refuses writes to temp too ("attempt to
 * write a readonly database", checked with sqlite3 3.40.1); the temp table
 * would mean turning that guard off. A map also costs no write transaction
 * per request (the refresh adds a few rows per lookup during a rush) and
 * looks an invoice up in O(1) instead of a B-tree seek. Its memory is one
 * 16-byte slot (at most half the slots used) plus the invoice number per
 * distinct invoice in the journal, freed at each fold. */
#include "unfolded.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "errstr.h"
#include "sqlutil.h"
#include "money.h"

/* Slots to start with, and after each fold: a power of two. */
#define UNFOLDED_SLOTS_MIN 1024u
_Static_assert((UNFOLDED_SLOTS_MIN & (UNFOLDED_SLOTS_MIN - 1)) == 0,
	       "slot count is a power of two");
_Static_assert((UNFOLDED_INVOICES_MAX & (UNFOLDED_INVOICES_MAX - 1)) == 0,
	       "the invoice bound is a power of two: the slots stop at 2x it");
_Static_assert(2ull * UNFOLDED_INVOICES_MAX <= UINT32_MAX,
	       "slot indexes fit in 32 bits");

/* An invoice's sum. key_off is 1 + the offset of its NUL-terminated
 * number in keys; 0 marks an empty slot. */
struct slot {
	uint32_t hash;
	uint32_t key_off;
	int64_t paid_minor;
};

enum { ST_HEAD, ST_ROWS, ST_COUNT };

static const char *const sql[ST_COUNT] = {
	/* max(seq) of an INTEGER PRIMARY KEY is one descent of the B-tree:
	 * the refresh skips the scan when nothing was appended, and passes
	 * over invoice_updated = 1 rows at the end of the range. */
	[ST_HEAD] = "SELECT folded_seq,"
		    " (SELECT coalesce(max(seq), 0) FROM allocations)"
		    " FROM allocations_fold",
	/* A range of the rowid: no sort, no index on invoice_no. */
	[ST_ROWS] = "SELECT invoice_no, amount_minor FROM allocations"
		    " WHERE seq > ?1 AND seq <= ?2 AND invoice_updated = 0"
		    " ORDER BY seq",
};

struct unfolded {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	struct slot *slots;
	uint32_t slot_count; /* a power of two */
	uint32_t used;
	char *keys;
	size_t keys_len, keys_cap;
	bool known; /* folded_seq and last_seq hold */
	int64_t folded_seq, last_seq;
};

/* FNV-1a, 32 bits: invoice numbers are short. */
static uint32_t hash_key(const char *k, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)k[i]) * 16777619u;
	return h;
}

/* The slot of key, or the empty slot where it would go. */
static struct slot *find(const struct unfolded *u, const char *k, size_t len,
			 uint32_t h)
{
	uint32_t mask = u->slot_count - 1;
	for (uint32_t i = h & mask;; i = (i + 1) & mask) {
		struct slot *s = &u->slots[i];
		if (s->key_off == 0)
			return s;
		const char *sk = u->keys + s->key_off - 1;
		if (s->hash == h && memcmp(sk, k, len) == 0 && sk[len] == '\0')
			return s;
	}
}

/* Forget every sum and shrink back to UNFOLDED_SLOTS_MIN. */
static void forget(struct unfolded *u)
{
	free(u->slots);
	free(u->keys);
	u->slots = NULL;
	u->keys = NULL;
	u->slot_count = u->used = 0;
	u->keys_len = u->keys_cap = 0;
	u->known = false;
	u->folded_seq = u->last_seq = -1;
}

/* Make room for one more invoice of len bytes; -1 when out of memory or
 * past UNFOLDED_INVOICES_MAX. */
static int reserve(struct unfolded *u, size_t len)
{
	if (u->used >= UNFOLDED_INVOICES_MAX)
		return -1;
	if (u->keys_len + len + 1 > u->keys_cap) {
		size_t cap = u->keys_cap ? u->keys_cap * 2 : 16 * 1024;
		while (cap < u->keys_len + len + 1)
			cap *= 2;
		if (cap > UINT32_MAX - 1)
			return -1; /* key_off is 32 bits */
		char *k = realloc(u->keys, cap);
		if (k == NULL)
			return -1;
		u->keys = k;
		u->keys_cap = cap;
	}
	if (u->slots != NULL && (u->used + 1) * 2 <= u->slot_count)
		return 0;
	uint32_t n = u->slot_count ? u->slot_count * 2 : UNFOLDED_SLOTS_MIN;
	struct slot *old = u->slots;
	uint32_t old_n = u->slot_count;
	if ((u->slots = calloc(n, sizeof(*u->slots))) == NULL) {
		u->slots = old;
		return -1;
	}
	u->slot_count = n;
	for (uint32_t i = 0; i < old_n; i++) {
		if (old[i].key_off == 0)
			continue;
		struct slot *s = &u->slots[old[i].hash & (n - 1)];
		while (s->key_off != 0)
			s = s == &u->slots[n - 1] ? u->slots : s + 1;
		*s = old[i];
	}
	free(old);
	return 0;
}

/* Add amount_minor to invoice k's sum; -1 (reason in errstr) on overflow,
 * out of memory or too many invoices. */
static int add(struct unfolded *u, const char *k, size_t len,
	       int64_t amount_minor, char *errstr, size_t errstr_size)
{
	uint32_t h = hash_key(k, len);
	struct slot *s = u->slots ? find(u, k, len, h) : NULL;
	if (s == NULL || s->key_off == 0) {
		if (reserve(u, len) < 0) {
			errstr_set(errstr, errstr_size, "unfolded: out of memory "
				   "or more than %u invoices", UNFOLDED_INVOICES_MAX);
			return -1;
		}
		s = find(u, k, len, h); /* the slots may have moved */
		memcpy(u->keys + u->keys_len, k, len);
		u->keys[u->keys_len + len] = '\0';
		*s = (struct slot){.hash = h, .key_off = (uint32_t)u->keys_len + 1};
		u->keys_len += len + 1;
		u->used++;
	}
	if (money_add(s->paid_minor, amount_minor, &s->paid_minor) < 0) {
		errstr_set(errstr, errstr_size, "unfolded: invoice %.*s: sum "
			   "overflows", (int)len, k);
		return -1;
	}
	return 0;
}

int unfolded_new(sqlite3 *db, struct unfolded **ret, char *errstr,
		 size_t errstr_size)
{
	assert(db != NULL && ret != NULL);
	struct unfolded *u = calloc(1, sizeof(*u));
	if (u == NULL) {
		errstr_set(errstr, errstr_size, "out of memory");
		return -1;
	}
	u->db = db;
	forget(u);
	/* PERSISTENT: prepared once, reused by every request. */
	if (sql_prepare_persistent(db, sql, ST_COUNT, u->st, -1, "unfolded",
				   errstr, errstr_size) < 0) {
		unfolded_free(u);
		return -1;
	}
	*ret = u;
	return 0;
}

void unfolded_free(struct unfolded *u)
{
	if (u == NULL)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(u->st[i]);
	forget(u);
	free(u);
}

/* Read folded_seq and max(seq) of the caller's snapshot. */
static int read_head(struct unfolded *u, int64_t *ret_folded, int64_t *ret_max)
{
	sqlite3_stmt *st = u->st[ST_HEAD];
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*ret_folded = sqlite3_column_int64(st, 0);
		*ret_max = sqlite3_column_int64(st, 1);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
	}
	sqlite3_reset(st);
	return rc == SQLITE_OK ? 0 : -1;
}

/* Add the journal rows with seq in (from, to]; the number read, or -1. */
static int64_t add_rows(struct unfolded *u, int64_t from, int64_t to,
			char *errstr, size_t errstr_size)
{
	sqlite3_stmt *st = u->st[ST_ROWS];
	int64_t n = 0;
	int rc;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		size_t len = (size_t)sqlite3_column_bytes(st, 0);
		if (k == NULL ||
		    add(u, k, len, sqlite3_column_int64(st, 1), errstr,
			errstr_size) < 0) {
			if (k == NULL)
				errstr_set(errstr, errstr_size, "unfolded: out of memory");
			sqlite3_reset(st);
			return -1;
		}
		n++;
	}
	if (rc != SQLITE_DONE)
		errstr_set(errstr, errstr_size, "unfolded: allocations: %s",
			   sqlite3_errmsg(u->db));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

int64_t unfolded_refresh(struct unfolded *u, char *errstr, size_t errstr_size)
{
	assert(u != NULL);
	int64_t folded = 0, max = 0;
	if (read_head(u, &folded, &max) < 0) {
		errstr_set(errstr, errstr_size, "unfolded: allocations_fold: %s",
			   sqlite3_errmsg(u->db));
		forget(u);
		return -1;
	}
	if (!u->known || folded != u->folded_seq) {
		/* A fold added the journal to invoices (or this is the first
		 * read): the sums start again from the new edge. */
		forget(u);
		u->known = true;
		u->folded_seq = u->last_seq = folded;
	}
	if (max <= u->last_seq)
		return 0;
	int64_t n = add_rows(u, u->last_seq, max, errstr, errstr_size);
	if (n < 0) {
		forget(u);
		return -1;
	}
	u->last_seq = max;
	return n;
}

int64_t unfolded_paid_minor(const struct unfolded *u, const char *invoice_no)
{
	assert(u != NULL && invoice_no != NULL);
	if (u->used == 0)
		return 0;
	size_t len = strlen(invoice_no);
	const struct slot *s = find(u, invoice_no, len, hash_key(invoice_no, len));
	return s->key_off == 0 ? 0 : s->paid_minor;
}

size_t unfolded_invoice_count(const struct unfolded *u)
{
	assert(u != NULL);
	return u->used;
}

void unfolded_seqs(const struct unfolded *u, int64_t *ret_folded_seq,
		   int64_t *ret_last_seq)
{
	assert(u != NULL);
	*ret_folded_seq = u->folded_seq;
	*ret_last_seq = u->last_seq;
}

void unfolded_forget(struct unfolded *u)
{
	assert(u != NULL);
	forget(u);
}

/* One invoice's sum, for sorting by number. */
struct entry {
	const char *invoice_no;
	int64_t paid_minor;
};

static int by_number(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->invoice_no,
		      ((const struct entry *)b)->invoice_no);
}

int unfolded_each(const struct unfolded *u, unfolded_each_fn *fn, void *arg)
{
	assert(u != NULL && fn != NULL);
	if (u->used == 0)
		return 0;
	struct entry *order = malloc(u->used * sizeof(*order));
	if (order == NULL)
		return -1;
	uint32_t n = 0;
	for (uint32_t i = 0; i < u->slot_count; i++)
		if (u->slots[i].key_off != 0)
			order[n++] = (struct entry){
				u->keys + u->slots[i].key_off - 1,
				u->slots[i].paid_minor};
	assert(n == u->used);
	qsort(order, n, sizeof(*order), by_number);
	int rc = 0;
	for (uint32_t i = 0; i < n && rc == 0; i++)
		rc = fn(arg, order[i].invoice_no, order[i].paid_minor);
	free(order);
	return rc;
}
