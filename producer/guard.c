/* guard — see guard.h and docs/intake.md ("The backlog guard").
 *
 * Threads: the intake's workers call guard_admit(), the poll thread
 * guard_delivered(), and the guard's own thread refreshes the cluster's
 * identity, partition counts, ledger offsets and watermarks every
 * GUARD_REFRESH_MS. Each partition's numbers are under its own mutex. */
#define _GNU_SOURCE /* pthread_timedjoin_np */
#include "guard.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "errstr.h"
#include "ledger_db.h"
#include "log.h"
#include "timeutil.h"

_Static_assert(GUARD_MESSAGE_BYTES_MAX * 100000LL > GUARD_MOCK_PARTITION_BYTES,
	       "the mock's batch-count bound cannot bind before its size bound");

/* Waiting for one watermark or metadata answer; the refresh runs again. */
#define GUARD_QUERY_TIMEOUT_MS 1000

enum guard_state {
	GUARD_UNKNOWN,  /* auto, and the cluster not yet identified: shed */
	GUARD_ACTIVE,
	GUARD_INACTIVE,
};

typedef int32_t (*partitioner_fn)(const rd_kafka_topic_t *rkt, const void *key,
				  size_t keylen, int32_t partition_cnt,
				  void *rkt_opaque, void *msg_opaque);

struct gpart {
	pthread_mutex_t lock;
	int64_t posted;         /* the ledger's next_offset (0: none stored) */
	int64_t high;           /* high watermark: asked, or past our reports */
	int64_t reserved_bytes; /* admitted, no delivery report yet */
	bool lost_logged;
};

struct gtopic {
	const struct config_biller *biller;
	rd_kafka_topic_t *rkt;
	atomic_int partition_count; /* 0 until the metadata says */
	struct gpart parts[GUARD_PARTITIONS_MAX];
	sqlite3 *db;                /* read-only; NULL until it opens */
	sqlite3_stmt *offsets;
	bool ledger_warned;
};

struct guard {
	const struct config *cfg;
	rd_kafka_t *rk;
	struct guard_opts o;
	int64_t budget_bytes;
	partitioner_fn partition_of;
	atomic_int state;
	bool identified;
	struct gtopic *topics;
	size_t topic_count;
	pthread_t thread;
	bool thread_started;
	atomic_bool quit, brokers_down;
};

int guard_mode_parse(const char *text, enum guard_mode *ret)
{
	static const char *const names[] = {"auto", "on", "off"};
	for (int i = 0; i < 3; i++)
		if (strcmp(text, names[i]) == 0) {
			*ret = (enum guard_mode)i;
			return 0;
		}
	return -1;
}

const char *guard_mode_name(enum guard_mode mode)
{
	return mode == GUARD_ON ? "on" : mode == GUARD_OFF ? "off" : "auto";
}

int guard_opts_from_conf(const rd_kafka_conf_t *conf, struct guard_opts *o,
			 char *errstr, size_t errstr_size)
{
	char batch[32];
	size_t len = sizeof(batch);
	if (rd_kafka_conf_get(conf, "batch.size", batch, &len) != RD_KAFKA_CONF_OK) {
		errstr_set(errstr, errstr_size, "cannot read batch.size");
		return -1;
	}
	o->batch_bytes = strtoll(batch, NULL, 10);
	/* librdkafka's default partitioner, unless the operator set one. */
	snprintf(o->partitioner, sizeof(o->partitioner), "consistent_random");
	const rd_kafka_topic_conf_t *tconf =
		rd_kafka_conf_get_default_topic_conf((rd_kafka_conf_t *)conf);
	len = sizeof(o->partitioner);
	if (tconf != NULL &&
	    rd_kafka_topic_conf_get(tconf, "partitioner", o->partitioner, &len) !=
		    RD_KAFKA_CONF_OK)
		snprintf(o->partitioner, sizeof(o->partitioner), "consistent_random");
	return 0;
}

/* The hash librdkafka's partitioner property names. Every intent has a
 * key (the account), so the *_random variants hash too; plain "random"
 * ignores the key and needs librdkafka's own topic state: refused. */
