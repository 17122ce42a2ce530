/* tasdid settle — the nightly settlement run for one business date:
 * reconcile every configured bank's settlement file with the billers'
 * ledgers (read-only), compute net settlement, issue the grace-period
 * report, and write the date's report folder atomically.
 *
 * Exit codes (docs/settlement.md): 0 balanced, 1 error (nothing written),
 * 2 usage, 3 discrepancies found and reported, 4 incomplete (a bank's file
 * missing or refused; reports written and marked incomplete), 5 another
 * run holds the lock. */
#define _GNU_SOURCE /* renameat2(RENAME_EXCHANGE): swap report folders */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "bankfile.h"
#include "sortutil.h"
#include "bizdate.h"
#include "commands.h"
#include "config.h"
#include "deadletter.h"
#include "grace.h"
#include "ledger_db.h"
#include "outage.h"
#include "recon.h"
#include "report.h"
#include "statement.h"
#include "timeutil.h"

enum {
	EXIT_BALANCED = 0,
	EXIT_ERROR = 1,
	EXIT_USAGE = 2,
	EXIT_DISCREPANCIES = 3,
	EXIT_INCOMPLETE = 4,
	EXIT_LOCKED = 5,
};

#define FILES_MAX 1024 /* bank files considered per run */

static void errf(char *err, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* snprintf for messages, where cutting a long path short is acceptable. */
static void errf(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
}

struct settings {
	const char *config_path, *date_text;
	char zone[80], cutoff_text[8];
	int cutoff_min;
	char bank_dir[PATH_MAX], out_dir[PATH_MAX], lock_file[PATH_MAX];
	char outage_file[PATH_MAX], events_file[PATH_MAX], dead_letter[PATH_MAX];
	int64_t outage_margin_days, match_window_s;
	int64_t events_min, events_window_s;
	bool quiet;
	int64_t day, start_ms, end_ms;
};

struct progress {
	bool on;
	int64_t t0_ms;
	const char *biller;
};

static void settle_usage(FILE *out)
{
	fprintf(out,
		"usage: tasdid settle -c CONFIG --date YYYY-MM-DD [--bank-dir DIR]\n"
		"                     [--out DIR] [--outage-file F] [--events F]\n"
		"                     [--dead-letter F] [--quiet]\n"
		"\n"
		"Reconciles the banks' settlement files for the business date with\n"
		"the billers' ledgers (read-only), computes what each bank owes each\n"
		"biller, and writes the grace-period report (never a cut-off list)\n"
		"into DIR/YYYY-MM-DD/, replacing an earlier run's folder atomically.\n"
		"\n"
		"  -c, --config FILE     the deployment's config ([settle] section)\n"
		"      --date DATE       the business date to settle\n"
		"      --bank-dir DIR    bank files (default [settle] bank_files_dir)\n"
		"      --out DIR         reports (default [settle] reports_dir)\n"
		"      --outage-file F   operator's outage windows, CSV\n"
		"      --events F        intake events, JSON lines with ts_ms\n"
		"      --dead-letter F   dead-lettered intents, JSON lines\n"
		"  -q, --quiet           no progress line on a terminal\n"
		"\n"
		"Exit: 0 balanced, 3 discrepancies reported, 4 incomplete (a bank\n"
		"file missing or refused), 5 another run holds the lock, 1 error,\n"
		"2 usage. Details: docs/settlement.md.\n");
}

static void on_progress(void *arg, int64_t done)
{
	struct progress *p = arg;
	if (!p->on)
		return;
	int64_t ms = time_mono_ms() - p->t0_ms;
	fprintf(stderr, "\rsettle: %s: %" PRId64 " postings read (%" PRId64 "/s)   ",
		p->biller, done, ms > 0 ? done * 1000 / ms : done);
}

static void progress_phase(struct progress *p, const char *what)
{
	if (p->on)
		fprintf(stderr, "\rsettle: %-60s", what);
}

/* Path from the command line (as given) or from [settle] key (resolved
 * against the config's folder), or def, or "" when none. */
static int path_setting(const struct config *cfg, const char *cli,
			const char *key, const char *def, char *out,
			size_t size)
{
	if (cli != NULL) {
		snprintf(out, size, "%s", cli);
		return 0;
	}
	const char *v = config_get_str(cfg, "settle", key, def);
	if (v == NULL) {
		out[0] = '\0';
		return 0;
	}
	return config_resolve_path(cfg, v, out, size);
}

static int load_settings(const struct config *cfg, struct settings *s,
			 const char *cli_paths[5], char *err, size_t n)
{
	const char *zone = config_get_str(cfg, "settle", "timezone", "UTC");
	const char *cutoff = config_get_str(cfg, "settle", "cutoff", "00:00");
	snprintf(s->zone, sizeof(s->zone), "%s", zone);
	snprintf(s->cutoff_text, sizeof(s->cutoff_text), "%s", cutoff);
	if (bizdate_parse_cutoff(cutoff, &s->cutoff_min) < 0) {
		errf(err, n, "[settle] cutoff '%s': not HH:MM", cutoff);
		return -1;
	}
	if (bizdate_set_zone(zone, err, n) < 0)
		return -1;
	if (config_get_int64(cfg, "settle", "outage_margin_days", 3, 0, 365,
			     &s->outage_margin_days, err, n) < 0 ||
	    config_get_int64(cfg, "settle", "match_window_s", 900, 0, 7 * 86400,
			     &s->match_window_s, err, n) < 0 ||
	    config_get_int64(cfg, "settle", "outage_events_min", 20, 1, 1000000,
			     &s->events_min, err, n) < 0 ||
	    config_get_int64(cfg, "settle", "outage_events_window_s", 300, 1,
			     86400, &s->events_window_s, err, n) < 0)
		return -1;
	if (path_setting(cfg, cli_paths[0], "bank_files_dir", "bank", s->bank_dir, sizeof(s->bank_dir)) < 0 ||
	    path_setting(cfg, cli_paths[1], "reports_dir", "reports", s->out_dir, sizeof(s->out_dir)) < 0 ||
	    path_setting(cfg, cli_paths[2], "outage_file", NULL, s->outage_file, sizeof(s->outage_file)) < 0 ||
	    path_setting(cfg, cli_paths[3], "events_file", NULL, s->events_file, sizeof(s->events_file)) < 0 ||
	    path_setting(cfg, cli_paths[4], "dead_letter_file", NULL, s->dead_letter, sizeof(s->dead_letter)) < 0 ||
	    path_setting(cfg, NULL, "lock_file", NULL, s->lock_file, sizeof(s->lock_file)) < 0) {
		errf(err, n, "a [settle] path is too long");
		return -1;
	}
	if (s->lock_file[0] == '\0')
		snprintf(s->lock_file, sizeof(s->lock_file), "%s/.settle.lock", s->out_dir);
	if (bizdate_window(s->day, s->cutoff_min, &s->start_ms, &s->end_ms) < 0 ||
	    s->start_ms < 0) {
		errf(err, n, "date %s: outside the supported range", s->date_text);
		return -1;
	}
	return 0;
}

/* Take the run lock without waiting. Returns the fd (kept open for the
 * whole run: the lock ends with the process), -1 on error, -2 when held. */
static int take_lock(const char *path, char *err, size_t n)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		errf(err, n, "lock file %s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		close(fd);
		errf(err, n, "lock file %s: %s", path,
			 e == EWOULDBLOCK ? "another settle run holds it" : strerror(e));
		return e == EWOULDBLOCK ? -2 : -1;
	}
	return fd;
}

