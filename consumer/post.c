/* post — see post.h. */
#include "post.h"

#include <assert.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <librdkafka/rdkafka.h>

#include "dlq.h"
#include "errstr.h"
#include "intent.h"
#include "log.h"
#include "poster.h"
#include "stop.h"
#include "svcnotify.h"
#include "timeutil.h"

/* Partitions one process may own (across its billers' topics). */
#define POST_PARTS_MAX 4096
/* Bounded wait for the watermarks of one partition at assignment. */
#define POST_WATERMARK_TIMEOUT_MS 5000
/* Longest poll: how fast a signal or a held partition's retry is seen. */
#define POST_POLL_MS_MAX 100
#define POST_ERROR_MAX 512

/* One partition this process owns. */
struct part {
	struct biller_state *b;
	int32_t partition;
	bool missing;          /* stalled: Kafka no longer has next_offset */
	bool held;             /* stalled: a dead letter was not written */
	int64_t retry_at_ms;   /* monotonic; when a held partition resumes */
	int64_t next_expected; /* offsets below it are stale redeliveries */
	int64_t committed;     /* next_offset stored in the ledger */
	/* this batch */
	int64_t batch_next;    /* next_offset to store, -1: nothing read */
	int64_t batch_hold;    /* first undelivered dead letter, -1: none */
	struct poster_counts counts;
};

struct biller_state {
	const struct config_biller *cfg;
	struct poster *poster;
};

struct item {
	rd_kafka_message_t *m;
	struct part *part;
	bool poison;
	enum dlq_status dlq; /* written by the dead-letter delivery report */
	char error[POST_ERROR_MAX];
	struct intent in;
};

struct post_stats {
	int64_t consumed, posted, duplicates, suspense;
	int64_t dead_lettered, dead_letter_failed;
	int64_t batches, last_batch_size;
	int64_t last_commit_ms, max_commit_ms;
};

struct post {
	const struct config *cfg;
	rd_kafka_t *rk;
	struct dlq *dlq;
	struct biller_state billers[POST_BILLERS_MAX];
	int biller_count;
	struct part parts[POST_PARTS_MAX];
	int part_count;
	struct item *items;
	int item_count;
	int64_t batch_first_ms;
	int64_t batch_max, batch_wait_ms, stats_interval_ms;
	int64_t dlq_timeout_ms, dlq_retry_ms;
	char stats_file[PATH_MAX];
	int64_t next_stats_ms;
	struct post_stats st;
	bool fatal;
};

static const char *part_topic(const struct part *pt)
{
	return pt->b->cfg->topic;
}

static struct biller_state *biller_by_topic(struct post *p, const char *topic)
{
	for (int i = 0; i < p->biller_count; i++)
		if (strcmp(p->billers[i].cfg->topic, topic) == 0)
			return &p->billers[i];
	return NULL;
}

static struct part *find_part(struct post *p, const char *topic,
			      int32_t partition)
{
	for (int i = 0; i < p->part_count; i++)
		if (p->parts[i].partition == partition &&
		    strcmp(part_topic(&p->parts[i]), topic) == 0)
			return &p->parts[i];
	return NULL;
}

/* ---- one partition's list, for pause/resume/seek/commit ---- */

static void part_op(struct post *p, struct part *pt, int64_t offset,
		    const char *op)
{
	rd_kafka_topic_partition_list_t *l =
		rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(l, part_topic(pt), pt->partition)
		->offset = offset;
	rd_kafka_resp_err_t err;
	rd_kafka_error_t *error = NULL;
	if (strcmp(op, "pause") == 0)
		err = rd_kafka_pause_partitions(p->rk, l);
	else if (strcmp(op, "resume") == 0)
		err = rd_kafka_resume_partitions(p->rk, l);
	else {
		err = RD_KAFKA_RESP_ERR_NO_ERROR;
		error = rd_kafka_seek_partitions(p->rk, l, 2000 /* ms */);
	}
	if (err == RD_KAFKA_RESP_ERR_NO_ERROR && error == NULL)
		err = l->elems[0].err;
	if (error != NULL) {
		log_error("%s %s[%" PRId32 "]: %s", op, part_topic(pt),
			  pt->partition, rd_kafka_error_string(error));
		rd_kafka_error_destroy(error);
	} else if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		log_error("%s %s[%" PRId32 "]: %s", op, part_topic(pt),
			  pt->partition, rd_kafka_err2str(err));
	}
	rd_kafka_topic_partition_list_destroy(l);
}

