/* tasdid terminal — the counter's side: pay, forward, status, receipt
 * (docs/terminal.md). */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "commands.h"
#include "intopt.h"
#include "forward.h"
#include "log.h"
#include "money.h"
#include "receipt.h"
#include "spool.h"
#include "stop.h"
#include "timeutil.h"

static void terminal_usage(FILE *out)
{
	fprintf(out,
		"usage: tasdid terminal pay --spool DB --bank B --terminal T --biller X\n"
		"                       --account A [--invoice I] --amount 1500.00\n"
		"                       --currency SYP [--channel teller] [--branch BR]\n"
		"       tasdid terminal forward --spool DB --url http://HOST:PORT\n"
		"                       --token-file F [--once] [--batch N]\n"
		"                       [--timeout-ms MS] [--backoff-base-ms MS]\n"
		"                       [--backoff-max-ms MS] [--keep-days D] [--poll-ms MS]\n"
		"       tasdid terminal status --spool DB [--all]\n"
		"       tasdid terminal receipt N --spool DB\n"
		"\n"
		"pay      records the payment durably in the spool, then prints its\n"
		"         receipt number (paid_at = now, never changed afterwards).\n"
		"forward  sends pending payments to the intake (POST /v1/intents/batch),\n"
		"         backing off on failures; runs until SIGTERM, or with --once\n"
		"         until nothing is pending (exit 0) or a round fails (exit 1).\n"
		"         Acknowledged entries older than --keep-days (30) are purged.\n"
		"status   counts and ages per state; entries not yet acknowledged\n"
		"         (--all: every entry).\n"
		"receipt  prints the customer's receipt with its verification code.\n"
		"\n"
		"TESTING ONLY: forward --testing-only-kill-after-answers N exits at\n"
		"once (no acknowledgement written) after N answers, as a crash would.\n");
}

struct targs {
	const char *spool, *url, *token_file;
	struct spool_payment pay;
	int once, all;
	int64_t batch, timeout_ms, base_ms, max_ms, keep_days, poll_ms, kill_after;
};

static int parse_args(int argc, char **argv, struct targs *a)
{
	static const struct option lo[] = {
		{"spool", required_argument, NULL, 's'},
		{"bank", required_argument, NULL, 'B'},
		{"terminal", required_argument, NULL, 'T'},
		{"branch", required_argument, NULL, 'R'},
		{"biller", required_argument, NULL, 'X'},
		{"account", required_argument, NULL, 'A'},
		{"invoice", required_argument, NULL, 'I'},
		{"amount", required_argument, NULL, 'M'},
		{"currency", required_argument, NULL, 'C'},
		{"channel", required_argument, NULL, 'H'},
		{"url", required_argument, NULL, 'u'},
		{"token-file", required_argument, NULL, 't'},
		{"once", no_argument, NULL, 'o'},
		{"all", no_argument, NULL, 'a'},
		{"batch", required_argument, NULL, 1},
		{"timeout-ms", required_argument, NULL, 2},
		{"backoff-base-ms", required_argument, NULL, 3},
		{"backoff-max-ms", required_argument, NULL, 4},
		{"keep-days", required_argument, NULL, 5},
		{"poll-ms", required_argument, NULL, 6},
		{"testing-only-kill-after-answers", required_argument, NULL, 7},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c, bad = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 's': a->spool = optarg; break;
		case 'B': a->pay.bank = optarg; break;
		case 'T': a->pay.terminal = optarg; break;
		case 'R': a->pay.branch = optarg; break;
		case 'X': a->pay.biller = optarg; break;
		case 'A': a->pay.account = optarg; break;
		case 'I': a->pay.invoice = optarg; break;
		case 'M': a->pay.amount = optarg; break;
		case 'C': a->pay.currency = optarg; break;
		case 'H': a->pay.channel = optarg; break;
		case 'u': a->url = optarg; break;
		case 't': a->token_file = optarg; break;
		case 'o': a->once = 1; break;
		case 'a': a->all = 1; break;
		case 1: bad |= intopt_parse(optarg, 1, FORWARD_BATCH_MAX, &a->batch); break;
		case 2: bad |= intopt_parse(optarg, 100, 600000, &a->timeout_ms); break;
		case 3: bad |= intopt_parse(optarg, 1, 3600000, &a->base_ms); break;
		case 4: bad |= intopt_parse(optarg, 1, 3600000, &a->max_ms); break;
		case 5: bad |= intopt_parse(optarg, 0, 3650, &a->keep_days); break;
		case 6: bad |= intopt_parse(optarg, 10, 60000, &a->poll_ms); break;
		case 7: bad |= intopt_parse(optarg, 1, INT64_MAX, &a->kill_after); break;
		case 'h': terminal_usage(stdout); return 0;
		default: terminal_usage(stderr); return 2;
		}
	}
	if (bad || a->spool == NULL || a->base_ms > a->max_ms) {
		fprintf(stderr, "tasdid terminal: bad or missing option (--spool is "
			"required; numbers within their bounds)\n");
		return 2;
	}
	return -1;
}