struct files {
	/* the files found, then one entry per bank without a file */
	struct report_file rf[2 * FILES_MAX];
	struct bankfile *bf[2 * FILES_MAX]; /* NULL unless used */
	size_t count;
};

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names "bank-<BANK>-<DATE>[anything]<suffix>" in dir, sorted bytewise,
 * suffix one of the formats' (statement_suffix()); which one a bank may
 * send is read_one()'s check. */
static int list_bank_files(const char *dir, const char *date, char **names,
			   size_t *ret_n, char *err, size_t n)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		errf(err, n, "bank files folder %s: %s", dir, strerror(errno));
		return -1;
	}
	char needle[BIZDATE_TEXT_LEN + 2];
	snprintf(needle, sizeof(needle), "-%s", date);
	size_t count = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		const char *at = strstr(e->d_name, needle);
		if (len < 9 || strncmp(e->d_name, "bank-", 5) != 0 ||
		    !statement_suffix_known(e->d_name) || at == NULL ||
		    at == e->d_name + 4 || len >= sizeof(((struct report_file *)0)->name))
			continue;
		if (count == FILES_MAX) {
			closedir(d);
			errf(err, n, "%s: more than %d bank files for %s", dir, FILES_MAX, date);
			return -1;
		}
		names[count] = strdup(e->d_name);
		if (names[count] == NULL)
			break;
		count++;
	}
	closedir(d);
	sort_items(names, count, sizeof(*names), cmp_name);
	*ret_n = count;
	return 0;
}