/* Stop a partition whose stored offset Kafka no longer has. */
static void stall_missing(struct post *p, struct part *pt, int64_t low,
			  int64_t high)
{
	if (pt->missing)
		return;
	pt->missing = true;
	if (pt->committed < low)
		log_error("DATA MISSING: %s[%" PRId32 "]: offsets [%" PRId64
			  ", %" PRId64 ") are no longer in Kafka (retention "
			  "or a broker restart dropped them) and were never "
			  "posted to ledger %s; partition STOPPED, nothing "
			  "skipped. Recover the intents, or set kafka_offsets "
			  "by hand (docs/posting.md)",
			  part_topic(pt), pt->partition, pt->committed, low,
			  pt->b->cfg->ledger_path);
	else
		log_error("DATA MISSING: %s[%" PRId32 "]: the ledger has "
			  "posted up to offset %" PRId64 " but the partition "
			  "ends at %" PRId64 " (topic recreated?); partition "
			  "STOPPED, nothing skipped (docs/posting.md)",
			  part_topic(pt), pt->partition, pt->committed, high);
	part_op(p, pt, RD_KAFKA_OFFSET_INVALID, "pause");
}

/* ---- assignment ---- */

/* Where pt must start: its ledger's next_offset, or 0 for a new ledger
 * (a new ledger posts the topic from its very start). */
static int part_init(struct post *p, struct part *pt,
		     struct biller_state *b, int32_t partition)
{
	char err[512];
	int64_t off = -1;
	memset(pt, 0, sizeof(*pt));
	pt->b = b;
	pt->partition = partition;
	pt->batch_next = -1;
	pt->batch_hold = -1;
	if (poster_next_offset(b->poster, b->cfg->topic, partition, &off, err,
			       sizeof(err)) < 0) {
		log_error("%s", err);
		p->fatal = true;
		return -1;
	}
	pt->committed = off < 0 ? 0 : off;
	pt->next_expected = pt->committed;
	return 0;
}

static void assign(struct post *p, rd_kafka_topic_partition_list_t *in)
{
	rd_kafka_topic_partition_list_t *l =
		rd_kafka_topic_partition_list_new(in->cnt);
	p->part_count = 0;
	for (int i = 0; i < in->cnt && !p->fatal; i++) {
		struct biller_state *b = biller_by_topic(p, in->elems[i].topic);
		if (b == NULL || p->part_count == POST_PARTS_MAX) {
			log_error("assigned %s[%" PRId32 "], which is not "
				  "ours or one too many; not consuming it",
				  in->elems[i].topic, in->elems[i].partition);
			continue;
		}
		struct part *pt = &p->parts[p->part_count];
		if (part_init(p, pt, b, in->elems[i].partition) < 0)
			break;
		p->part_count++;
		rd_kafka_topic_partition_list_add(l, b->cfg->topic,
						  pt->partition)
			->offset = pt->committed;
	}
	rd_kafka_resp_err_t err = rd_kafka_assign(p->rk, l);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		log_error("assign: %s", rd_kafka_err2str(err));
		p->fatal = true;
	}
	rd_kafka_topic_partition_list_destroy(l);
	/* A start Kafka no longer has (below the low watermark, or past the
	 * end of a recreated topic) comes back from the first fetch as
	 * offset out of range; with auto.offset.reset=error that is a
	 * consumer error, handled in on_consumer_error(). Not queried here:
	 * a watermark round trip per partition would hold up the
	 * rebalance. */
	log_info("assigned %d partitions, each at its ledger's offset",
		 p->part_count);
	svcnotify_ready();
}

static int batch_process(struct post *p);

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err,
			 rd_kafka_topic_partition_list_t *parts, void *opaque)
{
	struct post *p = opaque;
	if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
		assign(p, parts);
		return;
	}
	/* Revoked (or an error): the batch in hand is committed while the
	 * partitions are still ours, then they are let go. */
	if (batch_process(p) < 0)
		p->fatal = true;
	rd_kafka_assign(rk, NULL);
	p->part_count = 0;
	log_info("partitions revoked (%s)", rd_kafka_err2str(err));
}

/* ---- messages in ---- */

