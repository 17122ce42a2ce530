/* post-bench — postings per second of the posting path (consumer/poster:
 * postings + allocation + invoices + offsets + counters, one transaction
 * per batch) against the ceiling measured in the same run: a bare batched
 * INSERT of the same posting rows into a plain table with the same key,
 * at the same durability (WAL, synchronous=FULL, same batch size).
 *
 * Drives the ledger path directly with intents decoded beforehand
 * (consumer/gen.c, outside the timed region): it measures the ledger, not
 * Kafka or JSON. Run by hand:
 *
 *   build/bench/post-bench [--count N] [--batch N] [--accounts N] [--dir D]
 *                          [--with-key-index]
 *
 * Prints the bare insert (ceiling), the posting path with its ratio to the
 * ceiling, the share of its time spent in COMMIT and its CPU time per
 * posting; --with-key-index adds a run with the (bank, terminal,
 * idempotency_key) index schema 001 leaves out, to show its cost. The
 * environment variable BENCH_SQL, when set, is run on the ledger after the
 * invoices are loaded (for experiments: "DROP INDEX ...", pragmas). */
#include <getopt.h>
#include <sys/resource.h>
#include <time.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen.h"
#include "ledger_db.h"
#include "intopt.h"
#include "money.h"
#include "post.h"
#include "poster.h"
#include "timeutil.h"

#define BENCH_TOPIC "bench.intents"
#define BENCH_PARTITIONS 16

struct bench {
	int64_t count, batch, accounts;
	const char *dir;
	struct gen_params gp;
	struct intent *in; /* one batch, generated outside the timing */
	bool with_key_index;
};

/* What one posting run measured. */
struct run {
	double per_s;
	int64_t spent_us, commit_us, cpu_us;
	/* The fold of the journal left at the end (alloc.h: the consumer
	 * folds when idle), timed apart, and what it folded. */
	int64_t fold_us, unfolded_count, folded_invoices_count;
};

static int64_t us_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000 +
	       (b->tv_nsec - a->tv_nsec) / 1000;
}

