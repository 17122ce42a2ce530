/* tasdid demo — one command runs a whole day end to end, on the embedded
 * broker (librdkafka's mock cluster: IN MEMORY ONLY, for trying and
 * testing):
 *
 *   1. writes a synthetic deployment (four billers, banks, terminals with
 *      tokens, invoices) and starts `tasdid broker`, `tasdid intake` and
 *      `tasdid post` as real processes on loopback;
 *   2. the day-one rush: every terminal sends intents at once, single and
 *      batch, retrying 503s with the same idempotency key after Retry-After;
 *   3. an outage: the broker goes down in the middle, then comes back;
 *   4. some terminals re-send payments whose answer they lost (duplicates);
 *   5. posting catches up; every accepted intent is looked up in a ledger;
 *   6. the banks' settlement files are written from what terminals were
 *      told was accepted, with planted discrepancies, and the night's
 *      `tasdid settle` runs; what it finds is compared with what was planted.
 *
 * Exit status 0 only when no accepted intent was lost and the settlement
 * found exactly the planted discrepancies. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <arpa/inet.h>
#include <errno.h>
#include <dirent.h>
#include <ftw.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bankgen.h"
#include "commands.h"
#include "config.h"
#include "faults.h"
#include "kafka.h"
#include "ledger_db.h"
#include "load.h"
#include "log.h"
#include "proc.h"
#include "sim.h"
#include "timeutil.h"
#include "world.h"

#define DEMO_START_TIMEOUT_MS (30 * 1000)
#define DEMO_CATCH_UP_TIMEOUT_MS (120 * 1000)
#define DEMO_SETTLE_TIMEOUT_MS (120 * 1000)
#define DEMO_STOP_TIMEOUT_MS (15 * 1000)
#define DEMO_MARKER ".tasdid-demo"
#define DEMO_BATCH_SIZE 50
#define DEMO_PARTITIONS 8 /* [topics] partitions of the generated config */

struct demo_opts {
	const char *dir;
	const char *json_path;  /* the summary as JSON too, or NULL */
	uint64_t seed;
	int banks, terminals_per_bank, accounts;
	int64_t count;          /* intents of the rush */
	int64_t resend;         /* intents re-sent after a lost answer */
	int connections;
	int64_t outage_ms;
	bool faults;            /* the fault campaign (faults.h) */
	int64_t span_ms;        /* how long its traffic lasts */
};

struct demo {
	struct demo_opts o;
	char path[4096];        /* scratch for building paths */
	char ini[4096], terminals[4096], accepted[4096], post_stats[4096];
	char unaccepted[4096];
	char bootstrap[512];
	int intake_port;
	pid_t broker, intake, post;
	int64_t today_day;
	int64_t start_wall_ms;
	struct load_result single, batch, again, impatient;
	struct faults_plan plan;
	struct faults_tally tally;
	struct faults_verdict verdict;
	int64_t settle_kills_hit, settle_kills_late; /* a kill found it running / done */
	int64_t settle_leftovers;  /* <date>.tmp-* / .old-* after the last run */
	int ledger_check_status;
	atomic_llong live_accepted, live_shed;
};

static const char *dpath(struct demo *d, const char *name)
{
	snprintf(d->path, sizeof(d->path), "%s/%s", d->o.dir, name);
	return d->path;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Progress for the person watching: one line per step, flushed. */
static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

/* The demo folder is ours to empty only if a previous demo made it. */
static int prepare_dir(struct demo *d)
{
	struct stat st;
	if (stat(d->o.dir, &st) == 0) {
		char marker[4096];
		snprintf(marker, sizeof(marker), "%s/" DEMO_MARKER, d->o.dir);
		if (access(marker, F_OK) != 0) {
			log_error("%s exists and was not made by tasdid demo; "
				  "choose another --dir", d->o.dir);
			return -1;
		}
		if (nftw(d->o.dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) {
			log_error("cannot remove the previous demo in %s", d->o.dir);
			return -1;
		}
	}
	const char *subdirs[] = {"", "/ledgers", "/bank", "/reports"};
	for (size_t i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
		char p[4200];
		snprintf(p, sizeof(p), "%s%s", d->o.dir, subdirs[i]);
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			log_error("mkdir %s: %s", p, strerror(errno));
			return -1;
		}
	}
	FILE *f = fopen(dpath(d, DEMO_MARKER), "w");
	if (f == NULL)
		return -1;
	fputs("made by tasdid demo; the whole folder is replaced by the next run\n", f);
	return fclose(f);
}

/* A loopback port nobody listens on now (the kernel's choice; the intake
 * binds it a moment later). */
static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sin);
	int port = 0;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static int write_world(struct demo *d, char *err, size_t err_size)
{
	char extra[4096], bankfiles[2048];
	const char *bank_ids[WORLD_BANKS_MAX];
	char bank_buf[WORLD_BANKS_MAX][8];
	for (int k = 0; k < d->o.banks; k++) {
		world_bank_id(k, bank_buf[k]);
		bank_ids[k] = bank_buf[k];
	}
	/* BNK1 sends camt.053, BNK2 MT940, BNK3 camt.054 (bankgen_format). */
	if (bankgen_ini(bank_ids, (size_t)d->o.banks, world_biller_ids, WORLD_BILLERS,
			bankfiles, sizeof(bankfiles)) < 0) {
		snprintf(err, err_size, "[bankfile] sections too long");
		return -1;
	}
	snprintf(extra, sizeof(extra),
		 "[intake]\nport = %d\nevents_log = events.jsonl\n"
		 "inflight_max = 20000\n\n"
		 "[post]\nstats_file = post-stats.json\n\n"
		 "[settle]\ntimezone = UTC\ncutoff = 00:00\nbank_files_dir = bank\n"
		 "reports_dir = reports\nevents_file = events.jsonl\n"
		 "outage_file = outages.csv\noutage_events_min = 20\n"
		 "outage_events_window_s = 300\n%s",
		 d->intake_port, bankfiles);
	struct world_opts w = {
		.dir = d->o.dir,
		.scenario = {.seed = d->o.seed, .accounts_per_biller = d->o.accounts,
			     .due_day = d->today_day},
		.bank_count = d->o.banks,
		.terminals_per_bank = d->o.terminals_per_bank,
		.extra_ini = extra,
	};
	if (world_write(&w, err, err_size) < 0)
		return -1;
	/* The operator's outage file: the network was down three days ago,
	 * so whoever's bill fell due then gets grace, not a late fee. */
	FILE *f = fopen(dpath(d, "outages.csv"), "w");
	if (f == NULL)
		return -1;
	char day[32];
	rfc3339_format_utc_ms((d->today_day - 3) * 86400000, day, sizeof(day));
	fprintf(f, "start,end,description\n%.10sT08:00:00Z,%.10sT20:00:00Z,"
		"\"Network outage in rural branches; انقطاع الشبكة\"\n", day, day);
	return fclose(f);
}

