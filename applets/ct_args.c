// SPDX-License-Identifier: GPL-2.0-or-later
/* placeholder until its owner lands it */
