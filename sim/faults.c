/* faults — see faults.h. */
#include "faults.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <librdkafka/rdkafka.h>

#include "errstr.h"
#include "intent.h"
#include "kafka.h"
#include "ledger_db.h"
#include "money.h"
#include "proc.h"
#include "scenario.h"
#include "timeutil.h"

#define FAULTS_DLQ_READ_MS (30 * 1000)   /* reading the dead-letter topic */
#define FAULTS_KILL_GAP_MS 500 /* > FAULTS_RESTART_MS */
_Static_assert(FAULTS_KILL_GAP_MS > FAULTS_RESTART_MS, "a kill finds the restarted process");
#define FAULTS_DISK_GRACE_MS 1000 /* an exit this soon after the disk came
				   * back is still the disk's */

/* ---- the plan ---- */

/* A number in [lo, hi) drawn from (seed, what). */
static int64_t draw(uint64_t seed, uint64_t what, int64_t lo, int64_t hi)
{
	assert(hi > lo);
	return lo + (int64_t)(scenario_mix(seed, 0x6661756cu /* "faul" */, what) %
			      (uint64_t)(hi - lo));
}

static void plan_add(struct faults_plan *p, int64_t at_ms, enum faults_kind kind)
{
	assert(p->count < FAULTS_EVENTS_MAX);
	p->ev[p->count++] = (struct faults_event){.at_ms = at_ms, .kind = kind};
}

static int cmp_event(const void *a, const void *b)
{
	const struct faults_event *x = a, *y = b;
	if (x->at_ms != y->at_ms)
		return (x->at_ms > y->at_ms) - (x->at_ms < y->at_ms);
	return (x->kind > y->kind) - (x->kind < y->kind);
}

void faults_plan_make(uint64_t seed, int64_t span_ms, struct faults_plan *ret)
{
	assert(span_ms >= 5000 && ret != NULL);
	memset(ret, 0, sizeof(*ret));
	uint64_t n = 0;
	plan_add(ret, draw(seed, n++, 0, span_ms * 3 / 10), FAULTS_POISON);
	int64_t down = draw(seed, n++, span_ms / 10, span_ms * 7 / 10);
	plan_add(ret, down, FAULTS_BROKER_DOWN);
	plan_add(ret, down + draw(seed, n++, 1000, 2500), FAULTS_BROKER_UP);
	/* Long enough to outlast a restarted post's group join (~3 s on the
	 * embedded broker) and still see it write. */
	int64_t full = draw(seed, n++, span_ms * 3 / 10, span_ms * 11 / 20);
	plan_add(ret, full, FAULTS_DISK_FULL);
	plan_add(ret, full + draw(seed, n++, 5000, 7000), FAULTS_DISK_OK);
	/* Kill k of a process falls in the k-th of equal slices of [5 %,
	 * 90 %), at least FAULTS_KILL_GAP_MS after the slice starts: a kill
	 * never lands on the restart of the one before. */
	int64_t lo = span_ms / 20, slice = (span_ms * 9 / 10 - lo) / FAULTS_KILLS_PER_PROC;
	for (int k = 0; k < FAULTS_KILLS_PER_PROC; k++) {
		int64_t from = lo + k * slice + (k > 0 ? FAULTS_KILL_GAP_MS : 0);
		plan_add(ret, draw(seed, n++, from, from + slice - FAULTS_KILL_GAP_MS),
			 FAULTS_KILL_INTAKE);
		plan_add(ret, draw(seed, n++, from, from + slice - FAULTS_KILL_GAP_MS),
			 FAULTS_KILL_POST);
	}
	qsort(ret->ev, (size_t)ret->count, sizeof(ret->ev[0]), cmp_event);
	for (int k = 0; k < FAULTS_SETTLE_KILLS; k++)
		ret->settle_kill_permille[k] = (int)draw(seed, n++, 50, 950);
}

