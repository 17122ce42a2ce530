/* sim — small helpers shared by the simulation commands (load, demo):
 * option parsing, the terminals file, result printing. */
#ifndef TASDID_SIM_H
#define TASDID_SIM_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "intopt.h" /* sim commands parse their numbers with intopt_parse */
#include "load.h"

/* The long name of the option whose val is c ("?" when none). */
const char *sim_option_name(const struct option *longopts, int c);

/* "http://127.0.0.1:8080" → host and port (plain HTTP, IPv4 only). */
int sim_parse_url(const char *url, char *host, size_t host_size, int *ret_port,
		  char *errstr, size_t errstr_size);

/* Read a terminals file (CSV lines bank,terminal,token; '#' comments).
 * On success *ret is a malloc'd array the caller frees. */
int sim_load_terminals(const char *path, struct load_terminal **ret,
		       size_t *ret_count, char *errstr, size_t errstr_size);

/* Copy the config's billers (ids and currencies) into the load options. */
int sim_billers_from_config(const struct config *cfg, struct load_opts *o,
			    char *errstr, size_t errstr_size);

/* Human-readable and JSON renderings of a load result. */
void sim_print_load_result(FILE *out, const struct load_result *r);
int sim_write_load_json(const char *path, const struct load_result *r);

#endif