static int start_services(struct demo *d)
{
	char err[512];
	char bootfile[4096];
	snprintf(bootfile, sizeof(bootfile), "%s/bootstrap", d->o.dir);
	char *broker_argv[] = {"broker", "-c", d->ini, "--bootstrap-file", bootfile, NULL};
	d->broker = proc_spawn_self(broker_argv, dpath(d, "broker.log"), err, sizeof(err));
	if (d->broker < 0 || !proc_wait_file(bootfile, DEMO_START_TIMEOUT_MS) ||
	    proc_read_file(bootfile, d->bootstrap, sizeof(d->bootstrap)) < 0) {
		log_error("the embedded broker did not start (see %s/broker.log)", d->o.dir);
		return -1;
	}
	say("  embedded broker   %s  (librdkafka mock cluster: IN MEMORY ONLY)", d->bootstrap);

	for (int b = 0; b < WORLD_BILLERS; b++) {
		char invoices[4096];
		snprintf(invoices, sizeof(invoices), "%s/invoices-%s.csv", d->o.dir,
			 world_biller_ids[b]);
		char *init_argv[] = {"ledger", "init", "--biller", (char *)world_biller_ids[b],
				     "-c", d->ini, NULL};
		char *import_argv[] = {"invoices", "import", invoices, "--biller",
				       (char *)world_biller_ids[b], "-c", d->ini, NULL};
		if (proc_run_self(init_argv, dpath(d, "setup.log"), DEMO_START_TIMEOUT_MS,
				  err, sizeof(err)) != 0 ||
		    proc_run_self(import_argv, dpath(d, "setup.log"), DEMO_START_TIMEOUT_MS,
				  err, sizeof(err)) != 0) {
			log_error("ledger set-up of %s failed (see %s/setup.log)",
				  world_biller_ids[b], d->o.dir);
			return -1;
		}
	}
	say("  ledgers           4 billers, %d invoices each, imported", d->o.accounts);

	char *intake_argv[] = {"intake", "-c", d->ini, "-b", d->bootstrap, NULL};
	d->intake = proc_spawn_self(intake_argv, dpath(d, "intake.log"), err, sizeof(err));
	if (d->intake < 0 ||
	    !proc_wait_http(d->intake_port, "/readyz", 200, DEMO_START_TIMEOUT_MS)) {
		log_error("the intake did not become ready (see %s/intake.log)", d->o.dir);
		return -1;
	}
	say("  intake            http://127.0.0.1:%d  (ready)", d->intake_port);

	char *post_argv[] = {"post", "-c", d->ini, "-b", d->bootstrap, NULL};
	d->post = proc_spawn_self(post_argv, dpath(d, "post.log"), err, sizeof(err));
	/* Wait for the group join (the mock cluster's first join takes about
	 * 3 s), so the rush meets a consumer that is already posting. */
	size_t assigned = 0;
	int64_t deadline = time_mono_ms() + DEMO_START_TIMEOUT_MS;
	while (d->post > 0 && assigned == 0 && time_mono_ms() < deadline) {
		json_t *st = json_load_file(d->post_stats, 0, NULL);
		assigned = json_array_size(json_object_get(st, "partitions"));
		json_decref(st);
		if (assigned == 0)
			usleep(50 * 1000);
	}
	if (assigned == 0) {
		log_error("the posting consumer did not join (see %s/post.log)", d->o.dir);
		return -1;
	}
	say("  posting consumer  %zu partitions assigned (stats in %s)", assigned,
	    d->post_stats);
	return 0;
}

struct load_job {
	struct demo *d;
	struct load_opts o;
	struct load_result *result;
	struct load_terminal *terminals;
	size_t terminal_count;
	int rc;
	atomic_int finished; /* set when load_run returned */
};

static void *load_thread(void *arg)
{
	struct load_job *j = arg;
	char err[256];
	j->rc = load_run(&j->o, j->result, err, sizeof(err));
	if (j->rc < 0)
		log_error("load: %s", err);
	atomic_store(&j->finished, 1);
	return NULL;
}

/* Options shared by every load of the demo; the terminals are split: most
 * send single intents, the rest batches (a branch system's upload). */
static void load_base(struct demo *d, struct load_job *j, const struct config *cfg)
{
	memset(&j->o, 0, sizeof(j->o));
	j->d = d;
	snprintf(j->o.host, sizeof(j->o.host), "127.0.0.1");
	j->o.port = d->intake_port;
	j->o.attempts_max = 200;           /* a terminal keeps trying */
	j->o.retry_after_max_ms = 1000;
	j->o.request_timeout_ms = 10000;
	j->o.scenario = (struct scenario){.seed = d->o.seed,
					  .accounts_per_biller = d->o.accounts,
					  .due_day = d->today_day};
	j->o.paid_at_base_ms = d->start_wall_ms;
	j->o.paid_at_step_ms = 1;
	struct load_opts tmp;
	sim_billers_from_config(cfg, &tmp, NULL, 0);
	j->o.biller_count = tmp.biller_count;
	memcpy(j->o.biller_ids, tmp.biller_ids, sizeof(tmp.biller_ids));
	memcpy(j->o.currencies, tmp.currencies, sizeof(tmp.currencies));
	j->o.live_accepted = &d->live_accepted;
	j->o.live_shed = &d->live_shed;
}

static bool wait_counter(atomic_llong *c, int64_t at_least, int64_t timeout_ms)
{
	int64_t deadline = time_mono_ms() + timeout_ms;
	while (atomic_load(c) < at_least) {
		if (time_mono_ms() >= deadline)
			return false;
		usleep(10 * 1000);
	}
	return true;
}

#define FAULTS_TICK_MS 10          /* how often the supervisor looks */
#define FAULTS_OVERRUN_MS (120 * 1000) /* the traffic may outlast its span */

/* The campaign's traffic: the same terminals as the rush, paced over
 * span_ms, while the supervisor injects the plan's faults and restarts
 * what they killed. A tenth of the payments come from impatient terminals
 * that never retry: they give up at the first 503 or lost connection, so
 * that "never accepted" is not empty. */