const char *faults_kind_name(enum faults_kind kind)
{
	switch (kind) {
	case FAULTS_POISON: return "plant poison";
	case FAULTS_KILL_INTAKE: return "SIGKILL intake";
	case FAULTS_KILL_POST: return "SIGKILL post";
	case FAULTS_BROKER_DOWN: return "broker down";
	case FAULTS_BROKER_UP: return "broker up";
	case FAULTS_DISK_FULL: return "ledger disk full";
	case FAULTS_DISK_OK: return "ledger disk back";
	}
	return "?";
}

/* ---- poison ---- */

struct poison_sent {
	const char *topic;
	int32_t partition;
	int64_t offset;
	rd_kafka_resp_err_t err;
	bool reported;
};

static void on_poison_report(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
	(void)rk;
	(void)opaque;
	struct poison_sent *ps = m->_private;
	ps->err = m->err;
	ps->partition = m->partition;
	ps->offset = m->offset;
	ps->reported = true;
}

/* A valid queued intent of biller b (a real account), encoded. */
static void poison_intent(const struct config_biller *b, int k, char *json, size_t size)
{
	struct intent in = {.schema_version = INTENT_SCHEMA_VERSION};
	snprintf(in.bank, sizeof(in.bank), "BNK01");
	snprintf(in.terminal, sizeof(in.terminal), "T0000");
	snprintf(in.idempotency_key, sizeof(in.idempotency_key), "POISON-%d", k);
	snprintf(in.biller, sizeof(in.biller), "%s", b->id);
	scenario_account(k, in.account);
	in.amount_minor = 100000;
	memcpy(in.currency, b->currency->code, 4);
	in.paid_at_ms = time_now_ms();
	rfc3339_format_utc_ms(in.paid_at_ms, in.paid_at, sizeof(in.paid_at));
	intent_derive_id(&in);
	intent_stamp_received(&in, in.paid_at_ms);
	intent_encode(&in, json, size);
}

/* The five kinds of poison (docs/posting.md, Dead letters), each on a
 * biller's topic: empty, not JSON, another biller's intent, another
 * currency, an id that is not the derived one. */
static void poison_value(const struct config *cfg, int k, char *buf, size_t size,
			 const char **ret_topic)
{
	size_t billers = config_biller_count(cfg);
	const struct config_biller *b = config_biller_at(cfg, (size_t)k % billers);
	const struct config_biller *other = config_biller_at(cfg, (size_t)(k + 1) % billers);
	*ret_topic = b->topic;
	buf[0] = '\0';
	if (k == 1)
		snprintf(buf, size, "{\"not\": json");
	if (k == 2)
		poison_intent(other, k, buf, size); /* on b's topic */
	if (k == 3) {
		poison_intent(b, k, buf, size);
		char *c = strstr(buf, "\"currency\":\"");
		if (c != NULL) /* a real currency, not the biller's */
			memcpy(c + 12, strcmp(b->currency->code, "JOD") ? "JOD" : "USD", 3);
	}
	if (k == 4) {
		poison_intent(b, k, buf, size);
		char *id = strstr(buf, "\"intent_id\":\"");
		if (id != NULL) /* still a UUID, but not derived */
			id[13 + 35] = id[13 + 35] == '0' ? '1' : '0';
	}
}

static rd_kafka_t *poison_producer(const char *bootstrap, char *errstr, size_t errstr_size)
{
	const struct kafka_prop forced[] = {
		{"bootstrap.servers", (char *)bootstrap},
		{"acks", "all"},
		{"enable.idempotence", "true"},
	};
	const struct kafka_client_spec spec = {
		.type = RD_KAFKA_PRODUCER,
		.name = "producer",
		.forced = forced,
		.forced_count = sizeof(forced) / sizeof(forced[0]),
		.dr_msg_cb = on_poison_report,
	};
	return kafka_client_new(&spec, errstr, errstr_size);
}

/* Produce the poison; the reports are served by poison_poll(), from the
 * supervisor's ticks: waiting here would stop the supervisor, and with it
 * the "broker up" that the reports may be waiting for. */