static void on_consumer_error(struct post *p, rd_kafka_message_t *m)
{
	if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF)
		return;
	if ((m->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET ||
	     m->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE) &&
	    m->rkt != NULL) {
		struct part *pt = find_part(p, rd_kafka_topic_name(m->rkt),
					    m->partition);
		int64_t low = -1, high = -1;
		if (pt == NULL)
			return;
		rd_kafka_query_watermark_offsets(p->rk, part_topic(pt),
						 pt->partition, &low, &high,
						 POST_WATERMARK_TIMEOUT_MS);
		stall_missing(p, pt, low, high);
		return;
	}
	log_warn("kafka: %s", rd_kafka_message_errstr(m));
	if (m->err == RD_KAFKA_RESP_ERR__FATAL)
		p->fatal = true;
}

/* Take m into the batch, or drop it: stale (re)deliveries, partitions no
 * longer ours or stalled. Takes ownership of m. */
static void on_message(struct post *p, rd_kafka_message_t *m)
{
	if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		on_consumer_error(p, m);
		rd_kafka_message_destroy(m);
		return;
	}
	struct part *pt = find_part(p, rd_kafka_topic_name(m->rkt),
				    m->partition);
	if (pt == NULL || pt->missing || pt->held ||
	    m->offset < pt->next_expected) {
		rd_kafka_message_destroy(m);
		return;
	}
	assert(p->item_count < p->batch_max);
	pt->next_expected = m->offset + 1;
	struct item *it = &p->items[p->item_count++];
	it->m = m;
	it->part = pt;
	it->poison = false;
	it->dlq = DLQ_PENDING;
	if (p->item_count == 1)
		p->batch_first_ms = time_mono_ms();
	p->st.consumed++;
}

/* ---- the batch ---- */

/* Decode and check one message; poison gets its reason in it->error. */
static void classify(struct item *it)
{
	const struct config_biller *cb = it->part->b->cfg;
	struct intent_error e;
	if (it->m->payload == NULL || it->m->len == 0) {
		snprintf(it->error, sizeof(it->error), "empty message");
	} else if (intent_decode(it->m->payload, it->m->len, INTENT_FROM_QUEUE,
				 &it->in, &e) < 0) {
		snprintf(it->error, sizeof(it->error), "invalid intent: %s: %s",
			 e.field, e.reason);
	} else if (strcmp(it->in.biller, cb->id) != 0) {
		snprintf(it->error, sizeof(it->error),
			 "unknown biller: intent for '%s' on topic %s of "
			 "biller '%s'",
			 it->in.biller, cb->topic, cb->id);
	} else if (strcmp(it->in.currency, cb->currency->code) != 0) {
		snprintf(it->error, sizeof(it->error),
			 "wrong currency: %s, biller '%s' takes %s",
			 it->in.currency, cb->id, cb->currency->code);
	} else {
		return;
	}
	it->poison = true;
}

/* Send the batch's poison to the dead-letter topic and wait for every
 * delivery report; a partition whose dead letter failed is held from
 * that message on (part->batch_hold). Returns -1 only when reports are
 * still missing after the deadline (cannot happen with librdkafka's
 * message timeout; then the process stops rather than guess). */
static int dead_letters(struct post *p)
{
	char err[512];
	int sent = 0;
	for (int i = 0; i < p->item_count; i++) {
		struct item *it = &p->items[i];
		if (!it->poison)
			continue;
		sent++;
		if (dlq_send(p->dlq, it->m, it->error, &it->dlq, err,
			     sizeof(err)) < 0)
			log_error("%s", err);
	}
	if (sent == 0)
		return 0;
	if (dlq_flush(p->dlq, (int)p->dlq_timeout_ms + 5000) > 0) {
		log_error("dead-letter delivery reports missing after %" PRId64
			  " ms; stopping", p->dlq_timeout_ms + 5000);
		return -1;
	}
	for (int i = 0; i < p->item_count; i++) {
		struct item *it = &p->items[i];
		if (!it->poison)
			continue;
		if (it->dlq == DLQ_DELIVERED) {
			log_warn("dead-lettered %s[%" PRId32 "]@%" PRId64 ": %s",
				 part_topic(it->part), it->part->partition,
				 it->m->offset, it->error);
			p->st.dead_lettered++;
			continue;
		}
		p->st.dead_letter_failed++;
		if (it->part->batch_hold < 0)
			it->part->batch_hold = it->m->offset;
	}
	return 0;
}

