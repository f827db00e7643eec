// SPDX-License-Identifier: LGPL-2.1-only
/* The dmop command's entry point; everything is in cli.c. */
#include "cli.h"

int main(int argc, char *argv[])
{
	return dmop_cli_main(argc, argv);
}