static partitioner_fn partitioner_find(const char *name)
{
	static const struct {
		const char *name;
		partitioner_fn fn;
	} table[] = {
		{"consistent_random", rd_kafka_msg_partitioner_consistent},
		{"consistent", rd_kafka_msg_partitioner_consistent},
		{"murmur2", rd_kafka_msg_partitioner_murmur2},
		{"murmur2_random", rd_kafka_msg_partitioner_murmur2},
		{"fnv1a", rd_kafka_msg_partitioner_fnv1a},
		{"fnv1a_random", rd_kafka_msg_partitioner_fnv1a},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(name, table[i].name) == 0)
			return table[i].fn;
	return NULL;
}

/* What a partition holds that is not yet posted, charged at the bound,
 * plus what is admitted and on its way. Under gp->lock. */
static int64_t charged_bytes(const struct gpart *gp)
{
	int64_t unposted = gp->high > gp->posted ? gp->high - gp->posted : 0;
	return unposted * GUARD_MESSAGE_BYTES_MAX + gp->reserved_bytes;
}

/* ---- refresh ---- */

/* Learn once whether the brokers are librdkafka's mock cluster: its
 * cluster id is "mockCluster" + a hex number (rdkafka_mock.c). */
static void identify(struct guard *g)
{
	const struct rd_kafka_metadata *md = NULL;
	if (rd_kafka_metadata(g->rk, 0, NULL, &md, GUARD_QUERY_TIMEOUT_MS) !=
	    RD_KAFKA_RESP_ERR_NO_ERROR)
		return;
	rd_kafka_metadata_destroy(md);
	char *id = rd_kafka_clusterid(g->rk, 0);
	bool mock = id != NULL && strncmp(id, "mockCluster", 11) == 0;
	if (id != NULL)
		rd_kafka_mem_free(g->rk, id);
	g->identified = true;
	if (g->o.mode == GUARD_AUTO)
		atomic_store(&g->state, mock ? GUARD_ACTIVE : GUARD_INACTIVE);
	if (mock && g->o.mode == GUARD_OFF)
		log_error("BACKLOG GUARD OFF ON THE EMBEDDED BROKER: it keeps only "
			  "%d bytes per partition and drops the oldest silently, "
			  "so intents answered 202 can be lost before they are "
			  "posted. Use [intake] guard = auto (benchmarks only)",
			  GUARD_MOCK_PARTITION_BYTES);
	else if (atomic_load(&g->state) == GUARD_ACTIVE)
		log_info("backlog guard on (%s%s): %lld bytes per partition "
			 "for unposted intents, %d bytes charged per intent",
			 guard_mode_name(g->o.mode), mock ? ", embedded broker" : "",
			 (long long)g->budget_bytes, GUARD_MESSAGE_BYTES_MAX);
	else
		log_info("backlog guard off (%s): topic retention holds what "
			 "is not yet posted", guard_mode_name(g->o.mode));
}

static void refresh_partition_count(struct guard *g, struct gtopic *t)
{
	const struct rd_kafka_metadata *md = NULL;
	if (rd_kafka_metadata(g->rk, 0, t->rkt, &md, GUARD_QUERY_TIMEOUT_MS) !=
	    RD_KAFKA_RESP_ERR_NO_ERROR)
		return;
	atomic_store(&g->brokers_down, false);
	if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		int n = md->topics[0].partition_cnt;
		if (n > GUARD_PARTITIONS_MAX) {
			log_error("topic %s has %d partitions; the guard keeps at "
				  "most %d: its intents are shed", t->biller->topic,
				  n, GUARD_PARTITIONS_MAX);
			n = 0;
		}
		atomic_store(&t->partition_count, n);
	}
	rd_kafka_metadata_destroy(md);
}

