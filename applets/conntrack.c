// SPDX-License-Identifier: GPL-2.0-or-later
/* placeholder */
#include "applets/applets.h"
int conntrack_main(int argc, char **argv) { (void)argc; (void)argv; return 1; }
