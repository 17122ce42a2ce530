/* tasdid — one program, git-style subcommands. Each subcommand lives with
 * the part of the system that owns it (producer/, consumer/, settle/); this
 * file only dispatches. */
#include <stdio.h>
#include <string.h>

#include "commands.h"

#ifndef TASDID_VERSION
#define TASDID_VERSION "unknown"
#endif

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"broker", cmd_broker,
	 "run the embedded Kafka broker (in memory only; for trying and testing)"},

	/* producer/ */
	{"intake", cmd_intake,
	 "serve the HTTP intake: terminals enqueue payment intents"},


	/* consumer/ */
	{"post", cmd_post,
	 "post queued payment intents into the billers' ledgers"},
	{"invoices", cmd_invoices, "import a biller's invoice export (CSV)"},
	{"ledger", cmd_ledger, "create or check a biller's ledger"},
	{"gen-intents", cmd_gen_intents,
	 "generate test intents and invoices (tests, benchmarks, demo)"},

	/* settle/ */
	{"settle", cmd_settle,
	 "nightly settlement: reconcile bank files, grace-period reports"},
	{"statement", cmd_statement,
	 "show how a bank's file reads (csv, camt.053/054, MT940) and its checks"},


	/* sim/ */
	{"demo", cmd_demo, "a whole day end to end on the embedded broker (./run demo)"},
	{"load", cmd_load, "send payment intents to an intake as many terminals do"},

	/* inquiry/, terminal/ */
	{"inquiry", cmd_inquiry, "serve bill inquiry: an account's open invoices"},
	{"terminal", cmd_terminal,
	 "a counter's spool: pay offline, forward to the intake, receipts"},
	{"submit", cmd_submit, "send a terminal's batch file (CSV) to the intake"},
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: tasdid [--version] [--help] COMMAND [ARGS]\n"
		"\n"
		"tasdid: queue-based batch settlement of utility-bill payments.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'tasdid COMMAND --help' tells more about a command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
	    strcmp(name, "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		printf("tasdid %s\n", TASDID_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(name, commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "tasdid: '%s' is not a command; see 'tasdid --help'\n",
		name);
	return 2;
}