static int64_t cpu_us_now(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
	       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

static void die(const char *what, const char *err)
{
	fprintf(stderr, "post-bench: %s: %s\n", what, err);
	exit(1);
}

static void exec_or_die(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		die(sql, msg ? msg : "?");
}

static void path_for(const struct bench *b, const char *name, char *out,
		     size_t size)
{
	snprintf(out, size, "%s/%s", b->dir, name);
	char side[PATH_MAX + 8];
	unlink(out);
	snprintf(side, sizeof(side), "%s-wal", out);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", out);
	unlink(side);
}

static void gen_batch(struct bench *b, int64_t first, int64_t n)
{
	for (int64_t i = 0; i < n; i++)
		gen_intent(&b->gp, first + i, &b->in[i]);
}

/* The ceiling: the same rows, one plain INSERT each, no allocation. */
static double run_bare(struct bench *b)
{
	char path[PATH_MAX], err[512];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	path_for(b, "bench-bare.db", path, sizeof(path));
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die(path, sqlite3_errmsg(db));
	snprintf(err, sizeof(err), "PRAGMA page_size = %d; PRAGMA cache_size = -%d",
		 LEDGER_DB_PAGE_SIZE, LEDGER_DB_CACHE_KIB);
	exec_or_die(db, err);
	exec_or_die(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
		    "CREATE TABLE p (intent_id TEXT PRIMARY KEY, key TEXT, bank TEXT,"
		    " branch TEXT, terminal TEXT, account TEXT, invoice_no TEXT,"
		    " amount_minor INTEGER, currency TEXT, paid_at TEXT,"
		    " paid_at_ms INTEGER, received_at_ms INTEGER, posted_at_ms INTEGER,"
		    " channel TEXT, topic TEXT, partition INTEGER, offset INTEGER)"
		    " WITHOUT ROWID");
	if (sqlite3_prepare_v2(db, "INSERT INTO p VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
			       " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
			       -1, &st, NULL) != SQLITE_OK)
		die("prepare", sqlite3_errmsg(db));
	int64_t spent_us = 0;
	for (int64_t first = 0; first < b->count; first += b->batch) {
		int64_t n = b->count - first < b->batch ? b->count - first : b->batch;
		gen_batch(b, first, n);
		struct timespec ts0, ts1;
		clock_gettime(CLOCK_MONOTONIC, &ts0);
		exec_or_die(db, "BEGIN IMMEDIATE");
		for (int64_t i = 0; i < n; i++) {
			const struct intent *in = &b->in[i];
			sqlite3_bind_text(st, 1, in->intent_id, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, in->idempotency_key, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, in->bank, -1, SQLITE_STATIC);
			sqlite3_bind_null(st, 4);
			sqlite3_bind_text(st, 5, in->terminal, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 6, in->account, -1, SQLITE_STATIC);
			if (in->invoice[0])
				sqlite3_bind_text(st, 7, in->invoice, -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(st, 7);
			sqlite3_bind_int64(st, 8, in->amount_minor);
			sqlite3_bind_text(st, 9, in->currency, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 10, in->paid_at, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 11, in->paid_at_ms);
			sqlite3_bind_int64(st, 12, in->received_at_ms);
			sqlite3_bind_int64(st, 13, in->received_at_ms + 1);
			sqlite3_bind_text(st, 14, intent_channel_name(in->channel), -1,
					  SQLITE_STATIC);
			sqlite3_bind_text(st, 15, BENCH_TOPIC, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 16, (first + i) % BENCH_PARTITIONS);
			sqlite3_bind_int64(st, 17, first + i);
			if (sqlite3_step(st) != SQLITE_DONE)
				die("insert", sqlite3_errmsg(db));
			sqlite3_reset(st);
		}
		exec_or_die(db, "COMMIT");
		clock_gettime(CLOCK_MONOTONIC, &ts1);
		spent_us += us_between(&ts0, &ts1);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return (double)b->count * 1e6 / (double)spent_us;
}

static void load_invoices(struct bench *b, sqlite3 *db)
{
	char no[INTENT_INVOICE_MAX + 1], acc[INTENT_ACCOUNT_MAX + 1], due[11];
	int64_t minor;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "INSERT INTO invoices (invoice_no, account,"
			       " due_on, amount_due_minor, currency, imported_at_ms)"
			       " VALUES (?1, ?2, ?3, ?4, ?5, 1)", -1, &st, NULL) != SQLITE_OK)
		die("prepare", sqlite3_errmsg(db));
	exec_or_die(db, "BEGIN");
	for (int64_t a = 0; a < b->accounts; a++)
		for (int k = 0; k < gen_invoice_count(&b->gp, a); k++) {
			gen_invoice(&b->gp, a, k, no, acc, due, &minor);
			sqlite3_bind_text(st, 1, no, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, acc, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, due, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 4, minor);
			sqlite3_bind_text(st, 5, b->gp.currency->code, -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				die("invoice", sqlite3_errmsg(db));
			sqlite3_reset(st);
		}
	exec_or_die(db, "COMMIT");
	sqlite3_finalize(st);
}

/* One batch through the poster; adds its time to r. */
static void post_batch(struct bench *b, struct poster *p, int64_t first,
		       int64_t n, int64_t *next_offset, struct run *r)
{
	char err[512];
	struct poster_counts c[BENCH_PARTITIONS];
	struct timespec ts0, tc, ts1;
	memset(c, 0, sizeof(c));
	clock_gettime(CLOCK_MONOTONIC, &ts0);
	int64_t now_ms = time_now_ms();
	if (poster_begin(p, err, sizeof(err)) < 0)
		die("begin", err);
	for (int64_t i = 0; i < n; i++) {
		int part = (int)((first + i) % BENCH_PARTITIONS);
		struct poster_outcome o;
		for (int near = 0; near <= 1; near++)
			if (i + (POSTER_PREFETCH_AHEAD >> near) < n)
				poster_prefetch(p, &b->in[i + (POSTER_PREFETCH_AHEAD
							       >> near)],
						near);
		if (poster_post(p, &b->in[i], BENCH_TOPIC, part,
				next_offset[part]++, now_ms, &o, err,
				sizeof(err)) < 0)
			die("post", err);
		c[part].postings_count += !o.duplicate;
		c[part].duplicates_count += o.duplicate;
		c[part].suspense_count += o.split.suspense_code != NULL;
	}
	for (int part = 0; part < BENCH_PARTITIONS; part++)
		if (poster_advance(p, BENCH_TOPIC, part, next_offset[part],
				   &c[part], now_ms, err, sizeof(err)) < 0)
			die("advance", err);
	clock_gettime(CLOCK_MONOTONIC, &tc);
	if (poster_commit(p, err, sizeof(err)) < 0)
		die("commit", err);
	clock_gettime(CLOCK_MONOTONIC, &ts1);
	r->spent_us += us_between(&ts0, &ts1);
	r->commit_us += us_between(&tc, &ts1);
}

/* The posting path; with_key_index adds the (bank, terminal,
 * idempotency_key) index that schema 001 leaves out, to show its cost.
 * The ledger must balance afterwards, with every intent posted. */
static struct run run_posting(struct bench *b, bool with_key_index)
{
	char path[PATH_MAX], err[512];
	struct poster *p = NULL;
	struct run r = {0};
	int64_t next_offset[BENCH_PARTITIONS] = {0};
	path_for(b, "bench-ledger.db", path, sizeof(path));
	if (poster_open(path, "bench", b->gp.currency->code, LEDGER_DB_CREATE,
			&p, err, sizeof(err)) < 0)
		die("open", err);
	load_invoices(b, poster_db(p));
	if (getenv("BENCH_SQL") != NULL)
		exec_or_die(poster_db(p), getenv("BENCH_SQL"));
	if (with_key_index)
		exec_or_die(poster_db(p), "CREATE INDEX postings_terminal_key"
			    " ON postings (bank, terminal, idempotency_key)");
	/* CPU time includes generating the intents (about 1 us each),
	 * wall time does not. */
	int64_t cpu0_us = cpu_us_now();
	for (int64_t first = 0; first < b->count; first += b->batch) {
		int64_t n = b->count - first < b->batch ? b->count - first : b->batch;
		gen_batch(b, first, n);
		post_batch(b, p, first, n, next_offset, &r);
	}
	r.cpu_us = cpu_us_now() - cpu0_us;
	r.unfolded_count = poster_unfolded_count(p);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(poster_db(p), "SELECT count(DISTINCT invoice_no)"
			       " FROM allocations WHERE seq >"
			       " (SELECT folded_seq FROM allocations_fold)"
			       " AND invoice_updated = 0", -1, &st,
			       NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		die("count", sqlite3_errmsg(poster_db(p)));
	r.folded_invoices_count = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	struct timespec f0, f1;
	clock_gettime(CLOCK_MONOTONIC, &f0);
	if (poster_fold(p, err, sizeof(err)) < 0)
		die("fold", err);
	clock_gettime(CLOCK_MONOTONIC, &f1);
	r.fold_us = us_between(&f0, &f1);
	struct ledger_balance bal;
	if (ledger_db_check_balance(poster_db(p), &bal, err, sizeof(err)) < 0)
		die("balance", err);
	if (!bal.balanced || bal.postings_count != b->count)
		die("balance", "the ledger does not balance");
	poster_close(p);
	r.per_s = (double)b->count * 1e6 / (double)r.spent_us;
	return r;
}

static void print_run(const char *what, const struct bench *b,
		      const struct run *r, double bare)
{
	printf("%-29s %9.0f postings/s  ratio %.2f  (commit %.0f %% of the"
	       " time, CPU %.1f us/posting)\n",
	       what, r->per_s, r->per_s / bare,
	       100.0 * (double)r->commit_us / (double)r->spent_us,
	       (double)r->cpu_us / (double)b->count);
	/* The fold is owed work: show it, and the rate had it been done
	 * inside the run. */
	double with_fold = (double)b->count * 1e6 /
			   (double)(r->spent_us + r->fold_us);
	printf("  then the fold (when idle):  %" PRId64 " ms for %" PRId64
	       " journal rows into %" PRId64 " invoices\n"
	       "  posting + fold:             %9.0f postings/s  ratio %.2f\n",
	       r->fold_us / 1000, r->unfolded_count,
	       r->folded_invoices_count, with_fold, with_fold / bare);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"count", required_argument, NULL, 'n'},
		{"batch", required_argument, NULL, 'b'},
		{"accounts", required_argument, NULL, 'a'},
		{"dir", required_argument, NULL, 'd'},
		{"with-key-index", no_argument, NULL, 'k'},
		{0},
	};
	struct bench b = {.count = 1000000, .batch = POST_BATCH_MAX_DEFAULT,
			  .accounts = 200000,
			  .dir = "."};
	int c, bad = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': bad |= intopt_parse(optarg, 1, INT64_MAX, &b.count); break;
		case 'b': bad |= intopt_parse(optarg, 1, INT64_MAX, &b.batch); break;
		case 'a': bad |= intopt_parse(optarg, 1, INT64_MAX, &b.accounts); break;
		case 'd': b.dir = optarg; break;
		case 'k': b.with_key_index = true; break;
		default:
			bad = -1;
		}
		if (bad < 0) {
			fprintf(stderr, "usage: post-bench [--count N] [--batch N]"
				" [--accounts N] [--dir DIR] [--with-key-index]\n");
			return 2;
		}
	}
	if (b.count < 1 || b.batch < 1 || b.batch > LEDGER_DB_BATCH_COUNT_MAX ||
	    b.accounts < 1) {
		fprintf(stderr, "post-bench: count, accounts >= 1, batch 1..%d\n",
			LEDGER_DB_BATCH_COUNT_MAX);
		return 2;
	}
	gen_params_default(&b.gp, "bench", currency_find("JOD"), b.accounts, 1);
	b.in = calloc((size_t)b.batch, sizeof(*b.in));
	if (b.in == NULL)
		die("memory", "calloc");
	printf("post-bench: %" PRId64 " intents, batches of %" PRId64
	       ", %" PRId64 " accounts (80%% with 1-3 invoices), WAL, "
	       "synchronous=FULL, dir %s\n", b.count, b.batch, b.accounts, b.dir);
	double bare = run_bare(&b);
	printf("bare insert (ceiling):        %9.0f rows/s\n", bare);
	struct run full = run_posting(&b, false);
	print_run("posting (ledger path):", &b, &full, bare);
	if (b.with_key_index) {
		struct run key = run_posting(&b, true);
		print_run("posting + terminal-key index:", &b, &key, bare);
	}
	char path[PATH_MAX];
	path_for(&b, "bench-bare.db", path, sizeof(path));
	path_for(&b, "bench-ledger.db", path, sizeof(path));
	free(b.in);
	return 0;
}