static int do_pay(struct targs *a)
{
	const struct spool_payment *p = &a->pay;
	if (!p->bank || !p->terminal || !p->biller || !p->account || !p->amount ||
	    !p->currency) {
		fprintf(stderr, "tasdid terminal pay: --bank, --terminal, --biller, "
			"--account, --amount and --currency are required\n");
		return 2;
	}
	if (a->pay.channel == NULL)
		a->pay.channel = "teller";
	char err[512];
	struct spool *sp = NULL;
	struct spool_entry e;
	int rc = 1;
	if (spool_open(a->spool, &sp, err, sizeof(err)) < 0 ||
	    spool_pay(sp, p, time_now_ms(), &e, err, sizeof(err)) < 0)
		fprintf(stderr, "tasdid terminal pay: %s\n", err);
	else if (printf("%" PRId64 "\n", e.receipt_no) > 0 && fflush(stdout) == 0)
		rc = 0;
	spool_close(sp);
	return rc;
}

static int read_token(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	if (f == NULL || fgets(buf, (int)size, f) == NULL) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf[0] ? 0 : -1;
}

/* Sleep ms, waking every 50 ms to notice a stop signal. */
static void nap(int64_t ms)
{
	int64_t until = time_mono_ms() + ms;
	while (!stop_requested() && time_mono_ms() < until)
		usleep(50 * 1000);
}

static uint32_t rnd32(void)
{
	uint32_t r = 0;
	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		r = (uint32_t)time_mono_ms();
	return r;
}

static void purge(struct spool *sp, int64_t keep_days)
{
	char err[512];
	int64_t n = 0;
	if (spool_purge(sp, time_now_ms(), (int)keep_days, &n, err, sizeof(err)) < 0)
		log_warn("%s", err);
	else if (n > 0)
		log_info("purged %" PRId64 " acknowledged entries older than %" PRId64
			 " days", n, keep_days);
}

static int forward_loop(struct spool *sp, const struct forward_opts *o,
			const struct targs *a)
{
	int failures = 0;
	int64_t last_purge_ms = 0;
	char err[512];
	while (!stop_requested()) {
		struct forward_round r;
		if (forward_round(sp, o, time_now_ms(), &r, err, sizeof(err)) < 0) {
			log_error("spool: %s", err);
			return 1;
		}
		if (r.sent > 0)
			log_info("sent %zu: %zu acknowledged, %zu rejected, %zu to retry%s%s",
				 r.sent, r.acked, r.rejected, r.retry,
				 r.error[0] ? " — " : "", r.error);
		if (time_mono_ms() - last_purge_ms > 60 * 1000) {
			purge(sp, a->keep_days);
			last_purge_ms = time_mono_ms();
		}
		if (r.failed) {
			if (a->once)
				return 1;
			failures++;
			int64_t d = forward_backoff_ms(failures, a->base_ms, a->max_ms,
						       r.retry_after_s, rnd32());
			log_info("retry %d in %" PRId64 " ms", failures, d);
			nap(d);
		} else if (r.sent == 0) {
			if (a->once)
				return 0;
			failures = 0;
			nap(a->poll_ms);
		} else {
			failures = 0;
		}
	}
	return 0;
}

static int do_forward(struct targs *a)
{
	char err[512], token[600];
	struct forward_opts o = {
		.batch_max = (size_t)a->batch, .timeout_ms = a->timeout_ms,
		.test_kill_after_answers = a->kill_after, .token = token,
	};
	if (a->url == NULL || a->token_file == NULL) {
		fprintf(stderr, "tasdid terminal forward: --url and --token-file are required\n");
		return 2;
	}
	if (httpc_url_parse(a->url, &o.url, err, sizeof(err)) < 0) {
		fprintf(stderr, "tasdid terminal forward: %s\n", err);
		return 2;
	}
	if (read_token(a->token_file, token, sizeof(token)) < 0) {
		fprintf(stderr, "tasdid terminal forward: %s: no token\n", a->token_file);
		return 1;
	}
	log_set_program("tasdid-forward");
	struct spool *sp = NULL;
	if (stop_install() < 0 || spool_open(a->spool, &sp, err, sizeof(err)) < 0) {
		log_error("%s", err);
		return 1;
	}
	log_info("forwarding %s to %s (batch %zu)", a->spool, a->url, o.batch_max);
	int rc = forward_loop(sp, &o, a);
	spool_close(sp);
	return rc;
}