static int run_traffic_faults(struct demo *d, const struct config *cfg, FILE *accepted,
			      FILE *unaccepted, struct load_terminal *terms, size_t nterms)
{
	char err[512];
	size_t batch_terms = nterms >= 4 ? nterms / 4 : 1;
	struct load_job jobs[3];
	struct load_result *results[3] = {&d->single, &d->batch, &d->impatient};
	int64_t counts[3] = {d->o.count / 4, d->o.count / 10, 0};
	counts[2] = d->o.count - counts[0] - counts[1];
	int64_t first = 0;
	for (int i = 0; i < 3; i++) {
		struct load_job *j = &jobs[i];
		load_base(d, j, cfg);
		atomic_init(&j->finished, 0);
		j->o.terminals = i == 1 ? terms : terms + batch_terms;
		j->o.terminal_count = i == 1 ? batch_terms : nterms - batch_terms;
		j->o.connections = i == 0 ? d->o.connections : 4;
		j->o.batch_size = i == 1 ? DEMO_BATCH_SIZE : 0;
		j->o.attempts_max = i == 2 ? 1 : j->o.attempts_max;
		j->o.count = i == 0 ? counts[2] : i == 1 ? counts[0] : counts[1];
		j->o.rate_per_s = j->o.count * 1000 / d->o.span_ms + 1;
		j->o.first_index = (uint64_t)first;
		first += j->o.count;
		j->o.accepted_log = accepted;
		j->o.unaccepted_log = unaccepted;
		j->result = results[i];
	}
	struct faults_sup_opts so = {.dir = d->o.dir, .ini = d->ini, .bootstrap = d->bootstrap,
				     .cfg = cfg, .broker = d->broker, .intake = d->intake,
				     .post = d->post, .plan = &d->plan};
	struct faults_sup *sup = NULL;
	if (faults_sup_new(&so, &sup, err, sizeof(err)) < 0) {
		log_error("%s", err);
		return -1;
	}
	char at[40];
	rfc3339_format_utc_ms(time_now_ms(), at, sizeof(at));
	say("\nThe campaign from %s: %" PRId64 " payments over %" PRId64 " s while faults "
	    "hit (%" PRId64 " from impatient terminals that never retry)", at, d->o.count,
	    d->o.span_ms / 1000, jobs[2].o.count);
	pthread_t th[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, load_thread, &jobs[i]);
	int64_t t0 = time_mono_ms(), deadline = t0 + d->o.span_ms + FAULTS_OVERRUN_MS;
	int said = 0, rc = 0;
	for (;;) {
		faults_sup_tick(sup);
		faults_sup_tally(sup, &d->tally);
		for (; said < d->plan.count && time_mono_ms() - t0 >= d->plan.ev[said].at_ms;
		     said++)
			say("  %6.1f s  %s", (double)d->plan.ev[said].at_ms / 1000,
			    faults_kind_name(d->plan.ev[said].kind));
		bool loads_done = atomic_load(&jobs[0].finished) &&
				  atomic_load(&jobs[1].finished) && atomic_load(&jobs[2].finished);
		if (loads_done && faults_sup_done(sup))
			break;
		if (time_mono_ms() >= deadline) {
			log_error("the campaign did not finish within %" PRId64 " s",
				  (deadline - t0) / 1000);
			rc = -1;
			break;
		}
		usleep(FAULTS_TICK_MS * 1000);
	}
	for (int i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		rc = jobs[i].rc < 0 ? -1 : rc;
	}
	faults_sup_pids(sup, &d->intake, &d->post);
	faults_sup_free(sup);
	return rc;
}

/* The rush, with the outage in the middle of it. */
static int run_rush_outage(struct demo *d, const struct config *cfg, FILE *accepted,
			   struct load_terminal *terms, size_t nterms)
{
	size_t batch_terms = nterms >= 4 ? nterms / 4 : 1;
	struct load_job single, batch;
	load_base(d, &single, cfg);
	load_base(d, &batch, cfg);
	single.o.terminals = terms + batch_terms;
	single.o.terminal_count = nterms - batch_terms;
	single.o.connections = d->o.connections;
	single.o.count = d->o.count - d->o.count / 4;
	single.o.first_index = 0;
	single.result = &d->single;
	batch.o.terminals = terms;
	batch.o.terminal_count = batch_terms;
	batch.o.connections = 4;
	batch.o.batch_size = DEMO_BATCH_SIZE;
	batch.o.count = d->o.count / 4;
	batch.o.first_index = (uint64_t)single.o.count;
	batch.result = &d->batch;
	single.o.accepted_log = batch.o.accepted_log = accepted;

	say("\nThe day-one rush: %zu terminals send %" PRId64 " payments at once "
	    "(%" PRId64 " single, %" PRId64 " in batches of %d)", nterms, d->o.count,
	    single.o.count, batch.o.count, DEMO_BATCH_SIZE);
	pthread_t ts, tb;
	pthread_create(&ts, NULL, load_thread, &single);
	pthread_create(&tb, NULL, load_thread, &batch);

	/* A third of the way in, Kafka goes down; it comes back once the
	 * intake has visibly shed load (or after outage_ms at most). */
	int rc = 0;
	if (wait_counter(&d->live_accepted, d->o.count / 3, 60 * 1000)) {
		int64_t shed_before = atomic_load(&d->live_shed);
		kill(d->broker, SIGUSR1);
		say("  %lld accepted: the broker goes DOWN", (long long)atomic_load(&d->live_accepted));
		int64_t down_at = time_mono_ms();
		wait_counter(&d->live_shed, shed_before + 200, d->o.outage_ms);
		while (time_mono_ms() - down_at < d->o.outage_ms / 2)
			usleep(10 * 1000); /* keep the outage visible for a while */
		kill(d->broker, SIGUSR2);
		say("  after %lld ms and %lld shed answers: the broker is UP again",
		    (long long)(time_mono_ms() - down_at),
		    (long long)(atomic_load(&d->live_shed) - shed_before));
	} else {
		log_error("the rush made no progress");
		rc = -1;
	}
	pthread_join(ts, NULL);
	pthread_join(tb, NULL);
	if (single.rc < 0 || batch.rc < 0)
		rc = -1;
	return rc;
}

/* The day's traffic (the rush with its outage, or the fault campaign),
 * then terminals that lost an answer send the same payments again. */
static int run_rush(struct demo *d, const struct config *cfg, FILE *accepted,
		    FILE *unaccepted)
{
	char err[512];
	struct load_terminal *terms = NULL;
	size_t nterms = 0;
	if (sim_load_terminals(d->terminals, &terms, &nterms, err, sizeof(err)) < 0) {
		log_error("%s", err);
		return -1;
	}
	size_t batch_terms = nterms >= 4 ? nterms / 4 : 1;
	int rc = d->o.faults
		? run_traffic_faults(d, cfg, accepted, unaccepted, terms, nterms)
		: run_rush_outage(d, cfg, accepted, terms, nterms);
	if (rc == 0 && d->o.resend > 0) {
		struct load_job again;
		load_base(d, &again, cfg);
		again.o.terminals = terms + batch_terms;
		again.o.terminal_count = nterms - batch_terms;
		again.o.connections = 8;
		again.o.count = d->o.resend;
		again.o.first_index = 0;
		again.o.accepted_log = accepted; /* bank files dedupe by intent id */
		again.o.unaccepted_log = unaccepted;
		again.result = &d->again;
		load_thread(&again);
		if (again.rc < 0)
			rc = -1;
		say("  %" PRId64 " payments re-sent by terminals that lost the answer: "
		    "%" PRId64 " answered 202 with the same intent ids",
		    d->again.intents_generated, d->again.intents_accepted);
	}
	free(terms);
	return rc;
}