/* Post one item inside its biller's transaction. */
static int post_item(struct item *it, int64_t now_ms)
{
	char err[512];
	struct part *pt = it->part;
	if (pt->batch_hold >= 0 && it->m->offset >= pt->batch_hold)
		return 0; /* re-read after the dead letter is written */
	pt->batch_next = it->m->offset + 1;
	if (it->poison)
		return 0;
	struct poster_outcome o;
	if (poster_post(pt->b->poster, &it->in, part_topic(pt), pt->partition,
			it->m->offset, now_ms, &o, err, sizeof(err)) < 0) {
		log_error("ledger %s: %s", pt->b->cfg->ledger_path, err);
		return -1;
	}
	pt->counts.postings_count += !o.duplicate;
	pt->counts.duplicates_count += o.duplicate;
	pt->counts.suspense_count += o.split.suspense_code != NULL;
	return 0;
}

/* One transaction: b's postings of the batch and its partitions' offsets
 * and counters. Rolled back whole on any error. */
static int write_biller(struct post *p, struct biller_state *b,
			int64_t now_ms)
{
	char err[512];
	int first = 0;
	while (first < p->item_count && p->items[first].part->b != b)
		first++;
	if (first == p->item_count)
		return 0;
	int64_t t0 = time_mono_ms();
	if (poster_begin(b->poster, err, sizeof(err)) < 0)
		goto fail;
	for (int i = first; i < p->item_count; i++) {
		for (int near = 0; near <= 1; near++) {
			int ahead = i + (POSTER_PREFETCH_AHEAD >> near);
			if (ahead < p->item_count &&
			    p->items[ahead].part->b == b &&
			    !p->items[ahead].poison)
				poster_prefetch(b->poster, &p->items[ahead].in,
						near);
		}
		if (p->items[i].part->b == b &&
		    post_item(&p->items[i], now_ms) < 0)
			goto rollback;
	}
	for (int i = 0; i < p->part_count; i++) {
		struct part *pt = &p->parts[i];
		if (pt->b != b || pt->batch_next < 0)
			continue;
		if (poster_advance(b->poster, part_topic(pt), pt->partition,
				   pt->batch_next, &pt->counts, now_ms, err,
				   sizeof(err)) < 0)
			goto fail_rollback;
	}
	if (poster_commit(b->poster, err, sizeof(err)) < 0)
		goto fail;
	p->st.last_commit_ms = time_mono_ms() - t0;
	if (p->st.last_commit_ms > p->st.max_commit_ms)
		p->st.max_commit_ms = p->st.last_commit_ms;
	return 0;
fail_rollback:
	log_error("ledger %s: %s", b->cfg->ledger_path, err);
rollback:
	poster_rollback(b->poster);
	return -1;
fail:
	log_error("ledger %s: %s", b->cfg->ledger_path, err);
	return -1;
}

/* After the ledgers committed: remember, tell Kafka (advisory), hold the
 * partitions whose dead letter failed, count. */
static void after_commit(struct post *p)
{
	rd_kafka_topic_partition_list_t *l =
		rd_kafka_topic_partition_list_new(p->part_count);
	for (int i = 0; i < p->part_count; i++) {
		struct part *pt = &p->parts[i];
		if (pt->batch_next >= 0) {
			pt->committed = pt->batch_next;
			rd_kafka_topic_partition_list_add(l, part_topic(pt),
							  pt->partition)
				->offset = pt->committed;
		}
		p->st.posted += pt->counts.postings_count;
		p->st.duplicates += pt->counts.duplicates_count;
		p->st.suspense += pt->counts.suspense_count;
		if (pt->batch_hold >= 0) {
			pt->held = true;
			pt->next_expected = pt->batch_hold;
			pt->retry_at_ms = time_mono_ms() + p->dlq_retry_ms;
			log_error("partition %s[%" PRId32 "] HELD at offset "
				  "%" PRId64 ": its dead letter could not be "
				  "written; retrying in %" PRId64 " ms",
				  part_topic(pt), pt->partition,
				  pt->batch_hold, p->dlq_retry_ms);
			part_op(p, pt, RD_KAFKA_OFFSET_INVALID, "pause");
			part_op(p, pt, pt->batch_hold, "seek");
		}
		pt->batch_next = -1;
		pt->batch_hold = -1;
		memset(&pt->counts, 0, sizeof(pt->counts));
	}
	/* Async and advisory: the ledger already holds the truth. */
	if (l->cnt > 0)
		rd_kafka_commit(p->rk, l, 1);
	rd_kafka_topic_partition_list_destroy(l);
}

