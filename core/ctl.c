// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrackd's control socket: a UNIX stream socket carrying one request code each way in. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/ctl.h"

static int fill_addr(struct sockaddr_un *sa, const char *path)
{
	size_t n = strlen(path);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (!n || n >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	memcpy(sa->sun_path, path, n);
	return 0;
}

int ctl_listen(const char *path)
{
	struct sockaddr_un sa;
	int fd, r = fill_addr(&sa, path);

	if (r)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 100) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

int ctl_accept(int lfd, int *req)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	struct pollfd p;
	int v = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	*req = -1;
	/* The client writes its code right after connecting; don't let a silent one stall the daemon. */
	p.fd = fd;
	p.events = POLLIN;
	if (poll(&p, 1, 1000) <= 0)
		return fd;
	do
		n = read(fd, &v, sizeof(v));
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(v))
		*req = v;
	return fd;
}

int ctl_request(const char *path, int req, int outfd)
{
	struct sockaddr_un sa;
	char buf[4096];
	int fd, r = fill_addr(&sa, path);

	if (r)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    send(fd, &req, sizeof(req), MSG_NOSIGNAL) != (ssize_t)sizeof(req)) {
		r = -errno;
		close(fd);
		return r;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		ssize_t off = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		while (off < n) {
			ssize_t w = write(outfd, buf + off, (size_t)(n - off));

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				/* Nobody reads our output any more: stop, the daemon sees us go. */
				close(fd);
				return 0;
			}
			off += w;
		}
	}
	close(fd);
	return 0;
}