static int ledger_open(struct gtopic *t)
{
	char err[512];
	const struct config_biller *b = t->biller;
	if (ledger_db_open(b->ledger_path, b->id, b->currency->code,
			   LEDGER_DB_READONLY, &t->db, err, sizeof(err)) < 0) {
		if (!t->ledger_warned)
			log_warn("backlog guard: cannot read the ledger of %s (%s): "
				 "counting every offset of %s as unposted", b->id,
				 err, b->topic);
		t->ledger_warned = true;
		return -1;
	}
	if (sqlite3_prepare_v2(t->db, "SELECT partition, next_offset FROM "
			       "kafka_offsets WHERE topic = ?1", -1, &t->offsets,
			       NULL) != SQLITE_OK ||
	    sqlite3_bind_text(t->offsets, 1, b->topic, -1, SQLITE_STATIC) !=
		    SQLITE_OK) {
		log_warn("backlog guard: ledger of %s: %s", b->id,
			 sqlite3_errmsg(t->db));
		sqlite3_finalize(t->offsets);
		sqlite3_close(t->db);
		t->offsets = NULL;
		t->db = NULL;
		return -1;
	}
	if (t->ledger_warned)
		log_info("backlog guard: reading the ledger of %s again", b->id);
	t->ledger_warned = false;
	return 0;
}

/* The posted offsets: only ever raised (the ledger's own trigger keeps
 * them from going back; a reader must not lower them either). */
static void refresh_posted(struct gtopic *t)
{
	if (t->db == NULL && ledger_open(t) < 0)
		return;
	int rc;
	while ((rc = sqlite3_step(t->offsets)) == SQLITE_ROW) {
		int64_t p = sqlite3_column_int64(t->offsets, 0);
		int64_t next = sqlite3_column_int64(t->offsets, 1);
		if (p < 0 || p >= GUARD_PARTITIONS_MAX)
			continue;
		struct gpart *gp = &t->parts[p];
		pthread_mutex_lock(&gp->lock);
		if (next > gp->posted)
			gp->posted = next;
		pthread_mutex_unlock(&gp->lock);
	}
	sqlite3_reset(t->offsets);
	if (rc != SQLITE_DONE && rc != SQLITE_BUSY)
		log_warn("backlog guard: ledger of %s: %s", t->biller->id,
			 sqlite3_errmsg(t->db));
}

static void refresh_watermarks(struct guard *g, struct gtopic *t)
{
	if (atomic_load(&g->brokers_down))
		return;
	int n = atomic_load(&t->partition_count);
	for (int p = 0; p < n && !atomic_load(&g->quit); p++) {
		int64_t low = -1, high = -1;
		if (rd_kafka_query_watermark_offsets(g->rk, t->biller->topic, p,
						     &low, &high,
						     GUARD_QUERY_TIMEOUT_MS) !=
		    RD_KAFKA_RESP_ERR_NO_ERROR)
			continue;
		struct gpart *gp = &t->parts[p];
		pthread_mutex_lock(&gp->lock);
		if (high > gp->high)
			gp->high = high;
		bool lost = low > gp->posted && gp->high > gp->posted &&
			    !gp->lost_logged;
		int64_t posted = gp->posted;
		gp->lost_logged |= lost;
		pthread_mutex_unlock(&gp->lock);
		if (lost)
			log_error("%s[%d]: the broker no longer has offsets "
				  "%lld..%lld, which the ledger has not posted",
				  t->biller->topic, p, (long long)posted,
				  (long long)low - 1);
	}
}

static void *guard_main(void *arg)
{
	struct guard *g = arg;
	while (!atomic_load(&g->quit)) {
		int64_t next = time_mono_ms() + GUARD_REFRESH_MS;
		if (!g->identified)
			identify(g);
		if (atomic_load(&g->state) == GUARD_ACTIVE) {
			for (size_t i = 0; i < g->topic_count; i++) {
				struct gtopic *t = &g->topics[i];
				refresh_partition_count(g, t);
				/* Posted first: a watermark asked after it can
				 * only make the charge larger, never smaller. */
				refresh_posted(t);
				refresh_watermarks(g, t);
			}
		}
		while (!atomic_load(&g->quit) && time_mono_ms() < next)
			usleep(10 * 1000); /* 10 ms: how fast a stop is seen */
	}
	return NULL;
}

/* ---- life cycle ---- */

