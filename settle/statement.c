/* statement — see statement.h. */
#include "statement.h"

#include <errno.h>

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "camt.h"
#include "mt940.h"

static const char *const suffixes[CONFIG_FORMAT_COUNT] = {
	".csv", ".xml", ".xml", ".sta",
};

const char *statement_suffix(enum config_bankfile_format format)
{
	assert((unsigned)format < CONFIG_FORMAT_COUNT);
	return suffixes[format];
}

static int has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);
	return n >= k && strcmp(name + n - k, suffix) == 0;
}

int statement_suffix_known(const char *name)
{
	for (int f = 0; f < CONFIG_FORMAT_COUNT; f++)
		if (has_suffix(name, suffixes[f]))
			return 1;
	return 0;
}

int statement_read(const char *path, const char *bank,
		   const struct config_bankfile *map, struct bankfile **ret,
		   struct bankfile_error *err)
{
	enum config_bankfile_format format = map ? map->format : CONFIG_FORMAT_CSV;
	(void)bank;
	if (!has_suffix(path, suffixes[format])) {
		err->line = 0;
		snprintf(err->reason, sizeof(err->reason),
			 "the bank's format is %s, whose files end in %s",
			 config_bankfile_format_name(format), suffixes[format]);
		return -1;
	}
	if (format == CONFIG_FORMAT_CSV)
		return bankfile_read_map(path, map, ret, err);
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		err->line = 0;
		snprintf(err->reason, sizeof(err->reason), "cannot open: %s",
			 strerror(errno));
		return -1;
	}
	/* camt reads the descriptor itself (libxml2 pulls the bytes). */
	int rc = format == CONFIG_FORMAT_MT940
			 ? mt940_read_stream(f, bank, map, ret, err)
			 : camt_read_fd(fileno(f), bank, map, ret, err);
	fclose(f);
	return rc;
}
