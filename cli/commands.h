/* commands — every `tasdid CMD` entry point. Each takes the argv that
 * starts at the command's own name, parses its options with getopt_long,
 * handles --help, and returns the process exit code. */
#ifndef TASDID_COMMANDS_H
#define TASDID_COMMANDS_H

/* cli/ */
int cmd_broker(int argc, char **argv);

/* producer/ */
int cmd_intake(int argc, char **argv);


/* consumer/ */
int cmd_post(int argc, char **argv);
int cmd_invoices(int argc, char **argv);
int cmd_ledger(int argc, char **argv);
int cmd_gen_intents(int argc, char **argv);

/* settle/ */
int cmd_settle(int argc, char **argv);
int cmd_statement(int argc, char **argv);


/* sim/ */
int cmd_demo(int argc, char **argv);
int cmd_load(int argc, char **argv);

/* inquiry/, terminal/ */
int cmd_inquiry(int argc, char **argv);
int cmd_terminal(int argc, char **argv);
int cmd_submit(int argc, char **argv);

#endif
