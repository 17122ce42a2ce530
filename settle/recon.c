/* recon — see recon.h; the matching rules are in docs/settlement.md.
 *
 * A biller's postings of the window are loaded in intent_id order (the
 * primary key, so a range scan without sorting) and merge-joined with the
 * bank lines sorted by intent_id: O(n log n) for the sort, O(n) for the
 * join, no per-line SQL for the common case. */
#include "recon.h"
#include "sortutil.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROGRESS_EVERY 65536

struct line_ref {
	const struct bankfile_line *l;
	const char *file;
	int bank;
	uint32_t seq; /* order of addition: file order, then line order */
};

struct post {
	char id[INTENT_ID_LEN + 1];
	char account[INTENT_ACCOUNT_MAX + 1];
	int64_t amount_minor;
	int64_t paid_at_ms;
	int bank;
	int claimed;
};

struct vec {
	void *items;
	size_t count, cap, size;
};

struct recon {
	const struct config *cfg;
	int64_t start_ms, end_ms, match_window_ms;
	char id_lo[INTENT_ID_LEN + 1], id_hi[INTENT_ID_LEN + 1];
	size_t bank_count, biller_count;
	struct recon_total *totals;  /* bank_count x biller_count */
	struct vec *lines;           /* per biller: struct line_ref */
	struct vec findings;         /* struct recon_finding */
	bool sorted;
	uint32_t seq;
};

static const char *const kind_names[RECON_KIND_COUNT] = {
	"bank_only", "ledger_only", "amount_mismatch", "duplicate_line",
	"unknown_biller", "wrong_currency", "not_a_payment",
};

bool recon_kind_is_discrepancy(enum recon_kind kind)
{
	return kind != RECON_NOT_A_PAYMENT;
}

const char *recon_kind_name(enum recon_kind kind)
{
	assert(kind < RECON_KIND_COUNT);
	return kind_names[kind];
}

static void *vec_push(struct vec *v)
{
	if (v->count == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 256;
		void *p = realloc(v->items, cap * v->size);
		if (p == NULL)
			return NULL;
		v->items = p;
		v->cap = cap;
	}
	void *slot = (char *)v->items + v->count * v->size;
	v->count++;
	memset(slot, 0, v->size);
	return slot;
}

/* The first 13 characters of an intent id are paid_at_ms as 48-bit hex
 * ("xxxxxxxx-xxxx"), so a time window is an id range. */
static void id_prefix(int64_t ms, char out[INTENT_ID_LEN + 1])
{
	assert(ms >= 0 && ms < ((int64_t)1 << 48));
	snprintf(out, INTENT_ID_LEN + 1, "%08" PRIx64 "-%04" PRIx64,
		 (uint64_t)ms >> 16, (uint64_t)ms & 0xffff);
}

struct recon *recon_new(const struct config *cfg, int64_t start_ms,
			int64_t end_ms, int64_t match_window_ms)
{
	assert(cfg != NULL && start_ms < end_ms && match_window_ms >= 0);
	struct recon *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->cfg = cfg;
	r->start_ms = start_ms;
	r->end_ms = end_ms;
	r->match_window_ms = match_window_ms;
	id_prefix(start_ms, r->id_lo);
	id_prefix(end_ms, r->id_hi);
	r->bank_count = config_bank_count(cfg);
	r->biller_count = config_biller_count(cfg);
	r->totals = calloc(r->bank_count * r->biller_count + 1, sizeof(*r->totals));
	r->lines = calloc(r->biller_count + 1, sizeof(*r->lines));
	if (r->totals == NULL || r->lines == NULL) {
		recon_free(r);
		return NULL;
	}
	for (size_t i = 0; i < r->biller_count; i++)
		r->lines[i].size = sizeof(struct line_ref);
	r->findings.size = sizeof(struct recon_finding);
	return r;
}

void recon_free(struct recon *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; r->lines != NULL && i < r->biller_count; i++)
		free(r->lines[i].items);
	free(r->lines);
	free(r->findings.items);
	free(r->totals);
	free(r);
}

static struct recon_total *total(struct recon *r, int bank, int biller)
{
	assert(bank >= 0 && (size_t)bank < r->bank_count);
	assert(biller >= 0 && (size_t)biller < r->biller_count);
	return &r->totals[(size_t)bank * r->biller_count + (size_t)biller];
}

