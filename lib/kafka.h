/* kafka — how every tasdid program reaches Kafka: only through librdkafka
 * properties, gathered from (lowest to highest precedence) the config
 * file's [kafka] section, properties files given with -F, and -b / -X
 * options, as kcat does. A real cluster is therefore a configuration
 * change, never a code change. */
#ifndef TASDID_KAFKA_H
#define TASDID_KAFKA_H

#include <stddef.h>
#include <stdio.h>

#include <librdkafka/rdkafka.h>

#include "config.h"

#define KAFKA_PROPS_MAX 128

struct kafka_prop {
	char *key;
	char *value;
};

/* An ordered list of librdkafka properties; later entries win. Initialise
 * with {0}; free with kafka_props_clear(). */
struct kafka_props {
	struct kafka_prop items[KAFKA_PROPS_MAX];
	size_t count;
};

/* Append key=value (both copied). Returns 0, or -1 when full or out of
 * memory, with errstr set. */
int kafka_props_set(struct kafka_props *props, const char *key,
		    const char *value, char *errstr, size_t errstr_size);

/* Append "key=value" text (the -X form). -1 with errstr when there is no
 * '=' or the key is empty. */
int kafka_props_set_pair(struct kafka_props *props, const char *pair,
			 char *errstr, size_t errstr_size);

/* Append every property of a Java-style properties file (key=value lines,
 * '#' and '!' comments, blank lines). -1 with "PATH:LINE: reason". */
int kafka_props_load_file(struct kafka_props *props, const char *path,
			  char *errstr, size_t errstr_size);

/* The same from an open stream (kafka_props_load_file() is fopen + this;
 * the fuzz target reads memory). name stands for the file in messages; f
 * stays the caller's. */
int kafka_props_load_stream(struct kafka_props *props, FILE *f,
			    const char *name, char *errstr, size_t errstr_size);

/* Append the config's [kafka] section. */
int kafka_props_from_config(struct kafka_props *props,
			    const struct config *cfg, char *errstr,
			    size_t errstr_size);

/* The value of key (last one set), or NULL. */
const char *kafka_props_get(const struct kafka_props *props, const char *key);

void kafka_props_clear(struct kafka_props *props);

/* Append every property of src to dst, in order (dst's later entries win
 * over its earlier ones, so append the higher-precedence list last). */
int kafka_props_append(struct kafka_props *dst, const struct kafka_props *src,
		       char *errstr, size_t errstr_size);

/* The command-line options every program shares, kcat style:
 *   -b BROKERS    bootstrap.servers
 *   -X KEY=VALUE  any librdkafka property
 *   -F FILE       a properties file
 * Call with the getopt option character and its argument. Returns 1 when
 * opt was one of them and was applied, 0 when it is not a Kafka option,
 * -1 with errstr when its argument is bad. */
int kafka_props_cli_option(struct kafka_props *props, int opt,
			   const char *arg, char *errstr, size_t errstr_size);

/* The short options string for getopt that kafka_props_cli_option takes. */
#define KAFKA_CLI_OPTSTRING "b:X:F:"

/* A new librdkafka configuration holding every property, in order.
 * Returns the conf, owned by the caller (rd_kafka_new takes it over), or
 * NULL with librdkafka's reason prefixed by the property name in errstr. */
rd_kafka_conf_t *kafka_conf_new(const struct kafka_props *props,
				char *errstr, size_t errstr_size);

/* One librdkafka client (producer or consumer), described by the caller.
 * Its properties are applied in one order, later ones winning:
 *
 *   1. defaults  — the program's choices a deployment may override;
 *   2. user      — the deployment's ([kafka], -F, -b, -X; may be NULL);
 *   3. forced    — what the program's guarantees depend on (acks,
 *                  idempotence, offset handling): never overridable.
 *
 * The callbacks and opaque that are not NULL are set on the conf before
 * the client is created. */
struct kafka_client_spec {
	rd_kafka_type_t type;
	const char *name; /* names the client in error messages: "dlq" */
	const struct kafka_prop *defaults;
	size_t defaults_count;
	const struct kafka_props *user;
	const struct kafka_prop *forced;
	size_t forced_count;
	void *opaque;
	void (*dr_msg_cb)(rd_kafka_t *rk, const rd_kafka_message_t *m,
			  void *opaque);
	void (*error_cb)(rd_kafka_t *rk, int err, const char *reason,
			 void *opaque);
	void (*rebalance_cb)(rd_kafka_t *rk, rd_kafka_resp_err_t err,
			     rd_kafka_topic_partition_list_t *partitions,
			     void *opaque);
};

/* The configuration kafka_client_new() would create the client with, its
 * three layers applied, without the callbacks and opaque: for a second
 * client that must reach the same cluster the same way (the intake's
 * backlog guard). Returns the conf, owned by the caller, or NULL with
 * errstr as kafka_client_new(). */
rd_kafka_conf_t *kafka_client_conf(const struct kafka_client_spec *spec,
				   char *errstr, size_t errstr_size);

/* The client spec describes. Returns the handle, owned by the caller
 * (rd_kafka_destroy), or NULL with "NAME: reason" (or the property's
 * name and librdkafka's reason) in errstr. */
rd_kafka_t *kafka_client_new(const struct kafka_client_spec *spec,
			     char *errstr, size_t errstr_size);

#endif