static void set_problem(struct report_file *rf, const char *problem,
			int64_t line, const char *fmt, const char *arg)
{
	snprintf(rf->status, sizeof(rf->status), "refused");
	snprintf(rf->problem, sizeof(rf->problem), "%s", problem);
	rf->line = line;
	snprintf(rf->reason, sizeof(rf->reason), fmt, arg);
}

/* Read one file and check it belongs to this run. */
static void read_one(const struct config *cfg, const struct settings *s,
		     const char *name, struct report_file *rf,
		     struct bankfile **ret)
{
	char path[PATH_MAX + 300];
	snprintf(path, sizeof(path), "%s/%s", s->bank_dir, name);
	snprintf(rf->name, sizeof(rf->name), "%s", name);
	/* The bank named by the file name: between "bank-" and "-DATE". */
	const char *at = strstr(name + 4, s->date_text) - 1;
	snprintf(rf->bank, sizeof(rf->bank), "%.*s", (int)(at - (name + 5)), name + 5);
	struct bankfile_error e;
	struct bankfile *bf = NULL;
	/* The variant is the file name's bank's; the header must then name
	 * the same bank (bank_mismatch below), so a file is never read with
	 * another bank's layout and accepted. */
	if (statement_read(path, rf->bank, config_bankfile_find(cfg, rf->bank),
			   &bf, &e) < 0) {
		set_problem(rf, "file_refused", e.line, "%s", e.reason);
		return;
	}
	snprintf(rf->sha256, sizeof(rf->sha256), "%s", bankfile_sha256(bf));
	rf->line_count = (int64_t)bankfile_line_count(bf);
	if (config_bank_find(cfg, bankfile_bank(bf)) == NULL)
		set_problem(rf, "unknown_bank", 1, "header bank '%s' is not configured",
			    bankfile_bank(bf));
	else if (strcmp(bankfile_bank(bf), rf->bank) != 0)
		set_problem(rf, "bank_mismatch", 1,
			    "header bank '%s' differs from the file name", bankfile_bank(bf));
	else if (strcmp(bankfile_business_date(bf), s->date_text) != 0)
		set_problem(rf, "date_mismatch", 1,
			    "header business_date %s is not the run's date",
			    bankfile_business_date(bf));
	if (rf->problem[0] != '\0') {
		bankfile_free(bf);
		return;
	}
	snprintf(rf->status, sizeof(rf->status), "used");
	*ret = bf;
}

/* Two usable files of one bank: neither is used, the bank is incomplete
 * (which one is right is the operator's decision, not ours). */
static void refuse_duplicates(struct files *fs)
{
	for (size_t i = 0; i < fs->count; i++)
		for (size_t j = i + 1; j < fs->count; j++) {
			if (fs->bf[i] == NULL || fs->bf[j] == NULL ||
			    strcmp(fs->rf[i].bank, fs->rf[j].bank) != 0)
				continue;
			for (size_t k = 0; k < 2; k++) {
				size_t x = k == 0 ? i : j;
				set_problem(&fs->rf[x], "duplicate_file", 0,
					    "another file of bank %s for the same date; "
					    "neither is used", fs->rf[x].bank);
			}
		}
	for (size_t i = 0; i < fs->count; i++)
		if (fs->bf[i] != NULL && strcmp(fs->rf[i].status, "used") != 0) {
			bankfile_free(fs->bf[i]);
			fs->bf[i] = NULL;
		}
}

/* Read every file; add a missing_file entry for each configured bank with
 * no file at all. Returns whether every configured bank has a used file. */