static void batch_drop(struct post *p)
{
	for (int i = 0; i < p->item_count; i++)
		rd_kafka_message_destroy(p->items[i].m);
	p->item_count = 0;
	for (int i = 0; i < p->part_count; i++) {
		p->parts[i].batch_next = -1;
		p->parts[i].batch_hold = -1;
		memset(&p->parts[i].counts, 0, sizeof(p->parts[i].counts));
	}
}

/* Post the batch in hand: dead letters first, then one transaction per
 * biller. Returns -1 on a fatal error (the failed transaction is rolled
 * back; the caller stops, and the restart re-reads from the ledgers). */
static int batch_process(struct post *p)
{
	if (p->item_count == 0)
		return 0;
	for (int i = 0; i < p->item_count; i++)
		classify(&p->items[i]);
	if (dead_letters(p) < 0)
		goto fail;
	int64_t now_ms = time_now_ms();
	for (int b = 0; b < p->biller_count; b++)
		if (write_biller(p, &p->billers[b], now_ms) < 0)
			goto fail;
	after_commit(p);
	p->st.batches++;
	p->st.last_batch_size = p->item_count;
	batch_drop(p);
	return 0;
fail:
	batch_drop(p);
	p->fatal = true;
	return -1;
}

/* ---- observability ---- */

static json_t *part_json(struct post *p, const struct part *pt)
{
	int64_t low = -1, high = -1;
	json_t *o = json_object();
	json_object_set_new(o, "topic", json_string(part_topic(pt)));
	json_object_set_new(o, "partition", json_integer(pt->partition));
	json_object_set_new(o, "next_offset", json_integer(pt->committed));
	/* Cached from fetch responses: no broker round trip here. */
	if (rd_kafka_get_watermark_offsets(p->rk, part_topic(pt),
					   pt->partition, &low, &high) ==
		    RD_KAFKA_RESP_ERR_NO_ERROR &&
	    high >= 0) {
		json_object_set_new(o, "high_watermark", json_integer(high));
		json_object_set_new(o, "lag", json_integer(
			high > pt->committed ? high - pt->committed : 0));
	}
	json_object_set_new(o, "state",
			    json_string(pt->missing ? "missing_data"
					: pt->held ? "held_dead_letter"
						   : "consuming"));
	return o;
}

static int count_parts(const struct post *p, bool missing)
{
	int n = 0;
	for (int i = 0; i < p->part_count; i++)
		n += missing ? p->parts[i].missing : p->parts[i].held;
	return n;
}

static json_t *stats_json(struct post *p)
{
	const struct post_stats *s = &p->st;
	json_t *parts = json_array();
	for (int i = 0; i < p->part_count; i++)
		json_array_append_new(parts, part_json(p, &p->parts[i]));
	return json_pack(
		"{sI sI sI sI sI sI sI sI sI sI sI si si so}", "time_ms",
		(json_int_t)time_now_ms(), "consumed", (json_int_t)s->consumed,
		"posted", (json_int_t)s->posted, "duplicates",
		(json_int_t)s->duplicates, "suspense", (json_int_t)s->suspense,
		"dead_lettered", (json_int_t)s->dead_lettered,
		"dead_letter_failed", (json_int_t)s->dead_letter_failed,
		"batches", (json_int_t)s->batches, "last_batch_size",
		(json_int_t)s->last_batch_size, "last_commit_ms",
		(json_int_t)s->last_commit_ms, "max_commit_ms",
		(json_int_t)s->max_commit_ms, "partitions_missing_data",
		count_parts(p, true), "partitions_held", count_parts(p, false),
		"partitions", parts);
}

/* Write the stats file atomically (temp + rename): a reader never sees
 * half a document. */
static void stats_write(struct post *p, json_t *doc)
{
	char tmp[PATH_MAX + 8];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", p->stats_file) >=
	    (int)sizeof(tmp))
		return;
	if (json_dump_file(doc, tmp, JSON_COMPACT) < 0 ||
	    rename(tmp, p->stats_file) < 0) {
		log_warn("cannot write stats file %s", p->stats_file);
		unlink(tmp);
	}
}

