// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * failsend: LD_PRELOAD shim that lets the first FAILSEND_AFTER sendto() calls through and
 * fails every later one with EPERM. Test-tree only: it drives -D's error path (a batch the
 * kernel never gets) without needing a kernel that refuses deletes.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/types.h>

typedef ssize_t (*sendto_fn)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
	       socklen_t tolen)
{
	static long left = -2; /* -2: not read yet; -1: never fail */
	sendto_fn real = (sendto_fn)dlsym(RTLD_NEXT, "sendto");
	long l = __atomic_load_n(&left, __ATOMIC_ACQUIRE);

	if (l == -2) {
		const char *e = getenv("FAILSEND_AFTER");

		l = e ? atol(e) : -1;
		__atomic_store_n(&left, l, __ATOMIC_RELEASE);
	}
	if (l == 0) {
		errno = EPERM;
		return -1;
	}
	if (l > 0)
		__atomic_fetch_sub(&left, 1, __ATOMIC_ACQ_REL);
	return real(fd, buf, len, flags, to, tolen);
}
