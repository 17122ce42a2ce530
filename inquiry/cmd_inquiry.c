#include <stdio.h>
#include "commands.h"
int cmd_inquiry(int argc, char **argv) { (void)argc; (void)argv; return 2; }