static void stats_tick(struct post *p, bool force)
{
	int64_t now = time_mono_ms();
	if (!force && now < p->next_stats_ms)
		return;
	p->next_stats_ms = now + p->stats_interval_ms;
	const struct post_stats *s = &p->st;
	int64_t lag = 0;
	json_t *doc = stats_json(p);
	json_t *parts = json_object_get(doc, "partitions"), *pj;
	size_t i;
	json_array_foreach(parts, i, pj)
		lag += json_integer_value(json_object_get(pj, "lag"));
	log_info("consumed %" PRId64 " posted %" PRId64 " duplicates %" PRId64
		 " suspense %" PRId64 " dead-lettered %" PRId64
		 " batches %" PRId64 " (last %" PRId64 " msgs, commit %" PRId64
		 " ms) lag %" PRId64 " stalled %d",
		 s->consumed, s->posted, s->duplicates, s->suspense,
		 s->dead_lettered, s->batches, s->last_batch_size,
		 s->last_commit_ms, lag,
		 count_parts(p, true) + count_parts(p, false));
	if (p->stats_file[0] != '\0')
		stats_write(p, doc);
	json_decref(doc);
}

/* ---- the loop ---- */

/* Resume held partitions whose retry time came (they were sought back to
 * the message whose dead letter failed). */
static void retry_held(struct post *p)
{
	int64_t now = time_mono_ms();
	for (int i = 0; i < p->part_count; i++) {
		struct part *pt = &p->parts[i];
		if (!pt->held || now < pt->retry_at_ms)
			continue;
		pt->held = false;
		log_info("retrying %s[%" PRId32 "] from offset %" PRId64,
			 part_topic(pt), pt->partition, pt->next_expected);
		part_op(p, pt, RD_KAFKA_OFFSET_INVALID, "resume");
	}
}

static bool batch_due(const struct post *p)
{
	return p->item_count >= p->batch_max ||
	       (p->item_count > 0 &&
		time_mono_ms() - p->batch_first_ms >= p->batch_wait_ms);
}

static int poll_timeout_ms(const struct post *p)
{
	if (p->item_count == 0)
		return POST_POLL_MS_MAX;
	int64_t left = p->batch_first_ms + p->batch_wait_ms - time_mono_ms();
	return left < 0 ? 0 : left > POST_POLL_MS_MAX ? POST_POLL_MS_MAX
						      : (int)left;
}

/* Fold every ledger's unfolded allocations (poster_fold) when nothing
 * arrived for a poll interval and before stopping, so that readers find
 * the journal empty whenever the consumer is not busy. A failed fold is
 * a ledger error like a failed batch: the consumer stops (exit 1). */
static void fold_all(struct post *p)
{
	char err[512];
	for (int i = 0; i < p->biller_count && !p->fatal; i++) {
		struct biller_state *b = &p->billers[i];
		if (poster_fold(b->poster, err, sizeof(err)) < 0) {
			log_error("ledger %s: fold: %s", b->cfg->ledger_path,
				  err);
			p->fatal = true;
		}
	}
}

int post_run(struct post *p)
{
	assert(p != NULL);
	while (!stop_requested() && !p->fatal) {
		rd_kafka_message_t *m =
			rd_kafka_consumer_poll(p->rk, poll_timeout_ms(p));
		if (m != NULL)
			on_message(p, m);
		if (batch_due(p))
			batch_process(p);
		else if (m == NULL && p->item_count == 0)
			fold_all(p);
		retry_held(p);
		stats_tick(p, false);
		/* Each turn is at most a poll interval plus one batch: a
		 * ledger that hangs stops the pings (WatchdogSec=). */
		svcnotify_watchdog();
	}
	svcnotify_stopping();
	/* Finish what is in hand, then leave the group (the revoke in
	 * rd_kafka_consumer_close finds an empty batch). */
	if (!p->fatal)
		batch_process(p);
	if (!p->fatal)
		fold_all(p);
	if (stop_requested())
		log_info("stopping on signal %d", stop_signal());
	int missing = count_parts(p, true);
	stats_tick(p, true);
	rd_kafka_resp_err_t err = rd_kafka_consumer_close(p->rk);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
		log_warn("consumer close: %s", rd_kafka_err2str(err));
	if (p->fatal)
		return POST_EXIT_ERROR;
	if (missing > 0) {
		log_error("stopped with %d partitions missing data", missing);
		return POST_EXIT_MISSING_DATA;
	}
	return POST_EXIT_OK;
}

