// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzz harness: ctnetlink replies -> proto/ parsers -> every printer and the re-encoder. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "core/labelmap.h"
#include "core/out.h"
#include "core/print.h"
#include "proto/ctnl.h"
#include "fuzz.h"
#include "../unit/codec/nlswap.h"

/* Nothing here is a meaningful token for binary input; the mutator works on bytes. */
const char *const fuzz_dict[] = { NULL };

static struct out out;
static char outbuf[1 << 16];
static struct labelmap *map;

/* A label map like the fixtures' so PRINT_LABELS has names to print (and bits without one). */
static struct labelmap *make_map(void)
{
	static const char conf[] = "0 foo\n1 bar\n5 eth-wan\n127 top\n";
	char path[64], tmpl[] = "/tmp/ctbox-fuzz-map.XXXXXX";
	struct labelmap *m;
	int fd = mkstemp(tmpl);

	if (fd < 0 || write(fd, conf, sizeof(conf) - 1) != (ssize_t)(sizeof(conf) - 1))
		fuzz_fail("label map temp file");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	m = labelmap_load(path);
	if (!m)
		m = labelmap_load(tmpl); /* no /proc */
	unlink(tmpl);
	close(fd);
	if (!m)
		fuzz_fail("label map load");
	return m;
}

static void init(void)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		fuzz_fail("open /dev/null");
	/* xml <when> and ktimestamps go through localtime: keep it machine independent */
	setenv("TZ", "UTC", 1);
	out_init(&out, fd, outbuf, sizeof(outbuf));
	map = make_map();
}

/* Output modes a listing, an event monitor or -o save can ask for. */
static const uint32_t ct_modes[] = {
	0,
	PRINT_EXTENDED,
	PRINT_EXTENDED | PRINT_ID | PRINT_LABELS | PRINT_KTIMESTAMP,
	PRINT_TIMESTAMP | PRINT_USERSPACE | PRINT_ID,
	PRINT_XML,
	PRINT_XML | PRINT_EXTENDED | PRINT_ID | PRINT_LABELS | PRINT_KTIMESTAMP | PRINT_TIMESTAMP,
	PRINT_JSON,
	PRINT_JSON | PRINT_EXTENDED | PRINT_ID | PRINT_LABELS | PRINT_KTIMESTAMP | PRINT_TIMESTAMP,
	PRINT_SAVE,
	PRINT_SAVE | PRINT_USERSPACE,
};

static void opts(struct print_opts *po, uint32_t flags, int userspace)
{
	memset(po, 0, sizeof(*po));
	po->flags = flags;
	po->map = (flags & PRINT_LABELS) ? map : NULL;
	po->now = 1700000000;
	po->ts_sec = 1700000001;
	po->ts_usec = 999999;
	if (userspace) {
		po->portid = 4242;
		po->progname = "fuzz";
	}
}

static void check_out(void)
{
	if (out_flush(&out))
		fuzz_fail("write to /dev/null");
}

/*
 * What parsed must re-encode, the encoding must parse, and encoding that
 * again must give the same bytes: the layout recorded in wire_* is stable.
 */
static void roundtrip_ct(const struct ct *ct)
{
	static uint8_t a[1 << 16], b[1 << 16];
	struct ct again;
	int la, lb;

	la = ctnl_encode_ct_full(a, sizeof(a), CTNL_SUBSYS_CT << 8 | CTNL_MSG_CT_NEW, 0, 1, 0, ct);
	if (la == -ENOSPC || la == -EINVAL)
		return;
	if (la < (int)sizeof(struct nlmsghdr) || la > (int)sizeof(a))
		fuzz_fail("ctnl_encode_ct_full length");
	if (ctnl_parse_ct((const struct nlmsghdr *)a, &again, NULL))
		fuzz_fail("ctnl_parse_ct of ctnl_encode_ct_full output");
	lb = ctnl_encode_ct_full(b, sizeof(b), CTNL_SUBSYS_CT << 8 | CTNL_MSG_CT_NEW, 0, 1, 0,
				 &again);
	if (lb != la || memcmp(a, b, (size_t)la))
		fuzz_fail("ct encode -> parse -> encode differs");
}

