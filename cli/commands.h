/* commands — every `tasdid CMD` entry point. Each takes the argv that
 * starts at the command's own name, parses its options with getopt_long,
 * handles --help, and returns the process exit code. */
#ifndef TASDID_COMMANDS_H
#define TASDID_COMMANDS_H

/* cli/ */
int cmd_broker(int argc, char **argv);

/* producer/ */


/* consumer/ */
int cmd_post(int argc, char **argv);
int cmd_invoices(int argc, char **argv);
int cmd_ledger(int argc, char **argv);
int cmd_gen_intents(int argc, char **argv);

/* settle/ */


/* later: demo, load, inquiry, terminal */

#endif