/* Postings in the ledgers of the accepted intents: counts how many of them
 * each ledger has (read-only snapshots, while posting still runs). */
struct ledger_tally {
	int64_t postings, duplicates, suspense;
	int64_t accepted_distinct, accepted_found;
};

static int tally_ledgers(struct demo *d, const struct config *cfg,
			 struct ledger_tally *t, bool look_up_accepted)
{
	memset(t, 0, sizeof(*t));
	char err[512];
	sqlite3 *dbs[WORLD_BILLERS] = {0};
	int rc = -1;
	for (int b = 0; b < WORLD_BILLERS; b++) {
		const struct config_biller *bl = config_biller_find(cfg, world_biller_ids[b]);
		if (ledger_db_open(bl->ledger_path, bl->id, bl->currency->code,
				   LEDGER_DB_READONLY, &dbs[b], err, sizeof(err)) < 0) {
			log_error("%s", err);
			goto out;
		}
		sqlite3_stmt *st;
		sqlite3_prepare_v2(dbs[b],
				   "SELECT (SELECT count(*) FROM postings),"
				   " (SELECT coalesce(sum(duplicates_count), 0) FROM posting_stats),"
				   " (SELECT count(*) FROM suspense)", -1, &st, NULL);
		if (sqlite3_step(st) == SQLITE_ROW) {
			t->postings += sqlite3_column_int64(st, 0);
			t->duplicates += sqlite3_column_int64(st, 1);
			t->suspense += sqlite3_column_int64(st, 2);
		}
		sqlite3_finalize(st);
	}
	if (look_up_accepted) {
		/* Every intent a terminal was told "accepted" must be in its
		 * biller's ledger: an accepted intent is never lost. */
		FILE *f = fopen(d->accepted, "r");
		char *line = NULL;
		size_t cap = 0;
		sqlite3_stmt *find[WORLD_BILLERS] = {0};
		for (int b = 0; b < WORLD_BILLERS; b++)
			sqlite3_prepare_v2(dbs[b], "SELECT 1 FROM postings WHERE intent_id = ?1",
					   -1, &find[b], NULL);
		/* Distinct ids: a re-sent payment is in the log twice. */
		json_t *seen = json_object();
		while (f != NULL && getline(&line, &cap, f) > 0) {
			json_t *o = json_loads(line, 0, NULL);
			const char *id = json_string_value(json_object_get(o, "intent_id"));
			const char *biller = json_string_value(json_object_get(o, "biller"));
			if (id != NULL && biller != NULL && json_object_get(seen, id) == NULL) {
				json_object_set_new(seen, id, json_true());
				t->accepted_distinct++;
				for (int b = 0; b < WORLD_BILLERS; b++) {
					if (strcmp(biller, world_biller_ids[b]) != 0)
						continue;
					sqlite3_bind_text(find[b], 1, id, -1, SQLITE_STATIC);
					if (sqlite3_step(find[b]) == SQLITE_ROW)
						t->accepted_found++;
					sqlite3_reset(find[b]);
				}
			}
			json_decref(o);
		}
		json_decref(seen);
		free(line);
		if (f != NULL)
			fclose(f);
		for (int b = 0; b < WORLD_BILLERS; b++)
			sqlite3_finalize(find[b]);
	}
	rc = 0;
out:
	for (int b = 0; b < WORLD_BILLERS; b++)
		sqlite3_close(dbs[b]);
	return rc;
}

/* Messages in the billers' topics not yet consumed into a ledger: the sum
 * over partitions of Kafka's high watermark minus the next offset the
 * ledger stored. Re-sent duplicates count too, so "0" means posting has
 * seen everything, not only every distinct intent. -1 on error. */
static int64_t unconsumed(const struct config *cfg, rd_kafka_t *rk)
{
	int64_t total = 0;
	char err[512];
	for (int b = 0; b < WORLD_BILLERS; b++) {
		const struct config_biller *bl = config_biller_find(cfg, world_biller_ids[b]);
		sqlite3 *db = NULL;
		if (ledger_db_open(bl->ledger_path, bl->id, bl->currency->code,
				   LEDGER_DB_READONLY, &db, err, sizeof(err)) < 0) {
			log_error("%s", err);
			return -1;
		}
		sqlite3_stmt *st = NULL;
		sqlite3_prepare_v2(db, "SELECT next_offset FROM kafka_offsets "
				   "WHERE topic = ?1 AND partition = ?2", -1, &st, NULL);
		for (int32_t p = 0; p < DEMO_PARTITIONS; p++) {
			int64_t low = 0, high = 0, next = 0;
			if (rd_kafka_query_watermark_offsets(rk, bl->topic, p, &low, &high,
							     5000 /* ms */) != RD_KAFKA_RESP_ERR_NO_ERROR) {
				total = -1;
				break;
			}
			sqlite3_bind_text(st, 1, bl->topic, -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 2, p);
			if (sqlite3_step(st) == SQLITE_ROW)
				next = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
			total += high > next ? high - next : 0;
		}
		sqlite3_finalize(st);
		sqlite3_close(db);
		if (total < 0)
			return -1;
	}
	return total;
}

/* Wait until every accepted intent is posted and every message in the
 * topics (duplicates included) has been consumed into a ledger. */
static int catch_up(struct demo *d, const struct config *cfg, struct ledger_tally *t)
{
	char err[512];
	struct kafka_props props = {0};
	rd_kafka_conf_t *conf = NULL;
	if (kafka_props_set(&props, "bootstrap.servers", d->bootstrap, err, sizeof(err)) < 0 ||
	    (conf = kafka_conf_new(&props, err, sizeof(err))) == NULL) {
		kafka_props_clear(&props);
		log_error("%s", err);
		return -1;
	}
	kafka_props_clear(&props);
	/* Only for watermark queries: never joins the posting group. */
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
	if (rk == NULL) {
		rd_kafka_conf_destroy(conf);
		log_error("%s", err);
		return -1;
	}
	int rc = 0;
	int64_t deadline = time_mono_ms() + DEMO_CATCH_UP_TIMEOUT_MS;
	int64_t last_say = 0;
	for (;;) {
		if (tally_ledgers(d, cfg, t, true) < 0) {
			rc = -1;
			break;
		}
		int64_t left = unconsumed(cfg, rk);
		if (t->accepted_found == t->accepted_distinct && left == 0)
			break;
		if (time_mono_ms() >= deadline) {
			log_error("posting did not catch up within %d s",
				  DEMO_CATCH_UP_TIMEOUT_MS / 1000);
			break; /* the summary shows what is missing */
		}
		if (time_mono_ms() - last_say >= 1000) {
			say("  posting: %" PRId64 " of %" PRId64 " accepted intents in the "
			    "ledgers, %" PRId64 " messages still to consume",
			    t->accepted_found, t->accepted_distinct, left);
			last_say = time_mono_ms();
		}
		usleep(200 * 1000); /* re-check the ledgers 5 times a second */
	}
	rd_kafka_destroy(rk);
	return rc;
}