static int budget_of(const struct guard_opts *o, int64_t *ret, char *errstr,
		     size_t errstr_size)
{
	int64_t margin = o->partition_bytes * o->margin_permille / 1000;
	int64_t budget = o->partition_bytes - margin -
			 (o->batch_bytes + GUARD_BATCH_HEADER_BYTES);
	if (budget < GUARD_MESSAGE_BYTES_MAX) {
		errstr_set(errstr, errstr_size, "backlog guard: %lld bytes per "
			   "partition less the margin (%lld) and one batch "
			   "(batch.size %lld) leave no room for an intent",
			   (long long)o->partition_bytes, (long long)margin,
			   (long long)o->batch_bytes);
		return -1;
	}
	*ret = budget;
	return 0;
}

/* librdkafka 2.0.2's watermark query can wait past its timeout while
 * every broker is down: the refresh skips the queries then. */
static void on_query_error(rd_kafka_t *rk, int err, const char *reason,
			   void *opaque)
{
	(void)rk;
	(void)reason;
	struct guard *g = opaque;
	if (g != NULL && err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
		atomic_store(&g->brokers_down, true);
}

/* The guard's handle: it only asks for metadata and watermarks. A
 * watermark query waits for its answer up to socket.timeout.ms (not its
 * own timeout argument, librdkafka 2.0.2), so that is kept short: a down
 * broker must not keep the thread, and with it a stop, waiting a minute. */
static rd_kafka_t *query_handle(rd_kafka_conf_t *conf, struct guard *g,
				char *errstr, size_t errstr_size)
{
	static const char *const props[][2] = {
		{"socket.timeout.ms", "1000"},
		{"enable.idempotence", "false"}, /* no producer id to ask for */
	};
	char why[512];
	for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++)
		if (rd_kafka_conf_set(conf, props[i][0], props[i][1], why,
				      sizeof(why)) != RD_KAFKA_CONF_OK) {
			errstr_set(errstr, errstr_size, "backlog guard: %s", why);
			rd_kafka_conf_destroy(conf);
			return NULL;
		}
	rd_kafka_conf_set_error_cb(conf, on_query_error);
	rd_kafka_conf_set_opaque(conf, g);
	rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof(why));
	if (rk == NULL) {
		errstr_set(errstr, errstr_size, "backlog guard: %s", why);
		rd_kafka_conf_destroy(conf);
	}
	return rk;
}

int guard_start(const struct config *cfg, rd_kafka_conf_t *conf,
		const struct guard_opts *opts, struct guard **ret,
		char *errstr, size_t errstr_size)
{
	partitioner_fn fn = partitioner_find(opts->partitioner);
	int64_t budget = 0;
	if (fn == NULL && opts->mode != GUARD_OFF) {
		errstr_set(errstr, errstr_size, "backlog guard: partitioner %s "
			   "cannot be followed (use consistent_random, murmur2 or "
			   "fnv1a, or [intake] guard = off)", opts->partitioner);
		rd_kafka_conf_destroy(conf);
		return -1;
	}
	if (opts->mode != GUARD_OFF &&
	    budget_of(opts, &budget, errstr, errstr_size) < 0) {
		rd_kafka_conf_destroy(conf);
		return -1;
	}
	struct guard *g = calloc(1, sizeof(*g));
	size_t n = config_biller_count(cfg);
	struct gtopic *topics = calloc(n > 0 ? n : 1, sizeof(*topics));
	if (g == NULL || topics == NULL) {
		free(g);
		free(topics);
		rd_kafka_conf_destroy(conf);
		errstr_set(errstr, errstr_size, "out of memory");
		return -1;
	}
	*g = (struct guard){.cfg = cfg, .o = *opts, .budget_bytes = budget,
			    .partition_of = fn, .topics = topics, .topic_count = n};
	g->rk = query_handle(conf, g, errstr, errstr_size);
	conf = NULL; /* query_handle took it */
	if (g->rk == NULL) {
		free(topics);
		free(g);
		return -1;
	}
	atomic_init(&g->state, opts->mode == GUARD_ON ? GUARD_ACTIVE :
			       opts->mode == GUARD_OFF ? GUARD_INACTIVE : GUARD_UNKNOWN);
	for (size_t i = 0; i < n; i++) {
		struct gtopic *t = &topics[i];
		t->biller = config_biller_at(cfg, i);
		for (int p = 0; p < GUARD_PARTITIONS_MAX; p++)
			pthread_mutex_init(&t->parts[p].lock, NULL);
		/* For the guard's metadata requests on its topic. */
		t->rkt = rd_kafka_topic_new(g->rk, t->biller->topic, NULL);
		if (t->rkt == NULL) {
			errstr_set(errstr, errstr_size, "topic %s: %s", t->biller->topic,
				   rd_kafka_err2str(rd_kafka_last_error()));
			guard_stop(g);
			return -1;
		}
	}
	if (pthread_create(&g->thread, NULL, guard_main, g) != 0) {
		errstr_set(errstr, errstr_size, "cannot start the guard's thread");
		guard_stop(g);
		return -1;
	}
	g->thread_started = true;
	*ret = g;
	return 0;
}