static void age(int64_t ms, char *buf, size_t size)
{
	int64_t s = ms / 1000;
	if (s < 120)
		snprintf(buf, size, "%" PRId64 "s", s);
	else if (s < 7200)
		snprintf(buf, size, "%" PRId64 "m", s / 60);
	else if (s < 2 * 86400)
		snprintf(buf, size, "%" PRId64 "h", s / 3600);
	else
		snprintf(buf, size, "%" PRId64 "d", s / 86400);
}

struct list_ctx {
	int64_t now_ms;
	int all;
};

static int list_one(const struct spool_entry *e, void *arg)
{
	const struct list_ctx *c = arg;
	if (!c->all && e->state == SPOOL_ACKNOWLEDGED)
		return 0;
	char a[32], amount[MONEY_TEXT_MAX];
	age(c->now_ms - e->created_at_ms, a, sizeof(a));
	money_format(e->in.amount_minor, currency_find(e->in.currency), amount,
		     sizeof(amount));
	printf("%-8" PRId64 " %-12s %6s %4" PRId64 "  %s/%s %s %s %s\n",
	       e->receipt_no, spool_state_name(e->state), a, e->attempts,
	       e->in.biller, e->in.account, amount, e->in.currency,
	       e->last_error[0] ? e->last_error : "");
	return 0;
}

static int do_status(const struct targs *a)
{
	char err[512];
	struct spool *sp = NULL;
	int64_t n[SPOOL_STATE_COUNT], oldest[SPOOL_STATE_COUNT];
	int64_t now = time_now_ms();
	if (spool_open(a->spool, &sp, err, sizeof(err)) < 0 ||
	    spool_counts(sp, n, oldest, err, sizeof(err)) < 0) {
		fprintf(stderr, "tasdid terminal status: %s\n", err);
		spool_close(sp);
		return 1;
	}
	printf("%-12s %8s %s\n", "state", "count", "oldest");
	for (int i = 0; i < SPOOL_STATE_COUNT; i++) {
		char ag[32] = "-";
		if (n[i] > 0)
			age(now - oldest[i], ag, sizeof(ag));
		printf("%-12s %8" PRId64 " %s\n", spool_state_name((enum spool_state)i),
		       n[i], ag);
	}
	printf("\nreceipt  state           age tries biller/account amount last error\n");
	struct list_ctx c = {now, a->all};
	int rc = spool_foreach(sp, list_one, &c, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "tasdid terminal status: %s\n", err);
	spool_close(sp);
	return rc < 0 ? 1 : 0;
}

static int do_receipt(const struct targs *a, const char *number)
{
	int64_t no;
	if (number == NULL || intopt_parse(number, 1, INT64_MAX, &no) < 0) {
		fprintf(stderr, "tasdid terminal receipt: give the receipt number\n");
		return 2;
	}
	char err[512], text[RECEIPT_TEXT_MAX];
	struct spool *sp = NULL;
	struct spool_entry e;
	int rc = 1, found = -1;
	if (spool_open(a->spool, &sp, err, sizeof(err)) < 0 ||
	    (found = spool_get(sp, no, &e, err, sizeof(err))) < 0)
		fprintf(stderr, "tasdid terminal receipt: %s\n", err);
	else if (found == 0)
		fprintf(stderr, "tasdid terminal receipt: no receipt %" PRId64
			" in %s (purged, or never issued)\n", no, a->spool);
	else if (receipt_format(&e, text, sizeof(text)) > 0) {
		fputs(text, stdout);
		rc = 0;
	}
	spool_close(sp);
	return rc;
}

int cmd_terminal(int argc, char **argv)
{
	if (argc < 2) {
		terminal_usage(stderr);
		return 2;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		terminal_usage(stdout);
		return 0;
	}
	struct targs a = {.batch = FORWARD_BATCH_MAX, .timeout_ms = 10000,
			  .base_ms = 500, .max_ms = 60000, .keep_days = 30,
			  .poll_ms = 1000};
	int rc = parse_args(argc - 1, argv + 1, &a);
	if (rc >= 0)
		return rc;
	if (strcmp(sub, "pay") == 0)
		return do_pay(&a);
	if (strcmp(sub, "forward") == 0)
		return do_forward(&a);
	if (strcmp(sub, "status") == 0)
		return do_status(&a);
	if (strcmp(sub, "receipt") == 0)
		return do_receipt(&a, optind < argc - 1 ? argv[1 + optind] : NULL);
	fprintf(stderr, "tasdid terminal: unknown subcommand '%s'\n", sub);
	terminal_usage(stderr);
	return 2;
}