static rd_kafka_t *plant_poison(const char *bootstrap, const struct config *cfg,
				struct poison_sent sent[FAULTS_POISON_COUNT], char *errstr,
				size_t errstr_size)
{
	rd_kafka_t *rk = poison_producer(bootstrap, errstr, errstr_size);
	for (int k = 0; rk != NULL && k < FAULTS_POISON_COUNT; k++) {
		char value[INTENT_JSON_MAX + 1];
		memset(&sent[k], 0, sizeof(sent[k]));
		poison_value(cfg, k, value, sizeof(value), &sent[k].topic);
		rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(sent[k].topic),
				  RD_KAFKA_V_PARTITION(k),
				  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
				  RD_KAFKA_V_VALUE((value[0] ? value : NULL), strlen(value)),
				  RD_KAFKA_V_OPAQUE(&sent[k]), RD_KAFKA_V_END);
	}
	return rk;
}

/* Serve the poison's delivery reports; once all are in, append (topic,
 * partition, offset) of each written one to path and return how many
 * (0 or more); -1 while reports are missing. */
static int poison_poll(rd_kafka_t *rk, const struct poison_sent sent[FAULTS_POISON_COUNT],
		       const char *path)
{
	rd_kafka_poll(rk, 0);
	for (int k = 0; k < FAULTS_POISON_COUNT; k++)
		if (!sent[k].reported)
			return -1;
	FILE *f = fopen(path, "a");
	int n = 0;
	for (int k = 0; f != NULL && k < FAULTS_POISON_COUNT; k++) {
		if (sent[k].err != RD_KAFKA_RESP_ERR_NO_ERROR)
			continue;
		fprintf(f, "%s\t%" PRId32 "\t%" PRId64 "\n", sent[k].topic, sent[k].partition,
			sent[k].offset);
		n++;
	}
	if (f != NULL)
		fclose(f);
	return n;
}

/* ---- the supervisor ---- */

struct faults_sup {
	struct faults_sup_opts o;
	char path[4096];
	int64_t start_ms, disk_ok_at_ms;
	int next;                    /* the plan's next event */
	pid_t intake, post;
	int64_t intake_restart_at, post_restart_at; /* 0: none due */
	bool intake_killed, post_killed, disk_full;
	rd_kafka_t *poison_rk;       /* while the poison's reports are due */
	struct poison_sent poison[FAULTS_POISON_COUNT];
	int generation;              /* of restarted processes: logs, groups */
	struct faults_tally t;
};

int faults_sup_new(const struct faults_sup_opts *o, struct faults_sup **ret,
		   char *errstr, size_t errstr_size)
{
	struct faults_sup *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		errstr_set(errstr, errstr_size, "out of memory");
		return -1;
	}
	s->o = *o;
	s->intake = o->intake;
	s->post = o->post;
	s->start_ms = time_mono_ms();
	*ret = s;
	return 0;
}

static void restart_intake(struct faults_sup *s)
{
	char err[256];
	char *argv[] = {"intake", "-c", (char *)s->o.ini, "-b", (char *)s->o.bootstrap, NULL};
	snprintf(s->path, sizeof(s->path), "%s/intake-%d.log", s->o.dir, ++s->generation);
	s->intake = proc_spawn_self(argv, s->path, err, sizeof(err));
	/* A failed fork is tried again, as systemd would. */
	s->intake_restart_at = s->intake < 0 ? time_mono_ms() + FAULTS_RESTART_MS : 0;
	s->intake = s->intake < 0 ? 0 : s->intake;
	s->intake_killed = false;
	s->t.restarts_intake++;
}

/* Each run joins a group of its own: a member killed with -9 would hold
 * the old group's rebalance for its whole session timeout. The ledgers
 * hold the offsets, so a new group resumes exactly where the last one
 * stopped (docs/posting.md). */
static void restart_post(struct faults_sup *s)
{
	char err[256], group[64];
	snprintf(group, sizeof(group), "tasdid-post-faults-%d", ++s->generation);
	char *argv[] = {"post", "-c", (char *)s->o.ini, "-b", (char *)s->o.bootstrap,
			"--group", group, NULL};
	snprintf(s->path, sizeof(s->path), "%s/post-%d.log", s->o.dir, s->generation);
	s->post = proc_spawn_self_fsize(argv, s->path, s->disk_full ? FAULTS_FSIZE_BYTES : -1,
					err, sizeof(err));
	s->post_restart_at = s->post < 0 ? time_mono_ms() + FAULTS_RESTART_MS : 0;
	s->post = s->post < 0 ? 0 : s->post;
	s->post_killed = false;
	s->t.restarts_post++;
}