/* ---- set-up ---- */

static int read_settings(struct post *p, const struct post_options *o,
			 char *errstr, size_t errstr_size)
{
	const struct config *c = p->cfg;
	if (config_get_int64(c, "post", "batch_max", POST_BATCH_MAX_DEFAULT, 1,
			     LEDGER_DB_BATCH_COUNT_MAX, &p->batch_max, errstr,
			     errstr_size) < 0 ||
	    config_get_int64(c, "post", "batch_wait_ms",
			     POST_BATCH_WAIT_MS_DEFAULT, 1, 60 * 1000,
			     &p->batch_wait_ms, errstr, errstr_size) < 0 ||
	    config_get_int64(c, "post", "stats_interval_ms",
			     POST_STATS_INTERVAL_MS_DEFAULT, 100,
			     3600 * 1000, &p->stats_interval_ms, errstr,
			     errstr_size) < 0 ||
	    config_get_int64(c, "post", "dlq_timeout_ms",
			     POST_DLQ_TIMEOUT_MS_DEFAULT, 1000, 300 * 1000,
			     &p->dlq_timeout_ms, errstr, errstr_size) < 0 ||
	    config_get_int64(c, "post", "dlq_retry_ms",
			     POST_DLQ_RETRY_MS_DEFAULT, 100, 3600 * 1000,
			     &p->dlq_retry_ms, errstr, errstr_size) < 0)
		return -1;
	const char *f = o->stats_file;
	char resolved[PATH_MAX] = "";
	if (f == NULL) {
		f = config_get_str(c, "post", "stats_file", NULL);
		if (f != NULL && config_resolve_path(c, f, resolved,
						     sizeof(resolved)) == 0)
			f = resolved;
	}
	snprintf(p->stats_file, sizeof(p->stats_file), "%s", f ? f : "");
	return 0;
}

/* The billers named with --biller (each must exist), or all of them. */
static int open_billers(struct post *p, const struct post_options *o,
			char *errstr, size_t errstr_size)
{
	int n = o->biller_count > 0 ? o->biller_count
				    : (int)config_biller_count(p->cfg);
	if (n == 0 || n > POST_BILLERS_MAX) {
		errstr_set(errstr, errstr_size, "%d billers: need 1 to %d", n,
			POST_BILLERS_MAX);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const struct config_biller *cb =
			o->biller_count > 0
				? config_biller_find(p->cfg, o->billers[i])
				: config_biller_at(p->cfg, (size_t)i);
		if (cb == NULL) {
			errstr_set(errstr, errstr_size, "no biller '%s' in %s",
				o->billers[i], config_path(p->cfg));
			return -1;
		}
		if (biller_by_topic(p, cb->topic) != NULL) {
			errstr_set(errstr, errstr_size, "biller '%s' twice, or "
				"its topic shared", cb->id);
			return -1;
		}
		struct biller_state *b = &p->billers[p->biller_count];
		b->cfg = cb;
		if (poster_open(cb->ledger_path, cb->id, cb->currency->code, 0,
				&b->poster, errstr, errstr_size) < 0)
			return -1;
		p->biller_count++;
	}
	return 0;
}

/* Consumer properties: defaults the user may override, then the user's,
 * then the ones exactly-once depends on, which always win. */
