/* report — see report.h. */
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "errstr.h"
#include "report_csv.h"
#include "report_html.h"
#include "report_json.h"

static FILE *open_in(const char *dir, const char *name, char *errstr,
		     size_t errstr_size)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		errstr_set(errstr, errstr_size, "%s: %s", path, strerror(errno));
	return f;
}

static int close_checked(FILE *f, const char *name, char *errstr,
			 size_t errstr_size)
{
	int bad = ferror(f);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		bad = 1;
	if (fclose(f) != 0 || bad) {
		errstr_set(errstr, errstr_size, "%s: write failed: %s", name,
			 strerror(errno));
		return -1;
	}
	return 0;
}

static int json_writer(const struct report_model *m, FILE *f)
{
	return report_json_write(m, f);
}

/* The writers that cannot fail but for the stream, in report_write's
 * signature. */
#define PLAIN_WRITER(name, fn) \
	static int name(const struct report_model *m, FILE *f) \
	{ fn(m, f); return 0; }
PLAIN_WRITER(reconciliation_writer, report_csv_reconciliation)
PLAIN_WRITER(discrepancies_writer, report_csv_discrepancies)
PLAIN_WRITER(settlement_writer, report_csv_settlement)
PLAIN_WRITER(grace_writer, report_csv_grace)
PLAIN_WRITER(html_writer, report_html_write)

int report_write(const struct report_input *in, const char *dir, char *errstr,
		 size_t errstr_size)
{
	static const struct {
		const char *name;
		int (*write)(const struct report_model *, FILE *); /* -1: no memory */
	} files[] = {
		{"reconciliation.csv", reconciliation_writer},
		{"discrepancies.csv", discrepancies_writer},
		{"settlement.csv", settlement_writer},
		{"grace.csv", grace_writer},
		{"summary.json", json_writer},
		{"summary.html", html_writer},
	};
	struct report_model *m = NULL;
	if (report_model_new(in, &m, errstr, errstr_size) < 0)
		return -1;
	int rc = -1;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		FILE *f = open_in(dir, files[i].name, errstr, errstr_size);
		if (f == NULL)
			goto out;
		if (files[i].write(m, f) < 0) {
			fclose(f);
			errstr_set(errstr, errstr_size, "%s: out of memory", files[i].name);
			goto out;
		}
		if (close_checked(f, files[i].name, errstr, errstr_size) < 0)
			goto out;
	}
	rc = 0;
out:
	report_model_free(m);
	return rc;
}