/* Reap what exited; whatever exited is started again after a delay. */
static void reap(struct faults_sup *s, int64_t now)
{
	int st;
	if (s->intake > 0 && proc_exited(s->intake, &st)) {
		s->t.intake_exits += !s->intake_killed;
		s->intake = 0;
		s->intake_restart_at = now + FAULTS_RESTART_MS;
	}
	if (s->post > 0 && proc_exited(s->post, &st)) {
		if (!s->post_killed) {
			bool disk = s->disk_full ||
				    now - s->disk_ok_at_ms < FAULTS_DISK_GRACE_MS;
			s->t.post_exits_disk += disk;
			s->t.post_exits_other += !disk;
		}
		s->post = 0;
		s->post_restart_at = now + FAULTS_RESTART_MS;
	}
	if (s->intake == 0 && s->intake_restart_at > 0 && now >= s->intake_restart_at)
		restart_intake(s);
	if (s->post == 0 && s->post_restart_at > 0 && now >= s->post_restart_at)
		restart_post(s);
}

static void kill_proc(struct faults_sup *s, pid_t *pid, bool *killed, int64_t *restart_at,
		      enum faults_kind kind, int64_t now)
{
	if (*pid <= 0) {
		s->t.kills_missed++;
		return;
	}
	kill(*pid, SIGKILL);
	waitpid(*pid, NULL, 0);
	*pid = 0;
	*killed = true;
	*restart_at = now + FAULTS_RESTART_MS;
	s->t.injected[kind]++;
}

static void inject(struct faults_sup *s, enum faults_kind kind, int64_t now)
{
	char err[512];
	switch (kind) {
	case FAULTS_KILL_INTAKE:
		kill_proc(s, &s->intake, &s->intake_killed, &s->intake_restart_at, kind, now);
		return;
	case FAULTS_KILL_POST:
		kill_proc(s, &s->post, &s->post_killed, &s->post_restart_at, kind, now);
		return;
	case FAULTS_BROKER_DOWN:
	case FAULTS_BROKER_UP:
		kill(s->o.broker, kind == FAULTS_BROKER_DOWN ? SIGUSR1 : SIGUSR2);
		break;
	case FAULTS_DISK_FULL:
	case FAULTS_DISK_OK:
		s->disk_full = kind == FAULTS_DISK_FULL;
		s->disk_ok_at_ms = s->disk_full ? 0 : now;
		if (s->post > 0)
			proc_set_fsize(s->post, s->disk_full ? FAULTS_FSIZE_BYTES : -1);
		break;
	case FAULTS_POISON:
		s->poison_rk = plant_poison(s->o.bootstrap, s->o.cfg, s->poison, err,
					    sizeof(err));
		break;
	}
	s->t.injected[kind]++;
}

void faults_sup_tick(struct faults_sup *s)
{
	assert(s != NULL);
	int64_t now = time_mono_ms();
	reap(s, now);
	if (s->poison_rk != NULL) {
		snprintf(s->path, sizeof(s->path), "%s/poison.tsv", s->o.dir);
		int n = poison_poll(s->poison_rk, s->poison, s->path);
		if (n >= 0) {
			s->t.poison_planted = n;
			rd_kafka_destroy(s->poison_rk);
			s->poison_rk = NULL;
		}
	}
	const struct faults_plan *p = s->o.plan;
	while (s->next < p->count && now - s->start_ms >= p->ev[s->next].at_ms) {
		enum faults_kind kind = p->ev[s->next].kind;
		/* A kill due while its process is down (post exited on the
		 * full disk, or is being restarted) waits for the restart, and
		 * the events after it wait too: every planned kill lands, so
		 * the test can count them exactly. */
		if ((kind == FAULTS_KILL_INTAKE && s->intake <= 0) ||
		    (kind == FAULTS_KILL_POST && s->post <= 0))
			break;
		inject(s, kind, now);
		s->next++;
	}
}

