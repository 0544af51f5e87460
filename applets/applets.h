/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Entry points of the applets in this binary. */
#ifndef CTBOX_APPLETS_H
#define CTBOX_APPLETS_H

int conntrack_main(int argc, char **argv);
int conntrackd_main(int argc, char **argv);

#endif