struct settle_totals {
	int64_t dates, exit_codes_bad;
	int64_t bank_only, ledger_only, amount_mismatch, other;
	int64_t grace_rows, fees_waived, follow_up;
	json_t *by_reason; /* reason → rows, summed over dates */
};

static int read_summary(struct demo *d, const char *date, struct settle_totals *s)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/reports/%s/summary.json", d->o.dir, date);
	json_t *o = json_load_file(path, 0, NULL);
	if (o == NULL) {
		log_error("no %s", path);
		return -1;
	}
	json_t *counts = json_object_get(o, "counts");
	const char *k;
	json_t *v;
	json_object_foreach(counts, k, v) {
		int64_t n = json_integer_value(v);
		if (strcmp(k, "bank_only") == 0)
			s->bank_only += n;
		else if (strcmp(k, "ledger_only") == 0)
			s->ledger_only += n;
		else if (strcmp(k, "amount_mismatch") == 0)
			s->amount_mismatch += n;
		else if (strcmp(k, "matched") != 0 && strcmp(k, "matched_by_rule") != 0)
			s->other += n;
	}
	json_t *grace = json_object_get(o, "grace");
	s->grace_rows += json_integer_value(json_object_get(grace, "rows"));
	s->fees_waived += json_integer_value(json_object_get(grace, "fees_waived"));
	s->follow_up += json_integer_value(json_object_get(grace, "follow_up"));
	json_object_foreach(json_object_get(grace, "by_reason"), k, v) {
		int64_t prev = json_integer_value(json_object_get(s->by_reason, k));
		json_object_set_new(s->by_reason, k, json_integer(prev + json_integer_value(v)));
	}
	json_decref(o);
	return 0;
}

static int run_settlement(struct demo *d, const char *first, const char *last,
			  struct settle_totals *s)
{
	int64_t y;
	unsigned m, dd;
	int64_t day = (int64_t)(sscanf(first, "%" SCNd64 "-%u-%u", &y, &m, &dd) == 3
				? days_from_civil(y, m, dd) : 0);
	sscanf(last, "%" SCNd64 "-%u-%u", &y, &m, &dd);
	int64_t last_day = days_from_civil(y, m, dd);
	for (; day <= last_day; day++) {
		char date[32];
		rfc3339_format_utc_ms(day * 86400000, date, sizeof(date));
		date[10] = '\0';
		char err[512];
		char *argv[] = {"settle", "-c", d->ini, "--date", date, "--quiet", NULL};
		int st = proc_run_self(argv, dpath(d, "settle.log"), DEMO_SETTLE_TIMEOUT_MS,
				       err, sizeof(err));
		say("  tasdid settle --date %s: exit %d (%s)", date, st,
		    st == 0 ? "balanced" : st == 3 ? "discrepancies found and reported"
				      : "see settle.log");
		if (st != 0 && st != 3) {
			s->exit_codes_bad++;
			continue;
		}
		s->dates++;
		if (read_summary(d, date, s) < 0)
			return -1;
	}
	return 0;
}

static void stop_services(struct demo *d)
{
	/* SIGTERM: each finishes what it holds (the intake answers every
	 * request in flight, posting commits or rolls back its batch). */
	if (d->intake > 0)
		proc_stop(d->intake, SIGTERM, DEMO_STOP_TIMEOUT_MS);
	if (d->post > 0)
		proc_stop(d->post, SIGTERM, DEMO_STOP_TIMEOUT_MS);
	if (d->broker > 0)
		proc_stop(d->broker, SIGTERM, DEMO_STOP_TIMEOUT_MS);
	d->intake = d->post = d->broker = 0;
}

static void print_summary(struct demo *d, const struct ledger_tally *t,
			  const struct bankgen_planted *planted,
			  const struct settle_totals *s, int64_t elapsed_ms)
{
	const struct load_result *a = &d->single, *b = &d->batch, *r = &d->again;
	const struct load_result *im = &d->impatient; /* zero unless --faults */
	int64_t sent = a->intents_generated + b->intents_generated + im->intents_generated;
	int64_t accepted = a->intents_accepted + b->intents_accepted + im->intents_accepted;
	int64_t planted_total = planted->missing_lines + planted->wrong_amounts +
				planted->phantom_lines;
	int64_t found_total = s->ledger_only + s->amount_mismatch + s->bank_only + s->other;
	say("\nSummary (seed %" PRIu64 ", %" PRId64 " ms)", d->o.seed, elapsed_ms);
	say("  intents sent          %" PRId64 " (%" PRId64 " single, %" PRId64 " in batches, %"
	    PRId64 " impatient)", sent, a->intents_generated, b->intents_generated,
	    im->intents_generated);
	say("  accepted (202)        %" PRId64, accepted);
	say("  rejected (4xx)        %" PRId64 "   given up: %" PRId64,
	    a->intents_rejected + b->intents_rejected + im->intents_rejected,
	    a->intents_gave_up + b->intents_gave_up + im->intents_gave_up);
	say("  shed (503 answers)    %" PRId64 "   retried with the same key: %" PRId64,
	    a->responses_503 + b->responses_503 + im->responses_503,
	    a->retries + b->retries + im->retries);
	say("  single-intent latency p50 %" PRId64 ".%03" PRId64 " ms, p99 %" PRId64
	    ".%03" PRId64 " ms", a->latency_us_p50 / 1000, a->latency_us_p50 % 1000,
	    a->latency_us_p99 / 1000, a->latency_us_p99 % 1000);
	say("  re-sent after a lost answer %" PRId64, r->intents_generated);
	say("  postings              %" PRId64 " (%" PRId64 " in suspense: unknown accounts)",
	    t->postings, t->suspense);
	say("  duplicates absorbed   %" PRId64, t->duplicates);
	say("  discrepancies         found %" PRId64 ", planted %" PRId64
	    "  (ledger only %" PRId64 "/%" PRId64 ", amount mismatch %" PRId64 "/%" PRId64
	    ", bank only %" PRId64 "/%" PRId64 ", other %" PRId64 ")",
	    found_total, planted_total, s->ledger_only, planted->missing_lines,
	    s->amount_mismatch, planted->wrong_amounts, s->bank_only,
	    planted->phantom_lines, s->other);
	say("  accounts in grace     %" PRId64 " (late fees waived %" PRId64
	    ", follow-up %" PRId64 "; nobody is listed for cut-off)",
	    s->grace_rows, s->fees_waived, s->follow_up);
	const char *k;
	json_t *v;
	json_object_foreach(s->by_reason, k, v)
		if (json_integer_value(v) > 0)
			say("      %-22s %" PRId64, k, (int64_t)json_integer_value(v));
	say("  intents lost          %" PRId64, t->accepted_distinct - t->accepted_found);
	say("\nReports: %s/reports/<date>/ (summary.html for finance staff); "
	    "logs: %s/*.log", d->o.dir, d->o.dir);
}