bool faults_sup_done(const struct faults_sup *s)
{
	return s->next == s->o.plan->count && s->intake > 0 && s->post > 0 &&
	       s->poison_rk == NULL;
}

void faults_sup_pids(const struct faults_sup *s, pid_t *ret_intake, pid_t *ret_post)
{
	*ret_intake = s->intake;
	*ret_post = s->post;
}

void faults_sup_tally(const struct faults_sup *s, struct faults_tally *ret)
{
	*ret = s->t;
}

void faults_sup_free(struct faults_sup *s)
{
	if (s != NULL && s->poison_rk != NULL)
		rd_kafka_destroy(s->poison_rk);
	free(s);
}

/* ---- checks after recovery ---- */

/* Every posting of every ledger: intent id → [biller index, amount]. */
static int read_postings(const struct config *cfg, json_t *postings, int64_t *ret_count,
			 char *errstr, size_t errstr_size)
{
	for (size_t b = 0; b < config_biller_count(cfg); b++) {
		const struct config_biller *bl = config_biller_at(cfg, b);
		sqlite3 *db = NULL;
		sqlite3_stmt *st = NULL;
		if (ledger_db_open(bl->ledger_path, bl->id, bl->currency->code,
				   LEDGER_DB_READONLY, &db, errstr, errstr_size) < 0)
			return -1;
		sqlite3_prepare_v2(db, "SELECT intent_id, amount_minor FROM postings", -1, &st,
				   NULL);
		while (sqlite3_step(st) == SQLITE_ROW) {
			json_object_set_new(postings, (const char *)sqlite3_column_text(st, 0),
					    json_pack("[iI]", (int)b,
						      (json_int_t)sqlite3_column_int64(st, 1)));
			(*ret_count)++;
		}
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	return 0;
}

typedef void line_fn(json_t *line, void *arg);

/* Call fn with each JSON line of path (a missing file has no lines). */
static void each_line(const char *path, line_fn *fn, void *arg)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	while (f != NULL && getline(&line, &cap, f) > 0) {
		json_t *o = json_loads(line, 0, NULL);
		if (o != NULL)
			fn(o, arg);
		json_decref(o);
	}
	free(line);
	if (f != NULL)
		fclose(f);
}

struct check {
	const struct config *cfg;
	json_t *postings;   /* id → [biller, amount]; removed once explained */
	json_t *seen;       /* ids of terminals' intents already counted */
	json_t *events;     /* ids with a possibly_persisted/late_delivered event */
	struct faults_verdict *v;
};

static void on_event_line(json_t *o, void *arg)
{
	struct check *c = arg;
	const char *why = json_string_value(json_object_get(o, "reason"));
	const char *id = json_string_value(json_object_get(o, "intent_id"));
	if (why == NULL || id == NULL)
		return;
	bool maybe = strcmp(why, "possibly_persisted") == 0;
	if (!maybe && strcmp(why, "late_delivered") != 0)
		return;
	c->v->events_possibly_persisted += maybe;
	c->v->events_late_delivered += !maybe;
	json_object_set_new(c->events, id, json_true());
}

static void on_accepted(json_t *o, void *arg)
{
	struct check *c = arg;
	const char *id = json_string_value(json_object_get(o, "intent_id"));
	const char *biller = json_string_value(json_object_get(o, "biller"));
	if (id == NULL || biller == NULL || json_object_get(c->seen, id) != NULL)
		return;
	json_object_set_new(c->seen, id, json_true());
	c->v->accepted++;
	json_t *p = json_object_get(c->postings, id);
	if (p == NULL) {
		c->v->accepted_missing++;
		return;
	}
	const struct config_biller *b = config_biller_at(
		c->cfg, (size_t)json_integer_value(json_array_get(p, 0)));
	const char *amount = json_string_value(json_object_get(o, "amount"));
	int64_t minor = -1;
	if (amount != NULL)
		money_parse(amount, strlen(amount), b->currency, 0, &minor, NULL, 0);
	if (strcmp(b->id, biller) != 0 || json_integer_value(json_array_get(p, 1)) != minor)
		c->v->accepted_wrong_amount++;
	else
		c->v->accepted_posted++;
	json_object_del(c->postings, id);
}

