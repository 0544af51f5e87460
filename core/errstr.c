// SPDX-License-Identifier: GPL-2.0-or-later
/* Error texts as glibc spells them, whatever libc the binary links. */
#include <errno.h>
#include <string.h>

#include "core/errstr.h"

#ifdef __GLIBC__
#define LIBC_IS_GLIBC 1
#else
#define LIBC_IS_GLIBC 0
#endif

/*
 * Upstream's messages end in glibc's strerror() text ("Operation failed: Device or
 * resource busy"), and scripts match them. musl, the router libc, words these codes
 * differently ("Resource busy"); the ones a file, socket or netlink call can return
 * are spelled here as glibc does, in the order of texts[]. Values differ per
 * architecture (MIPS), so the table holds the names.
 */
static const unsigned short codes[] = {
	0,	     EIO,	    ECHILD,	  ENOMEM,    EBUSY,
	EXDEV,	     EMFILE,	    ENOTTY,	  ESPIPE,    EDOM,
	ERANGE,	     EDEADLK,	    ENAMETOOLONG, ELOOP,     ETIME,
	EOVERFLOW,   EILSEQ,	    ENOTSOCK,	  EMSGSIZE,  EOPNOTSUPP,
	EADDRINUSE,  EADDRNOTAVAIL, ENETUNREACH,  ENETRESET, ECONNABORTED,
	EISCONN,     ENOTCONN,	    ESHUTDOWN,	  ETIMEDOUT, EHOSTUNREACH,
	EINPROGRESS, EDQUOT,
};
static const char texts[] =
	"Success\0Input/output error\0No child processes\0Cannot allocate memory\0"
	"Device or resource busy\0Invalid cross-device link\0Too many open files\0"
	"Inappropriate ioctl for device\0Illegal seek\0Numerical argument out of domain\0"
	"Numerical result out of range\0Resource deadlock avoided\0File name too long\0"
	"Too many levels of symbolic links\0Timer expired\0"
	"Value too large for defined data type\0"
	"Invalid or incomplete multibyte or wide character\0Socket operation on non-socket\0"
	"Message too long\0Operation not supported\0Address already in use\0"
	"Cannot assign requested address\0Network is unreachable\0"
	"Network dropped connection on reset\0Software caused connection abort\0"
	"Transport endpoint is already connected\0Transport endpoint is not connected\0"
	"Cannot send after transport endpoint shutdown\0Connection timed out\0"
	"No route to host\0Operation now in progress\0Disk quota exceeded";

const char *errstr(int err)
{
	const char *t = texts;

	if (LIBC_IS_GLIBC)
		return strerror(err);
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++, t += strlen(t) + 1)
		if (codes[i] == err)
			return t;
	return strerror(err);
}