/* The summary's figures for scripts and the end-to-end test. */
static int write_summary_json(struct demo *d, const struct ledger_tally *t,
			      const struct bankgen_planted *planted,
			      const struct settle_totals *s)
{
	const struct load_result *a = &d->single, *b = &d->batch, *r = &d->again;
	const struct load_result *im = &d->impatient; /* zero unless --faults */
	json_t *o = json_pack(
		"{sI sI sI sI sI sI sI sI sI sI sI sI sI sI sI sI sI sI sI sO}",
		"intents_sent", (json_int_t)(a->intents_generated + b->intents_generated + im->intents_generated),
		"accepted", (json_int_t)(a->intents_accepted + b->intents_accepted + im->intents_accepted),
		"rejected", (json_int_t)(a->intents_rejected + b->intents_rejected + im->intents_rejected),
		"given_up", (json_int_t)(a->intents_gave_up + b->intents_gave_up + im->intents_gave_up),
		"shed_503", (json_int_t)(a->responses_503 + b->responses_503 + im->responses_503),
		"retried", (json_int_t)(a->retries + b->retries + im->retries),
		"resent", (json_int_t)r->intents_generated,
		"resent_accepted", (json_int_t)r->intents_accepted,
		"postings", (json_int_t)t->postings,
		"suspense", (json_int_t)t->suspense,
		"duplicates_absorbed", (json_int_t)t->duplicates,
		"accepted_distinct", (json_int_t)t->accepted_distinct,
		"lost", (json_int_t)(t->accepted_distinct - t->accepted_found),
		"planted", (json_int_t)(planted->missing_lines + planted->wrong_amounts +
					 planted->phantom_lines),
		"found_ledger_only", (json_int_t)s->ledger_only,
		"found_amount_mismatch", (json_int_t)s->amount_mismatch,
		"found_bank_only", (json_int_t)s->bank_only,
		"found_other", (json_int_t)s->other,
		"grace_rows", (json_int_t)s->grace_rows,
		"grace_by_reason", s->by_reason);
	if (o == NULL)
		return -1;
	const struct faults_verdict *v = &d->verdict;
	if (d->o.faults)
		json_object_set_new(o, "faults", json_pack(
			"{sI sI sI sI sI sI sI sI sI sI sI sI sI sI sI sI sI sI sI sI sI sI}",
			"accepted", (json_int_t)v->accepted,
			"accepted_posted", (json_int_t)v->accepted_posted,
			"accepted_missing", (json_int_t)v->accepted_missing,
			"accepted_wrong_amount", (json_int_t)v->accepted_wrong_amount,
			"shed", (json_int_t)v->shed, "shed_posted", (json_int_t)v->shed_posted,
			"shed_posted_explained", (json_int_t)v->shed_posted_explained,
			"unanswered", (json_int_t)v->unanswered,
			"unanswered_posted", (json_int_t)v->unanswered_posted,
			"rejected_posted", (json_int_t)v->rejected_posted,
			"postings", (json_int_t)v->postings,
			"postings_unknown", (json_int_t)v->postings_unknown,
			"dead_letters", (json_int_t)v->dead_letters,
			"poison_planted", (json_int_t)v->poison_planted,
			"kills_intake", (json_int_t)d->tally.injected[FAULTS_KILL_INTAKE],
			"kills_post", (json_int_t)d->tally.injected[FAULTS_KILL_POST],
			"kills_settle_mid_run", (json_int_t)d->settle_kills_hit,
			"broker_outages", (json_int_t)d->tally.injected[FAULTS_BROKER_DOWN],
			"post_exits_disk_full", (json_int_t)d->tally.post_exits_disk,
			"unexpected_exits", (json_int_t)(d->tally.post_exits_other +
							 d->tally.intake_exits),
			"ledger_check_status", (json_int_t)d->ledger_check_status,
			"settle_leftovers", (json_int_t)d->settle_leftovers));
	int rc = json_dump_file(o, d->o.json_path, JSON_SORT_KEYS | JSON_INDENT(2));
	json_decref(o);
	return rc;
}

/* ---- the fault campaign's night and checks (--faults) ---- */

/* After catch-up: stop the intake and post (SIGTERM: graceful), then
 * compare the terminals' answers with the ledgers and the dead letters
 * while the broker still runs. */
static int faults_check_day(struct demo *d, const struct config *cfg)
{
	char err[512];
	if (d->intake > 0)
		proc_stop(d->intake, SIGTERM, DEMO_STOP_TIMEOUT_MS);
	if (d->post > 0)
		proc_stop(d->post, SIGTERM, DEMO_STOP_TIMEOUT_MS);
	d->intake = d->post = 0;
	if (faults_verify(d->o.dir, cfg, d->bootstrap, &d->verdict, err, sizeof(err)) < 0) {
		log_error("fault checks: %s", err);
		return -1;
	}
	char *argv[] = {"ledger", "check", "-c", d->ini, NULL};
	d->ledger_check_status = proc_run_self(argv, dpath(d, "ledger-check.log"),
					       DEMO_SETTLE_TIMEOUT_MS, err, sizeof(err));
	return 0;
}

/* Start tasdid settle for each date and SIGKILL it after the plan's
 * delays; a run that finished first is counted, not an error. */
static void faults_kill_settle(struct demo *d, const char *first_date)
{
	char err[512];
	char *argv[] = {"settle", "-c", d->ini, "--date", (char *)first_date, "--quiet", NULL};
	/* One whole run first: the kills land at the plan's fractions of its
	 * duration, so they hit the job mid-run on any machine. */
	int64_t t0 = time_mono_ms();
	proc_run_self(argv, dpath(d, "settle.log"), DEMO_SETTLE_TIMEOUT_MS, err, sizeof(err));
	int64_t whole_ms = time_mono_ms() - t0;
	say("  tasdid settle --date %s: a whole run takes %" PRId64 " ms", first_date, whole_ms);
	for (int k = 0; k < FAULTS_SETTLE_KILLS; k++) {
		pid_t pid = proc_spawn_self(argv, dpath(d, "settle.log"), err, sizeof(err));
		if (pid < 0)
			continue;
		int64_t kill_ms = whole_ms * d->plan.settle_kill_permille[k] / 1000;
		int64_t until = time_mono_ms() + kill_ms;
		bool done = false;
		while (!(done = proc_exited(pid, NULL)) && time_mono_ms() < until)
			usleep(1000); /* the kill moment: scheduling, not a wait */
		if (!done)
			proc_stop(pid, SIGKILL, DEMO_STOP_TIMEOUT_MS);
		d->settle_kills_hit += !done;
		d->settle_kills_late += done;
		say("  tasdid settle --date %s: SIGKILL after %" PRId64 " ms (%s)", first_date,
		    kill_ms, done ? "it had finished" : "killed mid-run");
	}
}