void guard_stop(struct guard *g)
{
	if (g == NULL)
		return;
	atomic_store(&g->quit, true);
	/* Bounded: a watermark query stuck inside librdkafka (a broker lost
	 * in the middle of it) must not hold up the intake's stop. The
	 * process is exiting; the guard is then left as it is. */
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 3; /* 3 s: well past a metadata or watermark round */
	if (g->thread_started && pthread_timedjoin_np(g->thread, NULL, &until) != 0) {
		log_warn("backlog guard: its thread is still waiting for the "
			 "cluster; not waiting longer");
		return;
	}
	for (size_t i = 0; i < g->topic_count; i++) {
		struct gtopic *t = &g->topics[i];
		sqlite3_finalize(t->offsets);
		sqlite3_close(t->db);
		if (t->rkt != NULL)
			rd_kafka_topic_destroy(t->rkt);
		for (int p = 0; p < GUARD_PARTITIONS_MAX; p++)
			pthread_mutex_destroy(&t->parts[p].lock);
	}
	rd_kafka_destroy(g->rk);
	free(g->topics);
	free(g);
}

/* ---- the produce path ---- */

bool guard_active(const struct guard *g)
{
	return g != NULL && atomic_load(&g->state) != GUARD_INACTIVE;
}

const char *guard_state_name(const struct guard *g)
{
	if (g == NULL)
		return "off";
	int st = atomic_load(&g->state);
	return st == GUARD_ACTIVE ? "on" : st == GUARD_INACTIVE ? "off" : "unknown";
}

int guard_admit(struct guard *g, size_t biller_index, const char *key,
		size_t key_len, int32_t *ret_partition)
{
	assert(biller_index < g->topic_count && key_len > 0);
	if (atomic_load(&g->state) != GUARD_ACTIVE)
		return -1;
	struct gtopic *t = &g->topics[biller_index];
	int n = atomic_load(&t->partition_count);
	if (n <= 0)
		return -1; /* not yet known: cannot vouch for any partition */
	int32_t p = g->partition_of(NULL, key, key_len, n, NULL, NULL);
	assert(p >= 0 && p < n);
	struct gpart *gp = &t->parts[p];
	pthread_mutex_lock(&gp->lock);
	bool ok = charged_bytes(gp) + GUARD_MESSAGE_BYTES_MAX <= g->budget_bytes;
	if (ok)
		gp->reserved_bytes += GUARD_MESSAGE_BYTES_MAX;
	pthread_mutex_unlock(&gp->lock);
	if (!ok)
		return -1;
	*ret_partition = p;
	return 0;
}

void guard_delivered(struct guard *g, size_t biller_index, int32_t partition,
		     bool delivered, int64_t offset)
{
	assert(biller_index < g->topic_count);
	assert(partition >= 0 && partition < GUARD_PARTITIONS_MAX);
	struct gpart *gp = &g->topics[biller_index].parts[partition];
	pthread_mutex_lock(&gp->lock);
	gp->reserved_bytes -= GUARD_MESSAGE_BYTES_MAX;
	assert(gp->reserved_bytes >= 0);
	if (delivered && offset >= 0 && offset + 1 > gp->high)
		gp->high = offset + 1;
	pthread_mutex_unlock(&gp->lock);
}