const struct recon_total *recon_total_at(const struct recon *r, int bank,
					 int biller)
{
	return total((struct recon *)r, bank, biller);
}

static int bank_index(const struct config *cfg, const char *id)
{
	for (size_t i = 0; i < config_bank_count(cfg); i++)
		if (strcmp(config_bank_at(cfg, i)->id, id) == 0)
			return (int)i;
	return -1;
}

static int biller_index(const struct config *cfg, const char *id)
{
	for (size_t i = 0; i < config_biller_count(cfg); i++)
		if (strcmp(config_biller_at(cfg, i)->id, id) == 0)
			return (int)i;
	return -1;
}

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src);
}

/* Record a finding for a bank line (kind_count is the caller's). */
static int line_finding(struct recon *r, enum recon_kind kind,
			const struct line_ref *lr, int biller,
			int64_t ledger_amount_minor)
{
	struct recon_finding *f = vec_push(&r->findings);
	if (f == NULL)
		return -1;
	f->kind = kind;
	f->file = lr->file;
	f->file_line = lr->l->file_line;
	f->bank = lr->bank;
	f->biller = biller;
	copy(f->biller_id, sizeof(f->biller_id), lr->l->biller);
	copy(f->intent_id, sizeof(f->intent_id), lr->l->intent_id);
	copy(f->account, sizeof(f->account), lr->l->account);
	f->currency = lr->l->currency;
	f->bank_amount_minor = lr->l->amount_minor;
	f->ledger_amount_minor = ledger_amount_minor;
	r->sorted = false;
	return 0;
}

int recon_add_file(struct recon *r, const char *name,
		   const struct bankfile *bf)
{
	int bank = bank_index(r->cfg, bankfile_bank(bf));
	assert(bank >= 0);
	for (size_t b = 0; b < r->biller_count; b++)
		total(r, bank, (int)b)->reconciled = true;
	for (size_t i = 0; i < bankfile_line_count(bf); i++) {
		struct line_ref lr = {bankfile_line_at(bf, i), name, bank, r->seq++};
		if (lr.l->status != BANKFILE_BOOKED)
			continue;
		int biller = biller_index(r->cfg, lr.l->biller);
		if (biller < 0) {
			if (line_finding(r, RECON_UNKNOWN_BILLER, &lr, -1, 0) < 0)
				return -1;
			continue;
		}
		if (lr.l->currency != config_biller_at(r->cfg, (size_t)biller)->currency) {
			if (line_finding(r, RECON_WRONG_CURRENCY, &lr, biller, 0) < 0)
				return -1;
			total(r, bank, biller)->kind_count[RECON_WRONG_CURRENCY]++;
			continue;
		}
		if (lr.l->not_a_payment) {
			if (line_finding(r, RECON_NOT_A_PAYMENT, &lr, biller, 0) < 0)
				return -1;
			total(r, bank, biller)->kind_count[RECON_NOT_A_PAYMENT]++;
			continue;
		}
		struct line_ref *slot = vec_push(&r->lines[biller]);
		if (slot == NULL)
			return -1;
		*slot = lr;
	}
	return 0;
}

/* ---- one biller ---- */

struct run {
	struct recon *r;
	int biller;
	sqlite3 *db;
	struct post *posts;
	size_t post_count;
	struct vec outside;      /* char[37] ids claimed outside the window */
	size_t outside_sorted;   /* the first so many are sorted */
	size_t *by_account;      /* post indices by (bank, account, amount,
				    paid_at), built for rule 2 on demand */
	sqlite3_stmt *by_id, *by_key;
	char *errstr;
	size_t errstr_size;
};

static int sql_fail(struct run *u, const char *what)
{
	snprintf(u->errstr, u->errstr_size, "ledger of %s: %s: %s",
		 config_biller_at(u->r->cfg, (size_t)u->biller)->id, what,
		 sqlite3_errmsg(u->db));
	return -1;
}

/* acc += v, or an error naming the total: money never wraps silently. */
static int add_minor(struct run *u, int64_t *acc, int64_t v, const char *what)
{
	if (money_add(*acc, v, acc) < 0) {
		snprintf(u->errstr, u->errstr_size,
			 "ledger of %s: %s total overflows int64 minor units",
			 config_biller_at(u->r->cfg, (size_t)u->biller)->id, what);
		return -1;
	}
	return 0;
}