static int consumer_props(const struct kafka_props *user,
			  const char *group_id, struct kafka_props *out,
			  char *errstr, size_t errstr_size)
{
	static const char *const defaults[][2] = {
		/* A batch takes well under a second; a dead member must not
		 * hold partitions (and their ledgers' progress) for long. */
		{"session.timeout.ms", "10000"},
		/* Bounds a stuck batch (busy ledger, dead-letter wait). */
		{"max.poll.interval.ms", "120000"},
	};
	static const char *const forced[][2] = {
		/* Offsets are stored in the ledgers, not by librdkafka;
		 * post.c commits to Kafka itself, after the ledger. */
		{"enable.auto.commit", "false"},
		{"enable.auto.offset.store", "false"},
		/* Every assignment names its offset; out of range is an error
		 * to stop on, never a silent jump to earliest or latest. */
		{"auto.offset.reset", "error"},
		/* Eager: the rebalance callback uses rd_kafka_assign(). */
		{"partition.assignment.strategy", "range"},
		/* Never post a message of an aborted producer transaction. */
		{"isolation.level", "read_committed"},
		{"enable.partition.eof", "false"},
	};
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		if (kafka_props_set(out, defaults[i][0], defaults[i][1], errstr,
				    errstr_size) < 0)
			return -1;
	if (kafka_props_set(out, "group.id", "tasdid-post", errstr,
			    errstr_size) < 0 ||
	    kafka_props_append(out, user, errstr, errstr_size) < 0)
		return -1;
	if (group_id != NULL &&
	    kafka_props_set(out, "group.id", group_id, errstr, errstr_size) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(forced) / sizeof(forced[0]); i++)
		if (kafka_props_set(out, forced[i][0], forced[i][1], errstr,
				    errstr_size) < 0)
			return -1;
	return 0;
}

static int make_consumer(struct post *p, const struct kafka_props *user,
			 const char *group_id, char *errstr,
			 size_t errstr_size)
{
	struct kafka_props props = {0};
	rd_kafka_conf_t *conf = NULL;
	rd_kafka_topic_partition_list_t *topics = NULL;
	int r = -1;
	if (consumer_props(user, group_id, &props, errstr, errstr_size) < 0)
		goto out;
	conf = kafka_conf_new(&props, errstr, errstr_size);
	if (conf == NULL)
		goto out;
	rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
	rd_kafka_conf_set_opaque(conf, p);
	char why[512];
	p->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, why, sizeof(why));
	if (p->rk == NULL) {
		errstr_set(errstr, errstr_size, "consumer: %s", why);
		goto out;
	}
	conf = NULL; /* rd_kafka_new took it */
	rd_kafka_poll_set_consumer(p->rk);
	topics = rd_kafka_topic_partition_list_new(p->biller_count);
	for (int i = 0; i < p->biller_count; i++)
		rd_kafka_topic_partition_list_add(topics,
						  p->billers[i].cfg->topic,
						  RD_KAFKA_PARTITION_UA);
	rd_kafka_resp_err_t err = rd_kafka_subscribe(p->rk, topics);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		errstr_set(errstr, errstr_size, "subscribe: %s",
			rd_kafka_err2str(err));
		goto out;
	}
	r = 0;
out:
	if (topics != NULL)
		rd_kafka_topic_partition_list_destroy(topics);
	if (conf != NULL) /* not NULL-safe */
		rd_kafka_conf_destroy(conf);
	kafka_props_clear(&props);
	return r;
}

int post_new(const struct config *cfg, const struct kafka_props *props,
	     const struct post_options *opts, struct post **ret,
	     char *errstr, size_t errstr_size)
{
	assert(cfg != NULL && props != NULL && opts != NULL && ret != NULL);
	struct post *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		errstr_set(errstr, errstr_size, "out of memory");
		return -1;
	}
	p->cfg = cfg;
	if (read_settings(p, opts, errstr, errstr_size) < 0 ||
	    open_billers(p, opts, errstr, errstr_size) < 0)
		goto fail;
	p->items = calloc((size_t)p->batch_max, sizeof(*p->items));
	if (p->items == NULL) {
		errstr_set(errstr, errstr_size, "out of memory");
		goto fail;
	}
	if (dlq_new(props, config_get_str(cfg, "topics", "dead_letter",
					  "tasdid.dead-letter"),
		    (int)p->dlq_timeout_ms, &p->dlq, errstr, errstr_size) < 0 ||
	    make_consumer(p, props, opts->group_id, errstr, errstr_size) < 0)
		goto fail;
	*ret = p;
	return 0;
fail:
	post_free(p);
	return -1;
}

void post_free(struct post *p)
{
	if (p == NULL)
		return;
	batch_drop(p);
	if (p->rk != NULL)
		rd_kafka_destroy(p->rk);
	/* Before the items: a late delivery report writes into one. */
	dlq_free(p->dlq);
	for (int i = 0; i < p->biller_count; i++)
		poster_close(p->billers[i].poster);
	free(p->items);
	free(p);
}