/* Folders a killed settle left (<date>.tmp-PID, <date>.old-PID) that the
 * next run did not clean up. */
static int64_t faults_settle_leftovers(struct demo *d)
{
	DIR *dir = opendir(dpath(d, "reports"));
	int64_t n = 0;
	struct dirent *e;
	while (dir != NULL && (e = readdir(dir)) != NULL)
		n += strstr(e->d_name, ".tmp-") != NULL || strstr(e->d_name, ".old-") != NULL;
	if (dir != NULL)
		closedir(dir);
	return n;
}

static void faults_print(const struct demo *d)
{
	const struct faults_tally *t = &d->tally;
	const struct faults_verdict *v = &d->verdict;
	say("\nFaults (seed %" PRIu64 ")", d->o.seed);
	say("  SIGKILL intake %" PRId64 ", post %" PRId64 ", settle %" PRId64 " mid-run + %"
	    PRId64 " after it finished; kills that found nothing running %" PRId64,
	    t->injected[FAULTS_KILL_INTAKE], t->injected[FAULTS_KILL_POST],
	    d->settle_kills_hit, d->settle_kills_late, t->kills_missed);
	say("  restarts: intake %" PRId64 ", post %" PRId64 "; broker outages %" PRId64
	    "; disk-full windows %" PRId64 " (post exited on a ledger write error %" PRId64
	    " times; exits without a cause %" PRId64 ")",
	    t->restarts_intake, t->restarts_post, t->injected[FAULTS_BROKER_DOWN],
	    t->injected[FAULTS_DISK_FULL], t->post_exits_disk,
	    t->post_exits_other + t->intake_exits);
	say("  answered 202           %" PRId64 " distinct, posted exactly once with the "
	    "same amount %" PRId64 " (missing %" PRId64 ", wrong %" PRId64 ")",
	    v->accepted, v->accepted_posted, v->accepted_missing, v->accepted_wrong_amount);
	say("  given up after 503s    %" PRId64 ", posted %" PRId64 " (each with a "
	    "possibly_persisted/late_delivered event: %" PRId64 ")",
	    v->shed, v->shed_posted, v->shed_posted_explained);
	say("  given up unanswered    %" PRId64 ", posted %" PRId64 " (the intake had "
	    "enqueued them when the connection died)", v->unanswered, v->unanswered_posted);
	say("  rejected (4xx)         %" PRId64 ", posted %" PRId64, v->rejected,
	    v->rejected_posted);
	say("  postings               %" PRId64 " (of intents no terminal sent: %" PRId64 ")",
	    v->postings, v->postings_unknown);
	say("  intake events          possibly_persisted %" PRId64 ", late_delivered %" PRId64,
	    v->events_possibly_persisted, v->events_late_delivered);
	say("  dead letters           %" PRId64 " distinct, planted poison %" PRId64
	    " (found %" PRId64 ")", v->dead_letters, v->poison_planted,
	    v->dead_letters_planted);
	say("  tasdid ledger check    exit %d; settle leftovers %" PRId64,
	    d->ledger_check_status, d->settle_leftovers);
}

static void demo_usage(FILE *out)
{
	fprintf(out,
		"usage: tasdid demo [--dir DIR] [--seed N] [--count N] [--banks N]\n"
		"                   [--terminals N] [--accounts N] [--connections N]\n"
		"                   [--resend N] [--outage-ms MS] [--json FILE]\n"
		"                   [--faults [--span-ms MS]]\n"
		"\n"
		"Runs a whole day end to end on the embedded broker (librdkafka's mock\n"
		"cluster: IN MEMORY ONLY, for trying and testing): the intake and the\n"
		"posting consumer as real processes, the day-one rush from every\n"
		"terminal, a broker outage in the middle, terminals re-sending lost\n"
		"answers, posting catching up, the banks' files with planted\n"
		"discrepancies, and the night's settlement. Everything it writes goes\n"
		"to DIR (default demo-out). Deterministic with --seed.\n"
		"\n"
		"  --count N        payments in the rush (default 20000)\n"
		"  --banks N        banks (default 4, at most %d)\n"
		"  --terminals N    terminals per bank (default 25)\n"
		"  --accounts N     accounts (invoices) per biller (default 5000)\n"
		"  --connections N  connections of the single-intent terminals (default 64)\n"
		"  --resend N       payments re-sent after a lost answer (default 500)\n"
		"  --outage-ms MS   longest broker outage (default 4000)\n"
		"  --json FILE      also write the summary's figures as JSON\n"
		"  --faults         the fault campaign instead of the rush: traffic paced\n"
		"                   over --span-ms (default 20000) while the intake and\n"
		"                   post are SIGKILLed and restarted, the broker goes\n"
		"                   down, the ledgers' disk fills (post's RLIMIT_FSIZE)\n"
		"                   and poison is planted; then settle is SIGKILLed\n"
		"                   mid-run. The schedule follows from --seed and is\n"
		"                   printed (docs/faults.md)\n"
		"\n"
		"Exit status 0 when no accepted intent was lost and the settlement\n"
		"found exactly the planted discrepancies; 1 otherwise.\n",
		WORLD_BANKS_MAX);
}