/* After every accepted intent: the intents terminals gave up on. */
static void on_unaccepted(json_t *o, void *arg)
{
	struct check *c = arg;
	const char *outcome = json_string_value(json_object_get(o, "outcome"));
	const char *id = json_string_value(
		json_object_get(json_object_get(o, "intent"), "intent_id"));
	if (outcome == NULL || id == NULL || json_object_get(c->seen, id) != NULL)
		return; /* accepted on another try, or counted */
	json_object_set_new(c->seen, id, json_true());
	bool posted = json_object_get(c->postings, id) != NULL;
	json_object_del(c->postings, id);
	if (strcmp(outcome, "shed") == 0) {
		c->v->shed++;
		c->v->shed_posted += posted;
		c->v->shed_posted_explained += posted && json_object_get(c->events, id) != NULL;
	} else if (strcmp(outcome, "unanswered") == 0) {
		c->v->unanswered++;
		c->v->unanswered_posted += posted;
	} else {
		c->v->rejected++;
		c->v->rejected_posted += posted;
	}
}

static int check_ledgers(const char *dir, const struct config *cfg, struct faults_verdict *v,
			 char *errstr, size_t errstr_size)
{
	struct check c = {.cfg = cfg, .postings = json_object(), .seen = json_object(),
			  .events = json_object(), .v = v};
	char path[4096];
	int rc = read_postings(cfg, c.postings, &v->postings, errstr, errstr_size);
	if (rc == 0) {
		snprintf(path, sizeof(path), "%s/events.jsonl", dir);
		each_line(path, on_event_line, &c);
		snprintf(path, sizeof(path), "%s/accepted.jsonl", dir);
		each_line(path, on_accepted, &c);
		snprintf(path, sizeof(path), "%s/unaccepted.jsonl", dir);
		each_line(path, on_unaccepted, &c);
		v->postings_unknown = (int64_t)json_object_size(c.postings);
	}
	json_decref(c.postings);
	json_decref(c.seen);
	json_decref(c.events);
	return rc;
}

/* "topic\tpartition\toffset" of a dead letter's source, or of a planted
 * poison message: the identity both sides share. */
static void source_key(char *buf, size_t size, const char *topic, const char *partition,
		       const char *offset)
{
	snprintf(buf, size, "%s\t%s\t%s", topic, partition, offset);
}

static const char *header(rd_kafka_headers_t *h, const char *name, char *buf, size_t size)
{
	const void *val = NULL;
	size_t len = 0;
	if (h == NULL || rd_kafka_header_get_last(h, name, &val, &len) !=
				 RD_KAFKA_RESP_ERR_NO_ERROR || val == NULL || len >= size)
		return "?";
	memcpy(buf, val, len);
	buf[len] = '\0';
	return buf;
}

static rd_kafka_t *dlq_reader(const char *bootstrap, char *errstr, size_t errstr_size)
{
	const struct kafka_prop forced[] = {
		{"bootstrap.servers", (char *)bootstrap},
		{"group.id", "tasdid-faults-check"},
		{"enable.auto.commit", "false"},
	};
	const struct kafka_client_spec spec = {
		.type = RD_KAFKA_CONSUMER,
		.name = "consumer",
		.forced = forced,
		.forced_count = sizeof(forced) / sizeof(forced[0]),
	};
	rd_kafka_t *rk = kafka_client_new(&spec, errstr, errstr_size);
	if (rk != NULL)
		rd_kafka_poll_set_consumer(rk);
	return rk;
}

/* Assign every partition of topic from its start; *ret_left = messages up
 * to the high watermarks. */