static bool read_bank_files(const struct config *cfg, const struct settings *s,
			    char **names, size_t n_names, struct files *fs,
			    struct progress *pg)
{
	for (size_t i = 0; i < n_names; i++) {
		progress_phase(pg, names[i]);
		read_one(cfg, s, names[i], &fs->rf[fs->count], &fs->bf[fs->count]);
		fs->count++;
	}
	refuse_duplicates(fs);
	bool complete = true;
	for (size_t b = 0; b < config_bank_count(cfg); b++) {
		const char *id = config_bank_at(cfg, b)->id;
		bool seen = false, used = false;
		for (size_t i = 0; i < fs->count; i++)
			if (strcmp(fs->rf[i].bank, id) == 0) {
				seen = true;
				used |= fs->bf[i] != NULL;
			}
		complete &= used;
		if (seen || fs->count == 2 * FILES_MAX)
			continue;
		struct report_file *rf = &fs->rf[fs->count++];
		memset(rf, 0, sizeof(*rf));
		snprintf(rf->bank, sizeof(rf->bank), "%s", id);
		snprintf(rf->status, sizeof(rf->status), "missing");
		snprintf(rf->problem, sizeof(rf->problem), "missing_file");
		const struct config_bankfile *map = config_bankfile_find(cfg, id);
		snprintf(rf->reason, sizeof(rf->reason),
			 "no bank-%s-%s%s in the bank files folder", id, s->date_text,
			 statement_suffix(map ? map->format : CONFIG_FORMAT_CSV));
	}
	return complete;
}

/* ---- grace inputs ---- */

/* A dead-letter export (deadletter.h): each account payment_stuck. */
static int read_dead_letters(const struct config *cfg, const char *path,
			     struct grace **grace, char *err, size_t n)
{
	struct deadletter *dl = NULL;
	size_t count = 0;
	if (deadletter_read_file(cfg, path, &dl, &count, err, n) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < count; i++)
		if (grace_flag_account(grace[dl[i].biller], dl[i].account,
				       GRACE_PAYMENT_STUCK) < 0) {
			errf(err, n, "out of memory");
			rc = -1;
		}
	free(dl);
	return rc;
}

static int load_outages(const struct settings *s, struct outage_list *ol,
			char *err, size_t n)
{
	if (s->outage_file[0] != '\0' &&
	    outage_read_file(ol, s->outage_file, err, n) < 0)
		return -1;
	if (s->events_file[0] != '\0' &&
	    outage_read_events(ol, s->events_file, (int)s->events_min,
			       s->events_window_s * 1000, err, n) < 0)
		return -1;
	return 0;
}

/* Flags from this run's findings and the outage windows, per biller. */
static int grace_inputs(struct recon *r, struct outage_list *ol,
			struct grace **grace, size_t biller_count)
{
	for (size_t i = 0; i < recon_finding_count(r); i++) {
		const struct recon_finding *f = recon_finding_at(r, i);
		if (f->biller < 0 || (f->kind != RECON_BANK_ONLY &&
				      f->kind != RECON_LEDGER_ONLY))
			continue;
		if (grace_flag_account(grace[f->biller], f->account,
				       f->kind == RECON_BANK_ONLY
					       ? GRACE_BANK_REPORTED_MISSING
					       : GRACE_PAID_NOT_SETTLED) < 0)
			return -1;
	}
	for (size_t i = 0; i < outage_count(ol); i++) {
		const struct outage_window *w = outage_at(ol, i);
		for (size_t k = 0; k < biller_count; k++)
			if (grace_add_outage(grace[k], bizdate_local_day(w->start_ms),
					     bizdate_local_day(w->end_ms)) < 0)
				return -1;
	}
	return 0;
}

/* ---- the report folder ---- */

/* Remove a flat folder (report folders hold files only). */
static int remove_flat_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	struct dirent *e;
	char p[PATH_MAX + 300];
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	return rmdir(dir);
}

/* Put the finished folder tmp in place of final. With an earlier run's
 * folder there, Linux's renameat2(RENAME_EXCHANGE) swaps the two in one
 * step, so a reader sees the old or the new folder, never none or a mix;
 * on a file system without it, final is renamed aside first (a moment
 * without the folder). The old folder is then removed. */