static int load_posts(struct run *u, void (*progress)(void *, int64_t),
		      void *arg)
{
	static const char sql[] =
		"SELECT intent_id, bank, account, amount_minor, paid_at_ms "
		"FROM postings WHERE intent_id >= ?1 AND intent_id < ?2 "
		"ORDER BY intent_id";
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int last_bank = -1;
	char last_bank_id[INTENT_BANK_MAX + 1] = "";
	if (sqlite3_prepare_v2(u->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sql_fail(u, "prepare");
	sqlite3_bind_text(st, 1, u->r->id_lo, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, u->r->id_hi, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (u->post_count == cap) {
			cap = cap ? cap * 2 : 4096;
			void *p = realloc(u->posts, cap * sizeof(*u->posts));
			if (p == NULL) {
				sqlite3_finalize(st);
				snprintf(u->errstr, u->errstr_size, "out of memory");
				return -1;
			}
			u->posts = p;
		}
		struct post *p = &u->posts[u->post_count++];
		const char *bank = (const char *)sqlite3_column_text(st, 1);
		copy(p->id, sizeof(p->id), (const char *)sqlite3_column_text(st, 0));
		copy(p->account, sizeof(p->account),
		     (const char *)sqlite3_column_text(st, 2));
		p->amount_minor = sqlite3_column_int64(st, 3);
		p->paid_at_ms = sqlite3_column_int64(st, 4);
		p->claimed = 0;
		if (strcmp(bank, last_bank_id) != 0) {
			last_bank = bank_index(u->r->cfg, bank);
			copy(last_bank_id, sizeof(last_bank_id), bank);
		}
		p->bank = last_bank;
		if (progress != NULL && u->post_count % PROGRESS_EVERY == 0)
			progress(arg, (int64_t)u->post_count);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sql_fail(u, "reading postings");
	return 0;
}

static int cmp_post_id(const void *key, const void *item)
{
	return strcmp(key, ((const struct post *)item)->id);
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Is the posting with this id already matched to a line? */
static bool claimed(struct run *u, const char *id, bool set)
{
	if (strcmp(id, u->r->id_lo) >= 0 && strcmp(id, u->r->id_hi) < 0) {
		struct post *p = find_item(id, u->posts, u->post_count,
					 sizeof(*u->posts), cmp_post_id);
		assert(p != NULL); /* the window was loaded from the same snapshot */
		bool was = p->claimed;
		if (set)
			p->claimed = 1;
		return was;
	}
	/* ids claimed by match_by_id are sorted; later (legacy) claims are
	 * appended after outside_sorted and few. */
	if (find_item(id, u->outside.items, u->outside_sorted, u->outside.size,
		    cmp_id) != NULL)
		return true;
	for (size_t i = u->outside_sorted; i < u->outside.count; i++)
		if (strcmp((char *)u->outside.items + i * u->outside.size, id) == 0)
			return true;
	if (set) {
		char *slot = vec_push(&u->outside);
		if (slot != NULL)
			copy(slot, INTENT_ID_LEN + 1, id);
	}
	return false;
}

/* Count a matched or mismatched line against its bank's totals. */
static int settle_line(struct run *u, const struct line_ref *lr,
		       int64_t ledger_minor, bool by_rule, bool other_date)
{
	struct recon_total *t = total(u->r, lr->bank, u->biller);
	if (ledger_minor != lr->l->amount_minor) {
		t->kind_count[RECON_AMOUNT_MISMATCH]++;
		return line_finding(u->r, RECON_AMOUNT_MISMATCH, lr, u->biller,
				    ledger_minor);
	}
	if (by_rule) {
		t->matched_by_rule_count++;
		if (add_minor(u, &t->matched_by_rule_minor, lr->l->amount_minor,
			      "matched-by-rule") < 0)
			return -1;
	} else {
		t->matched_count++;
		if (add_minor(u, &t->matched_minor, lr->l->amount_minor, "matched") < 0)
			return -1;
	}
	if (other_date)
		t->matched_other_date_count++;
	return 0;
}

static int bank_only(struct run *u, const struct line_ref *lr)
{
	total(u->r, lr->bank, u->biller)->kind_count[RECON_BANK_ONLY]++;
	return line_finding(u->r, RECON_BANK_ONLY, lr, u->biller, 0);
}

/* A line whose intent_id is not in the window: the bank's cut-off may
 * differ from ours, so look the id up in the whole ledger. */
static int match_outside(struct run *u, const struct line_ref *lr)
{
	sqlite3_reset(u->by_id);
	sqlite3_bind_text(u->by_id, 1, lr->l->intent_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(u->by_id);
	if (rc == SQLITE_DONE)
		return bank_only(u, lr);
	if (rc != SQLITE_ROW)
		return sql_fail(u, "looking up an intent_id");
	int64_t amount = sqlite3_column_int64(u->by_id, 0);
	char *slot = vec_push(&u->outside); /* ids are unique here: no search */
	if (slot == NULL)
		return -1;
	copy(slot, INTENT_ID_LEN + 1, lr->l->intent_id);
	return settle_line(u, lr, amount, false, true);
}

static int cmp_line_id(const void *a, const void *b)
{
	const struct line_ref *x = a, *y = b;
	int c = strcmp(x->l->intent_id, y->l->intent_id);
	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Lines with an intent_id, sorted by it: merge with the window's postings. */
static int match_by_id(struct run *u, struct line_ref *lines, size_t n)
{
	sort_items(lines, n, sizeof(*lines), cmp_line_id);
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		const struct line_ref *lr = &lines[i];
		if (i > 0 && strcmp(lines[i - 1].l->intent_id, lr->l->intent_id) == 0) {
			total(u->r, lr->bank, u->biller)->kind_count[RECON_DUPLICATE_LINE]++;
			if (line_finding(u->r, RECON_DUPLICATE_LINE, lr, u->biller, 0) < 0)
				return -1;
			continue;
		}
		while (j < u->post_count && strcmp(u->posts[j].id, lr->l->intent_id) < 0)
			j++;
		int rc;
		if (j < u->post_count && strcmp(u->posts[j].id, lr->l->intent_id) == 0) {
			u->posts[j].claimed = 1;
			rc = settle_line(u, lr, u->posts[j].amount_minor, false, false);
		} else {
			rc = match_outside(u, lr);
		}
		if (rc < 0)
			return -1;
	}
	/* Keep the claimed-outside list sorted for nothing fancier than a
	 * deterministic order; it is searched linearly (legacy lines only). */
	sort_items(u->outside.items, u->outside.count, u->outside.size, cmp_id);
	u->outside_sorted = u->outside.count;
	return 0;
}

static int64_t abs64(int64_t v) { return v < 0 ? -v : v; }

/* Rule 1: same (bank, terminal, idempotency_key), paid_at within the
 * window, not yet claimed; the closest paid_at wins, then the lower id.
 * Returns 1 when matched (settled, maybe as amount_mismatch), 0 when no
 * candidate, -1 on error. */
static int rule_key(struct run *u, const struct line_ref *lr)
{
	const struct config_bank *bank = config_bank_at(u->r->cfg, (size_t)lr->bank);
	sqlite3_reset(u->by_key);
	sqlite3_bind_text(u->by_key, 1, bank->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(u->by_key, 2, lr->l->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_text(u->by_key, 3, lr->l->idempotency_key, -1, SQLITE_STATIC);
	char lo[INTENT_ID_LEN + 1], hi[INTENT_ID_LEN + 1];
	int64_t lo_ms = lr->l->paid_at_ms - u->r->match_window_ms;
	id_prefix(lo_ms > 0 ? lo_ms : 0, lo);
	/* + 1 ms: the prefix bound is exclusive, the window inclusive. */
	id_prefix(lr->l->paid_at_ms + u->r->match_window_ms + 1, hi);
	sqlite3_bind_text(u->by_key, 4, lo, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(u->by_key, 5, hi, -1, SQLITE_TRANSIENT);
	char best[INTENT_ID_LEN + 1] = "";
	int64_t best_diff = INT64_MAX, best_amount = 0;
	int rc;
	while ((rc = sqlite3_step(u->by_key)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(u->by_key, 0);
		int64_t diff = abs64(sqlite3_column_int64(u->by_key, 2) -
				     lr->l->paid_at_ms);
		if (diff > u->r->match_window_ms || diff >= best_diff ||
		    claimed(u, id, false))
			continue;
		best_diff = diff;
		best_amount = sqlite3_column_int64(u->by_key, 1);
		copy(best, sizeof(best), id);
	}
	if (rc != SQLITE_DONE)
		return sql_fail(u, "matching a legacy line by key");
	if (best[0] == '\0')
		return 0;
	claimed(u, best, true);
	return settle_line(u, lr, best_amount, true, false) < 0 ? -1 : 1;
}

static struct run *sort_run; /* qsort has no argument; settle is single-threaded */

static int cmp_account_key(const struct post *p, int bank, const char *account,
			   int64_t amount)
{
	if (p->bank != bank)
		return p->bank < bank ? -1 : 1;
	int c = strcmp(p->account, account);
	if (c != 0)
		return c;
	return p->amount_minor < amount ? -1 : p->amount_minor > amount;
}

static int cmp_by_account(const void *a, const void *b)
{
	const struct post *x = &sort_run->posts[*(const size_t *)a];
	const struct post *y = &sort_run->posts[*(const size_t *)b];
	int c = cmp_account_key(x, y->bank, y->account, y->amount_minor);
	if (c != 0)
		return c;
	if (x->paid_at_ms != y->paid_at_ms)
		return x->paid_at_ms < y->paid_at_ms ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* Rule 2: a window posting of the same bank, account and amount with
 * paid_at within the window, not yet claimed; closest paid_at first. */
static int rule_account(struct run *u, const struct line_ref *lr)
{
	if (u->by_account == NULL) {
		u->by_account = malloc((u->post_count + 1) * sizeof(size_t));
		if (u->by_account == NULL)
			return -1;
		for (size_t i = 0; i < u->post_count; i++)
			u->by_account[i] = i;
		sort_run = u;
		sort_items(u->by_account, u->post_count, sizeof(size_t), cmp_by_account);
		sort_run = NULL;
	}
	size_t lo = 0, hi = u->post_count; /* first index not below the key */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_account_key(&u->posts[u->by_account[mid]], lr->bank,
				    lr->l->account, lr->l->amount_minor) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	struct post *best = NULL;
	int64_t best_diff = INT64_MAX;
	/* A statement line with only a booking date carries its own, wider
	 * window (bankfile_line.paid_at_window_ms). */
	int64_t window_ms = lr->l->paid_at_window_ms > u->r->match_window_ms
				    ? lr->l->paid_at_window_ms
				    : u->r->match_window_ms;
	for (size_t i = lo; i < u->post_count; i++) {
		struct post *p = &u->posts[u->by_account[i]];
		if (cmp_account_key(p, lr->bank, lr->l->account,
				    lr->l->amount_minor) != 0)
			break;
		int64_t diff = abs64(p->paid_at_ms - lr->l->paid_at_ms);
		if (!p->claimed && diff <= window_ms && diff < best_diff) {
			best = p;
			best_diff = diff;
		}
	}
	if (best == NULL)
		return 0;
	best->claimed = 1;
	return settle_line(u, lr, best->amount_minor, true, false) < 0 ? -1 : 1;
}

static int cmp_line_seq(const void *a, const void *b)
{
	const struct line_ref *x = a, *y = b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Legacy lines (no intent_id), in file order: rule 1, then rule 2. */
static int match_legacy(struct run *u, struct line_ref *lines, size_t n)
{
	sort_items(lines, n, sizeof(*lines), cmp_line_seq);
	for (size_t i = 0; i < n; i++) {
		int rc = rule_key(u, &lines[i]);
		if (rc == 0)
			rc = rule_account(u, &lines[i]);
		if (rc == 0)
			rc = bank_only(u, &lines[i]);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Count the window's postings per bank; unclaimed ones of a bank that sent
 * a file are "ledger only". */
static int ledger_side(struct run *u)
{
	for (size_t i = 0; i < u->post_count; i++) {
		const struct post *p = &u->posts[i];
		if (p->bank >= 0) {
			struct recon_total *t = total(u->r, p->bank, u->biller);
			t->ledger_count++;
			if (add_minor(u, &t->ledger_minor, p->amount_minor, "ledger") < 0)
				return -1;
			if (p->claimed || !t->reconciled)
				continue;
			t->kind_count[RECON_LEDGER_ONLY]++;
		}
		struct recon_finding *f = vec_push(&u->r->findings);
		if (f == NULL)
			return -1;
		const struct config_biller *b = config_biller_at(u->r->cfg, (size_t)u->biller);
		*f = (struct recon_finding){
			.kind = RECON_LEDGER_ONLY, .file = "", .bank = p->bank,
			.biller = u->biller, .currency = b->currency,
			.ledger_amount_minor = p->amount_minor,
		};
		copy(f->biller_id, sizeof(f->biller_id), b->id);
		copy(f->intent_id, sizeof(f->intent_id), p->id);
		copy(f->account, sizeof(f->account), p->account);
		u->r->sorted = false;
	}
	return 0;
}

static int split_and_match(struct run *u)
{
	struct vec *v = &u->r->lines[u->biller];
	struct line_ref *all = v->items;
	/* Partition: lines with an intent_id first, legacy lines after. */
	size_t n_id = 0;
	for (size_t i = 0; i < v->count; i++)
		if (all[i].l->intent_id[0] != '\0') {
			struct line_ref t = all[n_id];
			all[n_id++] = all[i];
			all[i] = t;
		}
	for (size_t i = 0; i < v->count; i++) {
		struct recon_total *t = total(u->r, all[i].bank, u->biller);
		t->bank_count++;
		if (add_minor(u, &t->bank_minor, all[i].l->amount_minor, "bank") < 0)
			return -1;
	}
	if (match_by_id(u, all, n_id) < 0)
		return -1;
	/* Duplicates are not payments: take them out of the bank side. */
	for (size_t i = 1; i < n_id; i++)
		if (strcmp(all[i - 1].l->intent_id, all[i].l->intent_id) == 0) {
			struct recon_total *t = total(u->r, all[i].bank, u->biller);
			t->bank_count--;
			/* Cannot overflow: the same amount was added above. */
			t->bank_minor -= all[i].l->amount_minor;
		}
	if (match_legacy(u, all + n_id, v->count - n_id) < 0)
		return -1;
	return ledger_side(u);
}

int recon_run_biller(struct recon *r, int biller, sqlite3 *db,
		     void (*progress)(void *arg, int64_t postings_done),
		     void *arg, char *errstr, size_t errstr_size)
{
	assert(biller >= 0 && (size_t)biller < r->biller_count && db != NULL);
	struct run u = {.r = r, .biller = biller, .db = db, .errstr = errstr,
			.errstr_size = errstr_size};
	u.outside.size = INTENT_ID_LEN + 1;
	int rc = -1;
	errstr[0] = '\0';
	/* One read transaction: the window scan and the lookups see the same
	 * snapshot even while the posting consumer commits. */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		sql_fail(&u, "begin");
		return -1;
	}
	if (sqlite3_prepare_v2(db, "SELECT amount_minor FROM postings "
			       "WHERE intent_id = ?1", -1, &u.by_id, NULL) != SQLITE_OK ||
	    /* The match window as an intent_id range (ids start with paid_at):
	     * a primary-key range scan, no (bank, terminal, key) index needed
	     * (the ledger has none: it would slow every posting). */
	    sqlite3_prepare_v2(db, "SELECT intent_id, amount_minor, paid_at_ms "
			       "FROM postings WHERE intent_id >= ?4 AND intent_id < ?5 "
			       "AND bank = ?1 AND terminal = ?2 AND idempotency_key = ?3 "
			       "ORDER BY intent_id",
			       -1, &u.by_key, NULL) != SQLITE_OK) {
		sql_fail(&u, "prepare");
		goto out;
	}
	if (load_posts(&u, progress, arg) < 0 || split_and_match(&u) < 0) {
		if (errstr[0] == '\0')
			snprintf(errstr, errstr_size, "out of memory");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(u.by_id);
	sqlite3_finalize(u.by_key);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	free(u.posts);
	free(u.outside.items);
	free(u.by_account);
	return rc;
}

static int cmp_finding(const void *a, const void *b)
{
	const struct recon_finding *x = a, *y = b;
	bool xl = x->file[0] == '\0', yl = y->file[0] == '\0';
	if (xl != yl)
		return xl ? 1 : -1;
	int c = strcmp(x->file, y->file);
	if (c != 0)
		return c;
	if (x->file_line != y->file_line)
		return x->file_line < y->file_line ? -1 : 1;
	c = strcmp(x->biller_id, y->biller_id);
	if (c != 0)
		return c;
	c = strcmp(x->intent_id, y->intent_id);
	if (c != 0)
		return c;
	return (int)x->kind - (int)y->kind;
}

size_t recon_finding_count(struct recon *r)
{
	if (!r->sorted) {
		sort_items(r->findings.items, r->findings.count, r->findings.size,
		      cmp_finding);
		r->sorted = true;
	}
	return r->findings.count;
}

const struct recon_finding *recon_finding_at(struct recon *r, size_t i)
{
	assert(i < recon_finding_count(r));
	return (const struct recon_finding *)r->findings.items + i;
}