static int parse_demo_opts(int argc, char **argv, struct demo_opts *o)
{
	static const struct option longopts[] = {
		{"dir", required_argument, NULL, 'D'},
		{"seed", required_argument, NULL, 's'},
		{"count", required_argument, NULL, 'n'},
		{"banks", required_argument, NULL, 'b'},
		{"terminals", required_argument, NULL, 't'},
		{"accounts", required_argument, NULL, 'a'},
		{"connections", required_argument, NULL, 'C'},
		{"resend", required_argument, NULL, 'r'},
		{"outage-ms", required_argument, NULL, 'o'},
		{"json", required_argument, NULL, 'J'},
		{"faults", no_argument, NULL, 'f'},
		{"span-ms", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		int64_t v, lo = 1, hi = 10000000;
		if (c == 'h') {
			demo_usage(stdout);
			return 0;
		}
		if (c == 'f') {
			o->faults = true;
			continue;
		}
		if (c == 'D' || c == 'J') {
			*(c == 'D' ? &o->dir : &o->json_path) = optarg;
			continue;
		}
		if (c == '?' || c == ':') {
			demo_usage(stderr);
			return 2;
		}
		if (c == 'b')
			hi = WORLD_BANKS_MAX;
		if (c == 'r' || c == 's')
			lo = 0;
		if (c == 'C')
			hi = LOAD_CONNECTIONS_MAX;
		if (c == 'o')
			hi = 60000;
		if (c == 'S') {
			lo = 5000;
			hi = 600000;
		}
		if (sim_parse_int(optarg, lo, c == 's' ? INT64_MAX : hi, &v) < 0) {
			fprintf(stderr, "tasdid demo: --%s must be a whole number %" PRId64
				"-%" PRId64 "\n", sim_option_name(longopts, c), lo, hi);
			return 2;
		}
		switch (c) {
		case 's': o->seed = (uint64_t)v; break;
		case 'n': o->count = v; break;
		case 'b': o->banks = (int)v; break;
		case 't': o->terminals_per_bank = (int)v; break;
		case 'a': o->accounts = (int)v; break;
		case 'C': o->connections = (int)v; break;
		case 'r': o->resend = v; break;
		case 'o': o->outage_ms = v; break;
		case 'S': o->span_ms = v; break;
		}
	}
	if (optind != argc) {
		demo_usage(stderr);
		return 2;
	}
	if (o->resend > o->count)
		o->resend = o->count;
	return -1;
}

int cmd_demo(int argc, char **argv)
{
	struct demo *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return 1;
	d->o = (struct demo_opts){.dir = "demo-out", .seed = 1, .banks = 4,
				  .terminals_per_bank = 25, .accounts = 5000,
				  .count = 20000, .resend = 500, .connections = 64,
				  .outage_ms = 4000, .span_ms = 20000};
	int rc = parse_demo_opts(argc, argv, &d->o);
	if (rc >= 0) {
		free(d);
		return rc;
	}
	log_set_program("tasdid-demo");
	rc = 1;
	int64_t t0 = time_mono_ms();
	d->start_wall_ms = time_now_ms();
	d->today_day = d->start_wall_ms / 86400000;
	struct config *cfg = NULL;
	FILE *accepted = NULL, *unaccepted = NULL;
	struct settle_totals s = {.by_reason = json_object()};
	struct ledger_tally t = {0};
	struct bankgen_planted planted = {1, 1, 1};
	char err[512] = "";

	say("tasdid demo: a whole day on the embedded broker (in memory only), seed %"
	    PRIu64 "%s", d->o.seed, d->o.faults ? ", FAULT CAMPAIGN" : "");
	if (d->o.faults)
		say("  (the same --seed and --span-ms reproduce the fault schedule)");
	d->intake_port = free_port();
	snprintf(d->ini, sizeof(d->ini), "%s/tasdid.ini", d->o.dir);
	snprintf(d->terminals, sizeof(d->terminals), "%s/terminals.csv", d->o.dir);
	snprintf(d->accepted, sizeof(d->accepted), "%s/accepted.jsonl", d->o.dir);
	snprintf(d->post_stats, sizeof(d->post_stats), "%s/post-stats.json", d->o.dir);
	snprintf(d->unaccepted, sizeof(d->unaccepted), "%s/unaccepted.jsonl", d->o.dir);
	if (d->o.faults)
		faults_plan_make(d->o.seed, d->o.span_ms, &d->plan);
	if (d->intake_port == 0 || prepare_dir(d) < 0 ||
	    write_world(d, err, sizeof(err)) < 0 ||
	    config_load(d->ini, &cfg, err, sizeof(err)) < 0) {
		if (err[0] != '\0') /* else the step said why itself */
			log_error("set-up: %s", err);
		goto out;
	}
	say("  world             %d banks x %d terminals, 4 billers (SYP), in %s",
	    d->o.banks, d->o.terminals_per_bank, d->o.dir);
	if (start_services(d) < 0 || (accepted = fopen(d->accepted, "w")) == NULL ||
	    (unaccepted = fopen(d->unaccepted, "w")) == NULL ||
	    run_rush(d, cfg, accepted, unaccepted) < 0)
		goto out;
	fclose(accepted);
	fclose(unaccepted);
	accepted = unaccepted = NULL;

	say("\nPosting catches up");
	if (catch_up(d, cfg, &t) < 0)
		goto out;
	say("  all %" PRId64 " accepted intents checked against the ledgers: %" PRId64 " found",
	    t.accepted_distinct, t.accepted_found);
	if (d->o.faults && faults_check_day(d, cfg) < 0)
		goto out;
	stop_services(d);

	say("\nThe night: banks' settlement files (1 line left out, 1 wrong amount, "
	    "1 payment tasdid never saw), then tasdid settle");
	const char *bank_ids[WORLD_BANKS_MAX];
	char bank_buf[WORLD_BANKS_MAX][8];
	for (int k = 0; k < d->o.banks; k++) {
		world_bank_id(k, bank_buf[k]);
		bank_ids[k] = bank_buf[k];
	}
	struct bankgen_stats bs;
	char bankdir[4200];
	snprintf(bankdir, sizeof(bankdir), "%s/bank", d->o.dir);
	if (bankgen_write_all(d->accepted, bankdir, bank_ids, (size_t)d->o.banks, d->o.seed,
			      &planted, &bs, err, sizeof(err)) < 0) {
		log_error("bank files: %s", err);
		goto out;
	}
	say("  %" PRId64 " bank files, %" PRId64 " lines", bs.files_written, bs.lines_written);
	if (d->o.faults)
		faults_kill_settle(d, bs.first_date);
	if (run_settlement(d, bs.first_date, bs.last_date, &s) < 0)
		goto out;
	d->settle_leftovers = faults_settle_leftovers(d);

	tally_ledgers(d, cfg, &t, true);
	print_summary(d, &t, &planted, &s, time_mono_ms() - t0);
	if (d->o.json_path != NULL && write_summary_json(d, &t, &planted, &s) < 0)
		log_error("cannot write %s", d->o.json_path);
	int64_t planted_total = planted.missing_lines + planted.wrong_amounts + planted.phantom_lines;
	/* Intents a terminal gave up on that were posted all the same have no
	 * bank line: the night finds each as ledger-only (docs/faults.md). */
	int64_t in_doubt = d->verdict.shed_posted + d->verdict.unanswered_posted;
	if (d->o.faults)
		faults_print(d);
	bool faults_ok = !d->o.faults ||
			 (faults_verdict_ok(&d->verdict) && d->ledger_check_status == 0 &&
			  d->settle_leftovers == 0 && d->tally.post_exits_other == 0 &&
			  d->tally.intake_exits == 0);
	bool ok = faults_ok && t.accepted_found == t.accepted_distinct && s.exit_codes_bad == 0 &&
		  s.ledger_only == planted.missing_lines + in_doubt &&
		  s.amount_mismatch == planted.wrong_amounts &&
		  s.bank_only == planted.phantom_lines && s.other == 0 &&
		  s.ledger_only + s.amount_mismatch + s.bank_only == planted_total + in_doubt;
	say("\n%s", ok ? "OK: nothing accepted was lost, and the night found exactly what was planted."
		       : "FAILED: see the figures above and the logs.");
	rc = ok ? 0 : 1;
out:
	if (accepted != NULL)
		fclose(accepted);
	if (unaccepted != NULL)
		fclose(unaccepted);
	stop_services(d);
	json_decref(s.by_reason);
	config_free(cfg);
	free(d);
	return rc;
}