static int swap_into_place(const char *tmp, const char *final, char *err,
			   size_t n)
{
	if (rename(tmp, final) == 0)
		return 0;
	if (errno != ENOTEMPTY && errno != EEXIST) {
		errf(err, n, "rename %s -> %s: %s", tmp, final, strerror(errno));
		return -1;
	}
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final, RENAME_EXCHANGE) == 0)
		return (void)remove_flat_dir(tmp), 0; /* the old copy; best effort */
	char old[PATH_MAX + 40];
	if (snprintf(old, sizeof(old), "%s.old-%ld", final, (long)getpid()) >= (int)sizeof(old) ||
	    rename(final, old) < 0 || rename(tmp, final) < 0) {
		errf(err, n, "replace %s: %s", final, strerror(errno));
		return -1;
	}
	remove_flat_dir(old);
	return 0;
}

/* Folders "<date>.tmp-*" and "<date>.old-*" left by a run that crashed;
 * removed under the lock, so no live run is writing them. */
static void remove_leftovers(const char *out_dir, const char *date)
{
	DIR *d = opendir(out_dir);
	if (d == NULL)
		return;
	char tmp_prefix[32], old_prefix[32], p[PATH_MAX + 300];
	snprintf(tmp_prefix, sizeof(tmp_prefix), "%s.tmp-", date);
	snprintf(old_prefix, sizeof(old_prefix), "%s.old-", date);
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, tmp_prefix, strlen(tmp_prefix)) == 0 ||
		    strncmp(e->d_name, old_prefix, strlen(old_prefix)) == 0) {
			if (snprintf(p, sizeof(p), "%s/%s", out_dir, e->d_name) < (int)sizeof(p))
				remove_flat_dir(p);
		}
	closedir(d);
}