static void roundtrip_exp(const struct ct_exp *e)
{
	static uint8_t a[1 << 16], b[1 << 16];
	struct ct_exp again;
	int la, lb;

	la = ctnl_encode_exp_full(a, sizeof(a), CTNL_SUBSYS_EXP << 8 | CTNL_MSG_EXP_NEW, 0, 1, 0,
				  e);
	if (la == -ENOSPC || la == -EINVAL)
		return;
	if (la < (int)sizeof(struct nlmsghdr) || la > (int)sizeof(a))
		fuzz_fail("ctnl_encode_exp_full length");
	if (ctnl_parse_exp((const struct nlmsghdr *)a, &again, NULL))
		fuzz_fail("ctnl_parse_exp of ctnl_encode_exp_full output");
	lb = ctnl_encode_exp_full(b, sizeof(b), CTNL_SUBSYS_EXP << 8 | CTNL_MSG_EXP_NEW, 0, 1, 0,
				  &again);
	if (lb != la || memcmp(a, b, (size_t)la))
		fuzz_fail("exp encode -> parse -> encode differs");
}

static void one_ct(const struct nlmsghdr *nlh)
{
	struct print_opts po;
	enum ct_msg kind;
	struct ct ct;
	int ret;

	ret = ctnl_parse_ct(nlh, &ct, &kind);
	if (ret) {
		if (ret != -EPROTO && ret != -EINVAL && ret != -ERANGE)
			fuzz_fail("ctnl_parse_ct error code");
		return;
	}
	for (size_t i = 0; i < sizeof(ct_modes) / sizeof(ct_modes[0]); i++) {
		for (int ev = 0; ev < 2; ev++) {
			opts(&po, ct_modes[i], ev);
			ret = print_ct(&out, &ct, ev ? kind : CT_MSG_UNKNOWN, &po);
			if (ret && !(ret == -EAFNOSUPPORT && (ct_modes[i] & PRINT_SAVE)))
				fuzz_fail("print_ct return");
		}
	}
	(void)print_ct_l3proto(&ct);
	check_out();
	roundtrip_ct(&ct);
}

static void one_exp(const struct nlmsghdr *nlh)
{
	struct print_opts po;
	enum ct_msg kind;
	struct ct_exp e;
	int ret;

	ret = ctnl_parse_exp(nlh, &e, &kind);
	if (ret) {
		if (ret != -EPROTO && ret != -EINVAL && ret != -ERANGE)
			fuzz_fail("ctnl_parse_exp error code");
		return;
	}
	for (size_t i = 0; i < sizeof(ct_modes) / sizeof(ct_modes[0]); i++) {
		for (int ev = 0; ev < 2; ev++) {
			opts(&po, ct_modes[i], ev);
			print_exp(&out, &e, ev ? kind : CT_MSG_UNKNOWN, &po);
		}
	}
	check_out();
	roundtrip_exp(&e);
}

static void one_stats(const struct nlmsghdr *nlh)
{
	uint32_t entries, max;
	struct ct_stats st;

	if (!ctnl_parse_stats_cpu(nlh, &st)) {
		if (st.n > CT_STATS_MAX)
			fuzz_fail("ct_stats.n past CT_STATS_MAX");
		for (int expect = 0; expect < 2; expect++) {
			print_stats_cpu(&out, &st, expect);
			print_stats_json(&out, &st, expect);
			for (unsigned int i = 0; i < st.n; i++)
				(void)print_stats_name(st.order[i], expect);
		}
		check_out();
	}
	if (!ctnl_parse_stats_global(nlh, &entries, &max))
		(void)ctnl_parse_stats_global(nlh, &entries, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;

	static uint8_t host[1 << 16];

	if (!ready) {
		init();
		ready = 1;
	}
	/*
	 * The seeds are little-endian captures. On a big-endian host their headers are
	 * swapped first, so the parsers see what this host's kernel would send rather than
	 * framing that fails at the first length.
	 */
	if (size <= sizeof(host) && nlswap_foreign(data, size)) {
		memcpy(host, data, size);
		(void)nlswap_stream(host, size);
		data = host;
	}
	/*
	 * The input is a reply stream as recv() returns it. The dump loop hands
	 * a parser only messages that pass mnl_nlmsg_ok, so a length field that
	 * overruns the stream is clamped to what is left: the fuzzer then spends
	 * its time inside the attributes rather than on framing.
	 */
	while (size >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr hdr;
		size_t len;
		uint8_t *msg;

		memcpy(&hdr, data, sizeof(hdr));
		len = hdr.nlmsg_len;
		if (len < sizeof(hdr) || len > size)
			len = size;
		/* exact-size copy, suitably aligned: reading past nlmsg_len is an ASan report */
		msg = malloc(len);
		if (!msg)
			fuzz_fail("malloc");
		memcpy(msg, data, len);
		((struct nlmsghdr *)msg)->nlmsg_len = (uint32_t)len;
		one_ct((const struct nlmsghdr *)msg);
		one_exp((const struct nlmsghdr *)msg);
		one_stats((const struct nlmsghdr *)msg);
		free(msg);
		len = NLMSG_ALIGN(len);
		if (len >= size)
			break;
		data += len;
		size -= len;
	}
	return 0;
}
