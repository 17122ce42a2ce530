/* kafka — see kafka.h. */
#include "kafka.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errstr.h"

int kafka_props_set(struct kafka_props *props, const char *key,
		    const char *value, char *errstr, size_t errstr_size)
{
	assert(props != NULL && key != NULL && value != NULL);
	if (key[0] == '\0') {
		errstr_set(errstr, errstr_size, "empty property name");
		return -1;
	}
	if (props->count == KAFKA_PROPS_MAX) {
		errstr_set(errstr, errstr_size, "more than %d Kafka properties",
			KAFKA_PROPS_MAX);
		return -1;
	}
	char *k = strdup(key), *v = strdup(value);
	if (k == NULL || v == NULL) {
		free(k);
		free(v);
		errstr_set(errstr, errstr_size, "out of memory");
		return -1;
	}
	props->items[props->count].key = k;
	props->items[props->count].value = v;
	props->count++;
	return 0;
}

/* Trim ASCII blanks at both ends, in place. */
static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
			 s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

int kafka_props_set_pair(struct kafka_props *props, const char *pair,
			 char *errstr, size_t errstr_size)
{
	char buf[1024];
	if (strlen(pair) >= sizeof(buf)) {
		errstr_set(errstr, errstr_size, "property longer than %zu bytes",
			sizeof(buf) - 1);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", pair);
	char *eq = strchr(buf, '=');
	if (eq == NULL) {
		errstr_set(errstr, errstr_size, "'%s': expected key=value", pair);
		return -1;
	}
	*eq = '\0';
	return kafka_props_set(props, trim(buf), trim(eq + 1), errstr,
			       errstr_size);
}

int kafka_props_load_file(struct kafka_props *props, const char *path,
			  char *errstr, size_t errstr_size)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		errstr_set(errstr, errstr_size, "%s:0: cannot open: %s", path,
			strerror(errno));
		return -1;
	}
	int rc = kafka_props_load_stream(props, f, path, errstr, errstr_size);
	fclose(f);
	return rc;
}

int kafka_props_load_stream(struct kafka_props *props, FILE *f,
			    const char *name, char *errstr, size_t errstr_size)
{
	char line[1024];
	int lineno = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			errstr_set(errstr, errstr_size, "%s:%d: line too long", name,
				lineno);
			return -1;
		}
		char *s = trim(line);
		if (*s == '\0' || *s == '#' || *s == '!')
			continue;
		char why[256];
		if (kafka_props_set_pair(props, s, why, sizeof(why)) < 0) {
			errstr_set(errstr, errstr_size, "%s:%d: %s", name, lineno, why);
			return -1;
		}
	}
	if (ferror(f)) { /* not the end of the file: do not use half of it */
		errstr_set(errstr, errstr_size, "%s:%d: read error", name, lineno);
		return -1;
	}
	return 0;
}

int kafka_props_from_config(struct kafka_props *props, const struct config *cfg,
			    char *errstr, size_t errstr_size)
{
	for (size_t i = 0; i < config_kafka_count(cfg); i++) {
		const struct config_entry *e = config_kafka_at(cfg, i);
		if (kafka_props_set(props, e->key, e->value, errstr, errstr_size) < 0)
			return -1;
	}
	return 0;
}

const char *kafka_props_get(const struct kafka_props *props, const char *key)
{
	for (size_t i = props->count; i > 0; i--)
		if (strcmp(props->items[i - 1].key, key) == 0)
			return props->items[i - 1].value;
	return NULL;
}

void kafka_props_clear(struct kafka_props *props)
{
	for (size_t i = 0; i < props->count; i++) {
		free(props->items[i].key);
		free(props->items[i].value);
	}
	props->count = 0;
}

int kafka_props_append(struct kafka_props *dst, const struct kafka_props *src,
		       char *errstr, size_t errstr_size)
{
	for (size_t i = 0; i < src->count; i++)
		if (kafka_props_set(dst, src->items[i].key, src->items[i].value,
				    errstr, errstr_size) < 0)
			return -1;
	return 0;
}

int kafka_props_cli_option(struct kafka_props *props, int opt,
			   const char *arg, char *errstr, size_t errstr_size)
{
	int rc;
	switch (opt) {
	case 'b':
		rc = kafka_props_set(props, "bootstrap.servers", arg, errstr,
				     errstr_size);
		break;
	case 'X':
		rc = kafka_props_set_pair(props, arg, errstr, errstr_size);
		break;
	case 'F':
		rc = kafka_props_load_file(props, arg, errstr, errstr_size);
		break;
	default:
		return 0;
	}
	return rc < 0 ? -1 : 1;
}

rd_kafka_conf_t *kafka_conf_new(const struct kafka_props *props, char *errstr,
				size_t errstr_size)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	for (size_t i = 0; i < props->count; i++) {
		char why[512];
		if (rd_kafka_conf_set(conf, props->items[i].key,
				      props->items[i].value, why,
				      sizeof(why)) != RD_KAFKA_CONF_OK) {
			errstr_set(errstr, errstr_size, "Kafka property %s: %s",
				props->items[i].key, why);
			rd_kafka_conf_destroy(conf);
			return NULL;
		}
	}
	return conf;
}

/* Append count properties of a fixed table. */
static int props_set_table(struct kafka_props *props,
			   const struct kafka_prop *table, size_t count,
			   char *errstr, size_t errstr_size)
{
	for (size_t i = 0; i < count; i++)
		if (kafka_props_set(props, table[i].key, table[i].value, errstr,
				    errstr_size) < 0)
			return -1;
	return 0;
}

rd_kafka_conf_t *kafka_client_conf(const struct kafka_client_spec *spec,
				   char *errstr, size_t errstr_size)
{
	assert(spec != NULL && spec->name != NULL);
	/* On the heap: 128 entries are too large for a daemon's stack. */
	struct kafka_props *props = calloc(1, sizeof(*props));
	rd_kafka_conf_t *conf = NULL;
	if (props == NULL) {
		errstr_set(errstr, errstr_size, "%s: out of memory", spec->name);
		return NULL;
	}
	if (props_set_table(props, spec->defaults, spec->defaults_count,
			    errstr, errstr_size) == 0 &&
	    (spec->user == NULL ||
	     kafka_props_append(props, spec->user, errstr, errstr_size) == 0) &&
	    props_set_table(props, spec->forced, spec->forced_count, errstr,
			    errstr_size) == 0)
		conf = kafka_conf_new(props, errstr, errstr_size);
	kafka_props_clear(props);
	free(props);
	return conf;
}

rd_kafka_t *kafka_client_new(const struct kafka_client_spec *spec,
			     char *errstr, size_t errstr_size)
{
	rd_kafka_t *rk = NULL;
	rd_kafka_conf_t *conf = kafka_client_conf(spec, errstr, errstr_size);
	if (conf == NULL)
		return NULL;
	if (spec->opaque != NULL)
		rd_kafka_conf_set_opaque(conf, spec->opaque);
	if (spec->dr_msg_cb != NULL)
		rd_kafka_conf_set_dr_msg_cb(conf, spec->dr_msg_cb);
	if (spec->error_cb != NULL)
		rd_kafka_conf_set_error_cb(conf, spec->error_cb);
	if (spec->rebalance_cb != NULL)
		rd_kafka_conf_set_rebalance_cb(conf, spec->rebalance_cb);
	char why[512];
	rk = rd_kafka_new(spec->type, conf, why, sizeof(why));
	if (rk == NULL) {
		errstr_set(errstr, errstr_size, "%s: %s", spec->name, why);
		rd_kafka_conf_destroy(conf); /* not taken on failure */
	}
	return rk;
}