static int write_reports(const struct settings *s, const struct report_input *in,
			 char *final, size_t final_size, char *err, size_t n)
{
	char tmp[PATH_MAX + 40];
	if (mkdir(s->out_dir, 0755) < 0 && errno != EEXIST) {
		errf(err, n, "reports folder %s: %s", s->out_dir, strerror(errno));
		return -1;
	}
	if (snprintf(final, final_size, "%s/%s", s->out_dir, s->date_text) >= (int)final_size ||
	    snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", final, (long)getpid()) >= (int)sizeof(tmp)) {
		errf(err, n, "reports folder path too long");
		return -1;
	}
	remove_leftovers(s->out_dir, s->date_text);
	if (mkdir(tmp, 0755) < 0) {
		errf(err, n, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if (report_write(in, tmp, err, n) < 0 ||
	    swap_into_place(tmp, final, err, n) < 0) {
		remove_flat_dir(tmp);
		return -1;
	}
	return 0;
}

/* ---- the run ---- */

struct run {
	struct config *cfg;
	struct settings s;
	struct files *fs;
	struct recon *recon;
	struct grace **grace;
	struct outage_list *outages;
	struct progress pg;
	bool complete;
};

static int reconcile_and_grace(struct run *u, char *err, size_t n)
{
	size_t nb = config_biller_count(u->cfg);
	for (size_t i = 0; i < u->fs->count; i++)
		if (u->fs->bf[i] != NULL &&
		    recon_add_file(u->recon, u->fs->rf[i].name, u->fs->bf[i]) < 0) {
			errf(err, n, "out of memory");
			return -1;
		}
	sqlite3 **dbs = calloc(nb + 1, sizeof(*dbs));
	int rc = dbs == NULL ? -1 : 0;
	for (size_t k = 0; rc == 0 && k < nb; k++) {
		const struct config_biller *b = config_biller_at(u->cfg, k);
		char why[512];
		u->pg.biller = b->id;
		if (ledger_db_open(b->ledger_path, b->id, b->currency->code,
				   LEDGER_DB_READONLY, &dbs[k], why, sizeof(why)) < 0 ||
		    recon_run_biller(u->recon, (int)k, dbs[k], on_progress, &u->pg,
				     why, sizeof(why)) < 0) {
			errf(err, n, "ledger of biller %s (%s): %s", b->id,
				 b->ledger_path, why);
			rc = -1;
		}
	}
	if (rc == 0 && grace_inputs(u->recon, u->outages, u->grace, nb) < 0) {
		errf(err, n, "out of memory");
		rc = -1;
	}
	for (size_t k = 0; rc == 0 && k < nb; k++) {
		char why[512];
		progress_phase(&u->pg, "grace-period report");
		if (grace_run(u->grace[k], dbs[k], why, sizeof(why)) < 0) {
			errf(err, n, "grace report of biller %s: %s",
				 config_biller_at(u->cfg, k)->id, why);
			rc = -1;
		}
	}
	for (size_t k = 0; dbs != NULL && k < nb; k++)
		sqlite3_close(dbs[k]);
	free(dbs);
	return rc;
}

static int prepare(struct run *u, char *err, size_t n)
{
	size_t nb = config_biller_count(u->cfg);
	u->fs = calloc(1, sizeof(*u->fs));
	u->recon = recon_new(u->cfg, u->s.start_ms, u->s.end_ms,
			     u->s.match_window_s * 1000);
	u->grace = calloc(nb + 1, sizeof(*u->grace));
	u->outages = outage_new();
	if (u->fs == NULL || u->recon == NULL || u->grace == NULL || u->outages == NULL) {
		errf(err, n, "out of memory");
		return -1;
	}
	for (size_t k = 0; k < nb; k++) {
		const struct config_biller *b = config_biller_at(u->cfg, k);
		struct grace_policy p = {b->grace_days, b->late_fee_minor,
					 (int)u->s.outage_margin_days};
		u->grace[k] = grace_new(u->s.day, &p);
		if (u->grace[k] == NULL) {
			errf(err, n, "out of memory");
			return -1;
		}
	}
	if (load_outages(&u->s, u->outages, err, n) < 0)
		return -1;
	if (u->s.dead_letter[0] != '\0' &&
	    read_dead_letters(u->cfg, u->s.dead_letter, u->grace, err, n) < 0)
		return -1;
	char *names[FILES_MAX];
	size_t n_names = 0;
	if (list_bank_files(u->s.bank_dir, u->s.date_text, names, &n_names, err, n) < 0)
		return -1;
	u->complete = read_bank_files(u->cfg, &u->s, names, n_names, u->fs, &u->pg);
	for (size_t i = 0; i < n_names; i++)
		free(names[i]);
	return 0;
}

static void free_run(struct run *u)
{
	for (size_t i = 0; u->fs != NULL && i < u->fs->count; i++)
		bankfile_free(u->fs->bf[i]);
	free(u->fs);
	recon_free(u->recon);
	for (size_t k = 0; u->grace != NULL && k < config_biller_count(u->cfg); k++)
		grace_free(u->grace[k]);
	free(u->grace);
	outage_free(u->outages);
	config_free(u->cfg);
}

static void print_summary(const struct run *u, const struct report_input *in,
			  const char *dir)
{
	struct report_counts c;
	report_count(in, &c);
	printf("settle %s: %s. ", u->s.date_text,
	       in->exit_code == EXIT_BALANCED ? "balanced"
	       : !in->complete ? "INCOMPLETE (not every bank's file was reconciled)"
			       : "discrepancies found");
	size_t used = 0;
	for (size_t i = 0; i < u->fs->count; i++)
		used += u->fs->bf[i] != NULL;
	printf("%zu bank file(s) used", used);
	for (size_t i = 0; i < u->fs->count; i++)
		if (u->fs->rf[i].problem[0] != '\0')
			printf("; %s %s%s%s", u->fs->rf[i].bank, u->fs->rf[i].problem,
			       u->fs->rf[i].name[0] ? " " : "", u->fs->rf[i].name);
	printf(". %" PRId64 " matched, %" PRId64 " matched by rule, %" PRId64
	       " discrepancies (%" PRId64 " bank only, %" PRId64 " ledger only, %"
	       PRId64 " amount mismatch, %" PRId64 " duplicate lines). %" PRId64
	       " grace-period rows, %" PRId64 " for follow-up, %" PRId64
	       " late fees waived. Reports: %s\n",
	       c.matched, c.matched_by_rule, c.discrepancies, c.kind[RECON_BANK_ONLY],
	       c.kind[RECON_LEDGER_ONLY], c.kind[RECON_AMOUNT_MISMATCH],
	       c.kind[RECON_DUPLICATE_LINE], c.grace_rows, c.grace_follow_up,
	       c.grace_fees_waived, dir);
}

static int finish_run(struct run *u, char *err, size_t n)
{
	struct report_input in = {
		.cfg = u->cfg, .date = u->s.date_text, .timezone = u->s.zone,
		.cutoff = u->s.cutoff_text, .window_start_ms = u->s.start_ms,
		.window_end_ms = u->s.end_ms, .recon = u->recon, .grace = u->grace,
		.files = u->fs->rf, .file_count = u->fs->count,
		.outages = u->outages, .complete = u->complete,
	};
	struct report_counts c;
	report_count(&in, &c);
	in.exit_code = !u->complete ? EXIT_INCOMPLETE
		       : c.discrepancies > 0 ? EXIT_DISCREPANCIES : EXIT_BALANCED;
	progress_phase(&u->pg, "writing reports");
	char dir[PATH_MAX + 40];
	if (write_reports(&u->s, &in, dir, sizeof(dir), err, n) < 0)
		return EXIT_ERROR;
	if (u->pg.on)
		fprintf(stderr, "\r%-70s\r", "");
	print_summary(u, &in, dir);
	return in.exit_code;
}

static int parse_args(int argc, char **argv, struct settings *s,
		      const char *cli_paths[5])
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"date", required_argument, NULL, 'd'},
		{"bank-dir", required_argument, NULL, 'B'},
		{"out", required_argument, NULL, 'o'},
		{"outage-file", required_argument, NULL, 'O'},
		{"events", required_argument, NULL, 'e'},
		{"dead-letter", required_argument, NULL, 'D'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': s->config_path = optarg; break;
		case 'd': s->date_text = optarg; break;
		case 'B': cli_paths[0] = optarg; break;
		case 'o': cli_paths[1] = optarg; break;
		case 'O': cli_paths[2] = optarg; break;
		case 'e': cli_paths[3] = optarg; break;
		case 'D': cli_paths[4] = optarg; break;
		case 'q': s->quiet = true; break;
		case 'h': settle_usage(stdout); return 0;
		default: settle_usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc || s->config_path == NULL || s->date_text == NULL) {
		fprintf(stderr, "tasdid settle: -c CONFIG and --date are required\n");
		settle_usage(stderr);
		return EXIT_USAGE;
	}
	if (bizdate_parse(s->date_text, &s->day) < 0) {
		fprintf(stderr, "tasdid settle: --date '%s' is not YYYY-MM-DD\n",
			s->date_text);
		return EXIT_USAGE;
	}
	return -1;
}