static int dlq_assign(rd_kafka_t *rk, const char *topic, int64_t *ret_left, char *errstr,
		      size_t errstr_size)
{
	const struct rd_kafka_metadata *md = NULL;
	rd_kafka_topic_t *t = rd_kafka_topic_new(rk, topic, NULL);
	rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, t, &md, 10000 /* ms */);
	rd_kafka_topic_destroy(t);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1) {
		errstr_set(errstr, errstr_size, "metadata of %s: %s", topic, rd_kafka_err2str(err));
		if (md != NULL)
			rd_kafka_metadata_destroy(md);
		return -1;
	}
	rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
	for (int i = 0; i < md->topics[0].partition_cnt; i++) {
		int32_t p = md->topics[0].partitions[i].id;
		int64_t low = 0, high = 0;
		rd_kafka_query_watermark_offsets(rk, topic, p, &low, &high, 10000 /* ms */);
		*ret_left += high - low;
		rd_kafka_topic_partition_list_add(l, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
	}
	rd_kafka_metadata_destroy(md);
	rd_kafka_assign(rk, l);
	rd_kafka_topic_partition_list_destroy(l);
	return 0;
}

/* Distinct sources of the dead letters (a post killed between a dead
 * letter's delivery and its batch's commit writes it again). */
static int read_dead_letters(const char *bootstrap, const char *topic, json_t *sources,
			     char *errstr, size_t errstr_size)
{
	rd_kafka_t *rk = dlq_reader(bootstrap, errstr, errstr_size);
	int64_t left = 0;
	if (rk == NULL)
		return -1;
	int rc = dlq_assign(rk, topic, &left, errstr, errstr_size);
	int64_t deadline = time_mono_ms() + FAULTS_DLQ_READ_MS;
	while (rc == 0 && left > 0 && time_mono_ms() < deadline) {
		rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100 /* ms */);
		if (m == NULL)
			continue;
		if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
			rd_kafka_headers_t *h = NULL;
			char t[256], p[16], o[32], key[320];
			rd_kafka_message_headers(m, &h);
			source_key(key, sizeof(key), header(h, "tasdid.topic", t, sizeof(t)),
				   header(h, "tasdid.partition", p, sizeof(p)),
				   header(h, "tasdid.offset", o, sizeof(o)));
			json_object_set_new(sources, key, json_true());
			left--;
		}
		rd_kafka_message_destroy(m);
	}
	if (rc == 0 && left > 0) {
		errstr_set(errstr, errstr_size, "%" PRId64 " dead letters not read within %d s",
			left, FAULTS_DLQ_READ_MS / 1000);
		rc = -1;
	}
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
	return rc;
}

static void check_dead_letters(const char *dir, json_t *sources, struct faults_verdict *v)
{
	char path[4096], line[512];
	snprintf(path, sizeof(path), "%s/poison.tsv", dir);
	FILE *f = fopen(path, "r");
	v->dead_letters = (int64_t)json_object_size(sources);
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		v->poison_planted++;
		v->dead_letters_planted += json_object_get(sources, line) != NULL;
	}
	if (f != NULL)
		fclose(f);
}

int faults_verify(const char *dir, const struct config *cfg, const char *bootstrap,
		  struct faults_verdict *ret, char *errstr, size_t errstr_size)
{
	struct faults_verdict v = {0};
	json_t *sources = json_object();
	int rc = check_ledgers(dir, cfg, &v, errstr, errstr_size);
	if (rc == 0)
		rc = read_dead_letters(bootstrap,
				       config_get_str(cfg, "topics", "dead_letter",
						      "tasdid.dead-letter"),
				       sources, errstr, errstr_size);
	if (rc == 0) {
		check_dead_letters(dir, sources, &v);
		*ret = v;
	}
	json_decref(sources);
	return rc;
}

bool faults_verdict_ok(const struct faults_verdict *v)
{
	return v->accepted > 0 && v->accepted_posted == v->accepted &&
	       v->accepted_missing == 0 && v->accepted_wrong_amount == 0 &&
	       v->shed_posted == v->shed_posted_explained && v->rejected_posted == 0 &&
	       v->postings_unknown == 0 &&
	       v->postings == v->accepted + v->shed_posted + v->unanswered_posted &&
	       v->poison_planted == FAULTS_POISON_COUNT &&
	       v->dead_letters == v->poison_planted &&
	       v->dead_letters_planted == v->poison_planted;
}
