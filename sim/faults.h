/* faults — the fault campaign of `tasdid demo --faults` (issue 8, item 2):
 * a schedule of faults drawn from a seed, a supervisor that injects them
 * into the running processes and restarts what died (as systemd would),
 * poison messages planted into the billers' topics, and the checks made
 * after recovery: every intent answered 202 is posted exactly once,
 * nothing refused is posted unless the intake said it might be, and the
 * dead-letter topic holds exactly the planted poison. docs/faults.md.
 *
 * The schedule is a pure function of (seed, span): the same seed gives
 * the same faults at the same offsets from the start of the traffic. */
#ifndef TASDID_FAULTS_H
#define TASDID_FAULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"

#define FAULTS_KILLS_PER_PROC 3   /* SIGKILLs of the intake and of post */
#define FAULTS_SETTLE_KILLS 3     /* SIGKILLs of the settle job */
#define FAULTS_EVENTS_MAX 24
#define FAULTS_POISON_COUNT 5     /* one message of each poison kind */
#define FAULTS_RESTART_MS 200     /* a supervisor's restart delay */
/* The "disk full" of the ledgers: post's RLIMIT_FSIZE. Writes at or past
 * this offset of any file fail with EFBIG: every ledger file is larger, and
 * one batch's WAL frames too (even in a WAL that a graceful exit reset to
 * zero); post's own log (a file per run) and stats file stay smaller. */
#define FAULTS_FSIZE_BYTES (64 * 1024)

_Static_assert(FAULTS_KILLS_PER_PROC * 2 + 5 <= FAULTS_EVENTS_MAX,
	       "every scheduled fault fits the plan");

enum faults_kind {
	FAULTS_POISON,      /* produce the poison messages */
	FAULTS_KILL_INTAKE, /* SIGKILL the intake */
	FAULTS_KILL_POST,   /* SIGKILL the posting consumer */
	FAULTS_BROKER_DOWN, /* SIGUSR1 to the broker: connections refused */
	FAULTS_BROKER_UP,   /* SIGUSR2 */
	FAULTS_DISK_FULL,   /* post's RLIMIT_FSIZE down to FAULTS_FSIZE_BYTES */
	FAULTS_DISK_OK,     /* and back to unlimited */
};

struct faults_event {
	int64_t at_ms; /* from the start of the traffic */
	enum faults_kind kind;
};

struct faults_plan {
	int count;
	struct faults_event ev[FAULTS_EVENTS_MAX]; /* sorted by at_ms */
	/* Each settle kill, in thousandths of a whole run's duration. */
	int settle_kill_permille[FAULTS_SETTLE_KILLS];
};

/* The schedule for seed over span_ms of traffic (>= 5000): the poison in
 * the first 30 %, one broker outage of 1-2.5 s starting in [10 %, 70 %),
 * one disk-full window of 5-7 s starting in [30 %, 55 %), and kill k of
 * the intake and of post in the k-th third of [5 %, 90 %). */
void faults_plan_make(uint64_t seed, int64_t span_ms, struct faults_plan *ret);

/* "kill intake", ... (static strings). */
const char *faults_kind_name(enum faults_kind kind);

/* ---- the supervisor ---- */

struct faults_sup_opts {
	const char *dir;         /* logs go to DIR/intake-N.log, DIR/post-N.log */
	const char *ini;         /* the deployment's config */
	const char *bootstrap;   /* the broker's address */
	const struct config *cfg;
	pid_t broker, intake, post; /* running at the start */
	const struct faults_plan *plan;
};

struct faults_tally {
	int64_t injected[FAULTS_DISK_OK + 1]; /* faults injected, by kind */
	int64_t kills_missed;      /* a kill found the process not running */
	int64_t restarts_intake, restarts_post;
	int64_t post_exits_disk;   /* post exited 1 while the disk was full */
	int64_t post_exits_other;  /* post exited by itself otherwise: a bug */
	int64_t intake_exits;      /* the intake exited by itself: a bug */
	int64_t poison_planted;
};

struct faults_sup;

/* Start supervising (the clock of the plan starts now). Returns 0 with
 * *ret (free with faults_sup_free), or -1 with errstr. */
int faults_sup_new(const struct faults_sup_opts *o, struct faults_sup **ret,
		   char *errstr, size_t errstr_size);

/* One step: reap and restart what exited, inject the faults that are due.
 * Call every few ms. */
void faults_sup_tick(struct faults_sup *s);

/* True when every fault of the plan has been injected and undone, the
 * poison's delivery reports are in, and the intake and post run. */
bool faults_sup_done(const struct faults_sup *s);

/* The processes running now (0: none). */
void faults_sup_pids(const struct faults_sup *s, pid_t *ret_intake, pid_t *ret_post);

/* Counts so far; the planted poison's (topic, partition, offset) are
 * written to DIR/poison.tsv, one per line. */
void faults_sup_tally(const struct faults_sup *s, struct faults_tally *ret);

/* NULL-safe; stops nothing (the pids are the caller's again). */
void faults_sup_free(struct faults_sup *s);

/* ---- checks after recovery ---- */

struct faults_verdict {
	int64_t accepted;            /* distinct intents answered 202 */
	int64_t accepted_posted;     /* in their biller's ledger, same amount */
	int64_t accepted_missing, accepted_wrong_amount;
	int64_t shed;                /* given up, every answer was 503 */
	int64_t shed_posted;         /* of those, posted anyway ... */
	int64_t shed_posted_explained; /* ... with an intake event saying so */
	int64_t unanswered;          /* given up, some attempt had no answer */
	int64_t unanswered_posted;   /* of those, posted (the intake had it) */
	int64_t rejected, rejected_posted;
	int64_t postings;            /* rows in every ledger */
	int64_t postings_unknown;    /* rows of an intent no terminal sent */
	int64_t events_possibly_persisted, events_late_delivered;
	int64_t dead_letters;        /* distinct (topic, partition, offset) */
	int64_t dead_letters_planted;/* of those, planted poison */
	int64_t poison_planted;
};

/* Compare what the terminals were told (DIR/accepted.jsonl,
 * DIR/unaccepted.jsonl), what the intake recorded (DIR/events.jsonl) and
 * the planted poison (DIR/poison.tsv) with the ledgers and the dead-letter
 * topic. Returns 0 with *ret, or -1 with errstr when something could not
 * be read. */
int faults_verify(const char *dir, const struct config *cfg, const char *bootstrap,
		  struct faults_verdict *ret, char *errstr, size_t errstr_size);

/* True when the verdict holds every guarantee (docs/faults.md). */
bool faults_verdict_ok(const struct faults_verdict *v);

#endif