int cmd_settle(int argc, char **argv)
{
	struct run u = {0};
	const char *cli_paths[5] = {NULL};
	int rc = parse_args(argc, argv, &u.s, cli_paths);
	if (rc >= 0)
		return rc;
	char err[1024] = "";
	int lock_fd = -1;
	rc = EXIT_ERROR;
	if (config_load(u.s.config_path, &u.cfg, err, sizeof(err)) < 0 ||
	    load_settings(u.cfg, &u.s, cli_paths, err, sizeof(err)) < 0)
		goto out;
	if (mkdir(u.s.out_dir, 0755) < 0 && errno != EEXIST) {
		errf(err, sizeof(err), "reports folder %s: %s", u.s.out_dir,
			 strerror(errno));
		goto out;
	}
	lock_fd = take_lock(u.s.lock_file, err, sizeof(err));
	if (lock_fd < 0) {
		rc = lock_fd == -2 ? EXIT_LOCKED : EXIT_ERROR;
		goto out;
	}
	u.pg = (struct progress){.on = !u.s.quiet && isatty(2),
				 .t0_ms = time_mono_ms(), .biller = ""};
	if (prepare(&u, err, sizeof(err)) < 0 ||
	    reconcile_and_grace(&u, err, sizeof(err)) < 0)
		goto out;
	rc = finish_run(&u, err, sizeof(err));
out:
	if (u.pg.on)
		fputc('\n', stderr);
	if (rc == EXIT_ERROR || rc == EXIT_LOCKED)
		fprintf(stderr, "tasdid settle: %s\n", err);
	if (lock_fd >= 0)
		close(lock_fd);
	free_run(&u);
	return rc;
}
