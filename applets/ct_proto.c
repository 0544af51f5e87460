// SPDX-License-Identifier: GPL-2.0-or-later
/* conntrack applet: the -p handlers (tcp, udp, udplite, sctp, dccp, icmp, icmpv6, gre, generic). */
#include <endian.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "applets/ct_args.h"
#include "applets/ct_getopt.h"
#include "applets/ct_proto.h"

/* Option bits shared by the port-based handlers, in upstream's check order. */
enum {
	P_SPORT,
	P_DPORT,
	P_RSPORT,
	P_RDPORT,
	P_MSPORT,
	P_MDPORT,
	P_STATE,
	P_TSPORT,
	P_TDPORT,
	P_VTAG_O,
	P_VTAG_R
};
enum { U_SPORT, U_DPORT, U_RSPORT, U_RDPORT, U_MSPORT, U_MDPORT, U_TSPORT, U_TDPORT };
enum { I_TYPE, I_CODE, I_ID };
enum { G_SKEY, G_DKEY, G_RSKEY, G_RDKEY, G_MSKEY, G_MDKEY, G_TSKEY, G_TDKEY };
#define D_ROLE P_VTAG_O

#define B(x) (1u << (x))

/* Matrix rows are indexed by enum ct_command (0..19); unlisted rows are all "illegal". */
#define ROW(cmd) [cmd]

static const char *const tcp_names[] = {
	"sport",	  "dport",	   "reply-port-src", "reply-port-dst",
	"mask-port-src",  "mask-port-dst", "state",	     "tuple-port-src",
	"tuple-port-dst", "orig-vtag",	   "reply-vtag",
};
static const char *const dccp_names[] = {
	"sport",	 "dport", "reply-port-src", "reply-port-dst", "mask-port-src",
	"mask-port-dst", "state", "tuple-port-src", "tuple-port-dst", "role",
};
static const char *const udp_names[] = {
	"sport",	 "dport",	  "reply-port-src", "reply-port-dst",
	"mask-port-src", "mask-port-dst", "tuple-port-src", "tuple-port-dst",
};
static const char *const icmp_names[] = { "icmp-type", "icmp-code", "icmp-id" };
static const char *const icmpv6_names[] = { "icmpv6-type", "icmpv6-code", "icmpv6-id" };
static const char *const gre_names[] = {
	"srckey",	"dstkey",	"reply-key-src", "reply-key-dst",
	"mask-key-src", "mask-key-dst", "tuple-key-src", "tuple-key-dst",
};

#define PORT_LONGS(S, D, RS, RD, MS, MD, TS, TD) \
	{ "orig-port-src", GO_REQ_ARG, S }, { "sport", GO_REQ_ARG, S }, \
		{ "orig-port-dst", GO_REQ_ARG, D }, { "dport", GO_REQ_ARG, D }, \
		{ "reply-port-src", GO_REQ_ARG, RS }, { "reply-port-dst", GO_REQ_ARG, RD }, \
		{ "mask-port-src", GO_REQ_ARG, MS }, { "mask-port-dst", GO_REQ_ARG, MD }, \
		{ "tuple-port-src", GO_REQ_ARG, TS }, \
	{ \
		"tuple-port-dst", GO_REQ_ARG, TD \
	}

static const struct go_long tcp_longs[] = {
	PORT_LONGS(P_SPORT, P_DPORT, P_RSPORT, P_RDPORT, P_MSPORT, P_MDPORT, P_TSPORT, P_TDPORT),
	{ "state", GO_REQ_ARG, P_STATE },
	{ NULL, 0, 0 },
};
static const struct go_long sctp_longs[] = {
	PORT_LONGS(P_SPORT, P_DPORT, P_RSPORT, P_RDPORT, P_MSPORT, P_MDPORT, P_TSPORT, P_TDPORT),
	{ "state", GO_REQ_ARG, P_STATE },
	{ "orig-vtag", GO_REQ_ARG, P_VTAG_O },
	{ "reply-vtag", GO_REQ_ARG, P_VTAG_R },
	{ NULL, 0, 0 },
};
static const struct go_long dccp_longs[] = {
	PORT_LONGS(P_SPORT, P_DPORT, P_RSPORT, P_RDPORT, P_MSPORT, P_MDPORT, P_TSPORT, P_TDPORT),
	{ "state", GO_REQ_ARG, P_STATE },
	{ "role", GO_REQ_ARG, D_ROLE },
	{ NULL, 0, 0 },
};
static const struct go_long udp_longs[] = {
	PORT_LONGS(U_SPORT, U_DPORT, U_RSPORT, U_RDPORT, U_MSPORT, U_MDPORT, U_TSPORT, U_TDPORT),
	{ NULL, 0, 0 },
};
static const struct go_long icmp_longs[] = {
	{ "icmp-type", GO_REQ_ARG, I_TYPE },
	{ "icmp-code", GO_REQ_ARG, I_CODE },
	{ "icmp-id", GO_REQ_ARG, I_ID },
	{ NULL, 0, 0 },
};
static const struct go_long icmpv6_longs[] = {
	{ "icmpv6-type", GO_REQ_ARG, I_TYPE },
	{ "icmpv6-code", GO_REQ_ARG, I_CODE },
	{ "icmpv6-id", GO_REQ_ARG, I_ID },
	{ NULL, 0, 0 },
};
static const struct go_long gre_longs[] = {
	{ "orig-key-src", GO_REQ_ARG, G_SKEY },
	{ "srckey", GO_REQ_ARG, G_SKEY },
	{ "orig-key-dst", GO_REQ_ARG, G_DKEY },
	{ "dstkey", GO_REQ_ARG, G_DKEY },
	{ "reply-key-src", GO_REQ_ARG, G_RSKEY },
	{ "reply-key-dst", GO_REQ_ARG, G_RDKEY },
	{ "mask-key-src", GO_REQ_ARG, G_MSKEY },
	{ "mask-key-dst", GO_REQ_ARG, G_MDKEY },
	{ "tuple-key-src", GO_REQ_ARG, G_TSKEY },
	{ "tuple-key-dst", GO_REQ_ARG, G_TDKEY },
	{ NULL, 0, 0 },
};
static const struct go_long no_longs[] = { { NULL, 0, 0 } };

/* tcp: sport dport rsport rdport msport mdport state tsport tdport */
#define TCP_FILTER \
	{ \
		2, 2, 2, 2, 0, 0, 2, 0, 0 \
	}
#define TCP_CREATE \
	{ \
		3, 3, 3, 3, 0, 0, 1, 0, 0 \
	}
#define TCP_EXPNEW \
	{ \
		1, 1, 0, 0, 1, 1, 0, 1, 1 \
	}
#define TCP_EXPGET \
	{ \
		1, 1, 1, 1, 0, 0, 0, 0, 0 \
	}
static const uint8_t tcp_matrix[CT_NCOMMANDS][CT_PROTO_MAXOPT] = {
	ROW(CMD_CT_LIST) = TCP_FILTER,
	ROW(CMD_CT_CREATE) = TCP_CREATE,
	ROW(CMD_CT_UPDATE) = TCP_FILTER,
	ROW(CMD_CT_DELETE) = TCP_FILTER,
	ROW(CMD_CT_GET) = { 3, 3, 3, 3, 0, 0, 2, 0, 0 },
	ROW(CMD_CT_EVENT) = TCP_FILTER,
	ROW(CMD_EXP_CREATE) = TCP_EXPNEW,
	ROW(CMD_EXP_DELETE) = TCP_EXPGET,
	ROW(CMD_EXP_GET) = TCP_EXPGET,
	ROW(CMD_CT_ADD) = TCP_CREATE,
};

/* sctp: tcp's columns + orig-vtag reply-vtag */
static const uint8_t sctp_matrix[CT_NCOMMANDS][CT_PROTO_MAXOPT] = {
	ROW(CMD_CT_LIST) = { 2, 2, 2, 2, 0, 0, 2, 0, 0, 0, 0 },
	ROW(CMD_CT_CREATE) = { 3, 3, 3, 3, 0, 0, 1, 0, 0, 1, 1 },
	ROW(CMD_CT_UPDATE) = { 2, 2, 2, 2, 0, 0, 2, 0, 0, 2, 2 },
	ROW(CMD_CT_DELETE) = { 2, 2, 2, 2, 0, 0, 2, 0, 0, 0, 0 },
	ROW(CMD_CT_GET) = { 3, 3, 3, 3, 0, 0, 2, 0, 0, 2, 2 },
	ROW(CMD_CT_EVENT) = { 2, 2, 2, 2, 0, 0, 2, 0, 0, 0, 0 },
	ROW(CMD_EXP_CREATE) = { 1, 1, 0, 0, 1, 1, 0, 1, 1, 1, 1 },
	ROW(CMD_EXP_DELETE) = TCP_EXPGET,
	ROW(CMD_EXP_GET) = TCP_EXPGET,
	ROW(CMD_CT_ADD) = { 3, 3, 3, 3, 0, 0, 1, 0, 0, 1, 1 },
};

/* dccp: tcp's columns + role */
static const uint8_t dccp_matrix[CT_NCOMMANDS][CT_PROTO_MAXOPT] = {
	ROW(CMD_CT_LIST) = TCP_FILTER,
	ROW(CMD_CT_CREATE) = { 3, 3, 3, 3, 0, 0, 1, 0, 0, 1 },
	ROW(CMD_CT_UPDATE) = TCP_FILTER,
	ROW(CMD_CT_DELETE) = TCP_FILTER,
	ROW(CMD_CT_GET) = { 3, 3, 3, 3, 0, 0, 2, 0, 0, 0 },
	ROW(CMD_CT_EVENT) = TCP_FILTER,
	ROW(CMD_EXP_CREATE) = { 1, 1, 0, 0, 1, 1, 0, 1, 1, 1 },
	ROW(CMD_EXP_DELETE) = TCP_EXPGET,
	ROW(CMD_EXP_GET) = TCP_EXPGET,
	ROW(CMD_CT_ADD) = { 3, 3, 3, 3, 0, 0, 1, 0, 0, 1 },
};

/* udp, udplite: sport dport rsport rdport msport mdport tsport tdport */
#define UDP_FILTER \
	{ \
		2, 2, 2, 2, 0, 0, 0, 0 \
	}
#define UDP_CREATE \
	{ \
		3, 3, 3, 3, 0, 0, 0, 0 \
	}
#define UDP_EXPGET \
	{ \
		1, 1, 1, 1, 0, 0, 0, 0 \
	}
static const uint8_t udp_matrix[CT_NCOMMANDS][CT_PROTO_MAXOPT] = {
	ROW(CMD_CT_LIST) = UDP_FILTER,
	ROW(CMD_CT_CREATE) = UDP_CREATE,
	ROW(CMD_CT_UPDATE) = UDP_FILTER,
	ROW(CMD_CT_DELETE) = UDP_FILTER,
	ROW(CMD_CT_GET) = UDP_CREATE,
	ROW(CMD_CT_EVENT) = UDP_FILTER,
	ROW(CMD_EXP_CREATE) = { 1, 1, 0, 0, 1, 1, 1, 1 },
	ROW(CMD_EXP_DELETE) = UDP_EXPGET,
	ROW(CMD_EXP_GET) = UDP_EXPGET,
	ROW(CMD_CT_ADD) = UDP_CREATE,
};

static const uint8_t icmp_matrix[CT_NCOMMANDS][CT_PROTO_MAXOPT] = {
	ROW(CMD_CT_LIST) = { 2, 2, 2 },	  ROW(CMD_CT_CREATE) = { 1, 1, 2 },
	ROW(CMD_CT_UPDATE) = { 2, 2, 2 }, ROW(CMD_CT_DELETE) = { 2, 2, 2 },
	ROW(CMD_CT_GET) = { 1, 1, 2 },	  ROW(CMD_CT_EVENT) = { 2, 2, 2 },
	ROW(CMD_CT_ADD) = { 1, 1, 2 },
};

static const uint8_t gre_matrix[CT_NCOMMANDS][CT_PROTO_MAXOPT] = {
	ROW(CMD_CT_LIST) = UDP_FILTER,
	ROW(CMD_CT_CREATE) = UDP_CREATE,
	ROW(CMD_CT_UPDATE) = UDP_FILTER,
	ROW(CMD_CT_DELETE) = UDP_FILTER,
	ROW(CMD_CT_GET) = UDP_CREATE,
	ROW(CMD_CT_EVENT) = UDP_FILTER,
	ROW(CMD_EXP_CREATE) = { 1, 1, 1, 1, 1, 1, 1, 1 },
	ROW(CMD_EXP_DELETE) = UDP_EXPGET,
	ROW(CMD_EXP_GET) = UDP_EXPGET,
	ROW(CMD_CT_ADD) = UDP_CREATE,
};

#define PORT_HELP \
	"  --orig-port-src\t\toriginal source port", \
		"  --orig-port-dst\t\toriginal destination port", \
		"  --reply-port-src\t\treply source port", \
		"  --reply-port-dst\t\treply destination port", \
		"  --mask-port-src\t\tmask source port", \
		"  --mask-port-dst\t\tmask destination port", \
		"  --tuple-port-src\t\texpectation tuple src port", \
		"  --tuple-port-src\t\texpectation tuple dst port"

static const char *const tcp_help[] = { PORT_HELP, "  --state\t\t\tTCP state, fe. ESTABLISHED",
					NULL };
static const char *const udp_help[] = { PORT_HELP, NULL };
static const char *const sctp_help[] = {
	PORT_HELP,
	"  --state\t\t\tSCTP state, fe. ESTABLISHED",
	"  --orig-vtag\t\toriginal verification tag",
	"  --reply-vtag\t\treply verification tag",
	NULL,
};
static const char *const dccp_help[] = { PORT_HELP, "  --state\t\t\tDCCP state, fe. RESPOND",
					 NULL };
static const char *const icmp_help[] = {
	"  --icmp-type\t\t\ticmp type",
	"  --icmp-code\t\t\ticmp code",
	"  --icmp-id\t\t\ticmp id",
	NULL,
};
static const char *const icmpv6_help[] = {
	"  --icmpv6-type\t\t\ticmpv6 type",
	"  --icmpv6-code\t\t\ticmpv6 code",
	"  --icmpv6-id\t\t\ticmpv6 id",
	NULL,
};
static const char *const gre_help[] = {
	"  --orig-key-src\t\toriginal source key",
	"  --orig-key-dst\t\toriginal destination key",
	"  --reply-key-src\t\treply source key",
	"  --reply-key-dst\t\treply destination key",
	"  --mask-key-src\t\tmask source key",
	"  --mask-key-dst\t\tmask destination key",
	"  --tuple-key-src\t\texpectation tuple src key",
	"  --tuple-key-src\t\texpectation tuple dst key",
	NULL,
};
static const char *const generic_help[] = { "  no options (unsupported)", NULL };

static const char *const tcp_states[] = {
	"NONE",	      "SYN_SENT", "SYN_RECV",  "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE",	      "SYN_SENT2",
};
static const char *const sctp_states[] = {
	"NONE",	       "CLOSED",	"COOKIE_WAIT",	 "COOKIE_ECHOED",
	"ESTABLISHED", "SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT",
};
static const char *const dccp_states[] = {
	"NONE",	    "REQUEST", "RESPOND",  "PARTOPEN", "OPEN",
	"CLOSEREQ", "CLOSING", "TIMEWAIT", "IGNORE",   "INVALID",
};

static int state_index(const char *const *names, int n, const char *arg)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], arg))
			return i;
	return -1;
}

/* The tuple a port/key option writes, and which of its two ports. */
static void set_port(struct ct_tuple *t, uint8_t l4, bool dst, uint16_t v)
{
	t->l4 = l4;
	t->present |= CT_T_PROTO;
	if (dst) {
		t->dport = v;
		t->present |= CT_T_DPORT;
	} else {
		t->sport = v;
		t->present |= CT_T_SPORT;
	}
}

/* Ports and keys share one layout: orig, reply, mask, expected tuple. */
static void store_port(struct ct_cmd *cmd, int which, uint16_t v)
{
	uint8_t l4 = (uint8_t)cmd->proto;

	switch (which) {
	case 0:
	case 1:
		set_port(&cmd->tmpl.orig, l4, which == 1, v);
		ct_set(&cmd->tmpl, CT_ORIG);
		break;
	case 2:
	case 3:
		set_port(&cmd->tmpl.reply, l4, which == 3, v);
		ct_set(&cmd->tmpl, CT_REPLY);
		break;
	case 4:
	case 5:
		set_port(&cmd->exp.mask, l4, which == 5, v);
		break;
	/* 6, 7: the expected tuple's ports */
	default:
		/* 1.4.9 still puts a port byte into the expected tuple's protocol
		 * for sctp and dccp; here every protocol gets the real number. */
		set_port(&cmd->exp.tuple, l4, which == 7, v);
		break;
	}
}

/* Map a handler bit to the shared layout index 0..7 (orig s/d, reply s/d, mask s/d, tuple s/d). */
static int port_slot(int bit)
{
	static const int8_t slot[] = { 0, 1, 2, 3, 4, 5, -1, 6, 7 };

	return bit < (int)sizeof(slot) ? slot[bit] : -1;
}

static int tcplike_parse(struct ct_cmd *cmd, int bit, const char *arg, const char *const *states,
			 int nstates, const char *what)
{
	int slot = port_slot(bit);
	int st;

	if (bit == P_STATE) {
		st = state_index(states, nstates, arg);
		if (st < 0 && states == tcp_states && !strcmp(arg, "LISTEN"))
			st = 9;
		if (st < 0)
			return ct_perr("%s `%s'", what, arg);
		if (states == tcp_states) {
			cmd->tmpl.tcp.state = (uint8_t)st;
			ct_set(&cmd->tmpl, CT_TCP_STATE);
		} else if (states == sctp_states) {
			cmd->tmpl.sctp.state = (uint8_t)st;
			ct_set(&cmd->tmpl, CT_SCTP_STATE);
		} else {
			cmd->tmpl.dccp.state = (uint8_t)st;
			ct_set(&cmd->tmpl, CT_DCCP_STATE);
		}
		return 0;
	}
	if (slot >= 0) {
		/* atoi: no validation, 16-bit truncation, as upstream */
		store_port(cmd, slot, (uint16_t)atoi(arg));
		return 0;
	}
	return -1;
}

static int tcp_parse(struct ct_cmd *cmd, int bit, const char *arg)
{
	return tcplike_parse(cmd, bit, arg, tcp_states, 10, "unknown TCP state");
}

static int sctp_parse(struct ct_cmd *cmd, int bit, const char *arg)
{
	if (bit == P_VTAG_O || bit == P_VTAG_R) {
		/*
		 * Upstream's CLI and library both convert the number to network order, so
		 * the kernel gets its bytes in host order: on little-endian hosts the tag it
		 * stores (the model's value) is the argument byte-swapped. -o save undoes it.
		 */
		uint32_t v = be32toh((uint32_t)atoi(arg));

		if (bit == P_VTAG_O) {
			cmd->tmpl.sctp.vtag_orig = v;
			ct_set(&cmd->tmpl, CT_SCTP_VTAG_ORIG);
		} else {
			cmd->tmpl.sctp.vtag_reply = v;
			ct_set(&cmd->tmpl, CT_SCTP_VTAG_REPLY);
		}
		return 0;
	}
	/* Upstream indexes past its state table here and crashes; report it instead. */
	return tcplike_parse(cmd, bit, arg, sctp_states, 8, "unknown SCTP state");
}

static int dccp_parse(struct ct_cmd *cmd, int bit, const char *arg)
{
	if (bit == D_ROLE) {
		size_t n = strlen(arg);

		if (!strncasecmp(arg, "client", n))
			cmd->tmpl.dccp.role = 0;
		else if (!strncasecmp(arg, "server", n))
			cmd->tmpl.dccp.role = 1;
		else
			return ct_perr("Unknown DCCP role `%s'", arg);
		ct_set(&cmd->tmpl, CT_DCCP_ROLE);
		return 0;
	}
	return tcplike_parse(cmd, bit, arg, dccp_states, 10, "Unknown DCCP state");
}

static int udp_parse(struct ct_cmd *cmd, int bit, const char *arg)
{
	store_port(cmd, bit, (uint16_t)atoi(arg));
	return 0;
}

static int icmp_parse(struct ct_cmd *cmd, int bit, const char *arg)
{
	struct ct_tuple *t = &cmd->tmpl.orig;
	int v = atoi(arg);

	switch (bit) {
	case I_TYPE:
		t->icmp_type = (uint8_t)v;
		t->present |= CT_T_ICMP_TYPE;
		break;
	case I_CODE:
		t->icmp_code = (uint8_t)v;
		t->present |= CT_T_ICMP_CODE;
		break;
	default:
		t->icmp_id = (uint16_t)v;
		t->present |= CT_T_ICMP_ID;
		break;
	}
	t->l4 = (uint8_t)cmd->proto;
	t->present |= CT_T_PROTO;
	ct_set(&cmd->tmpl, CT_ORIG);
	/*
	 * Upstream gives the reply tuple a protocol only when an ICMP option
	 * follows -r/-q; otherwise a create with both directions carries a
	 * reply without one and the kernel refuses it.
	 */
	if (cmd->options & ((1ULL << OPT_REPL_SRC) | (1ULL << OPT_REPL_DST))) {
		cmd->tmpl.reply.l4 = (uint8_t)cmd->proto;
		cmd->tmpl.reply.present |= CT_T_PROTO;
	}
	return 0;
}

static int gre_parse(struct ct_cmd *cmd, int bit, const char *arg)
{
	store_port(cmd, bit, (uint16_t)strtoul(arg, NULL, 0));
	return 0;
}

static const struct ct_proto protos[] = {
	{ "tcp", 6, 9, tcp_names, tcp_longs, tcp_matrix, B(P_SPORT) | B(P_DPORT),
	  B(P_RSPORT) | B(P_RDPORT), "you have to specify `--sport' and `--dport'",
	  "you have to specify `--reply-src-port' and `--reply-dst-port'", tcp_help, tcp_parse },
	{ "udp", 17, 8, udp_names, udp_longs, udp_matrix, B(U_SPORT) | B(U_DPORT),
	  B(U_RSPORT) | B(U_RDPORT), "you have to specify `--sport' and `--dport'",
	  "you have to specify `--reply-src-port' and `--reply-dst-port'", udp_help, udp_parse },
	{ "udplite", 136, 8, udp_names, udp_longs, udp_matrix, B(U_SPORT) | B(U_DPORT),
	  B(U_RSPORT) | B(U_RDPORT), "you have to specify `--sport' and `--dport'",
	  "you have to specify `--reply-src-port' and `--reply-dst-port'", udp_help, udp_parse },
	{ "sctp", 132, 11, tcp_names, sctp_longs, sctp_matrix, B(P_SPORT) | B(P_DPORT),
	  B(P_RSPORT) | B(P_RDPORT), "you have to specify `--sport' and `--dport'",
	  "you have to specify `--reply-src-port' and `--reply-dst-port'", sctp_help, sctp_parse },
	{ "dccp", 33, 10, dccp_names, dccp_longs, dccp_matrix, B(P_SPORT) | B(P_DPORT),
	  B(P_RSPORT) | B(P_RDPORT), "you have to specify `--sport' and `--dport'",
	  "you have to specify `--reply-port-src' and `--report-port-dst'", dccp_help, dccp_parse },
	{ "icmp", 1, 3, icmp_names, icmp_longs, icmp_matrix, 0, 0, NULL, NULL, icmp_help,
	  icmp_parse },
	{ "icmpv6", 58, 3, icmpv6_names, icmpv6_longs, icmp_matrix, 0, 0, NULL, NULL, icmpv6_help,
	  icmp_parse },
	{ "gre", 47, 8, gre_names, gre_longs, gre_matrix, B(G_SKEY) | B(G_DKEY),
	  B(G_RSKEY) | B(G_RDKEY), "you have to specify `--srckey' and `--dstkey'",
	  "you have to specify `--reply-src-key' and `--reply-dst-key'", gre_help, gre_parse },
	/* generic: any other protocol, no options and no checks */
	{ NULL, 0, 0, NULL, no_longs, NULL, 0, 0, NULL, NULL, generic_help, NULL },
};
#define NPROTOS (sizeof(protos) / sizeof(protos[0]))
#define GENERIC (&protos[NPROTOS - 1])

const struct ct_proto *ct_proto_find(const char *arg, uint8_t *num)
{
	const struct protoent *pe;
	unsigned long v;
	char *end;

	for (size_t i = 0; i < NPROTOS - 1; i++) {
		if (!strcasecmp(arg, protos[i].name)) {
			*num = protos[i].num;
			return &protos[i];
		}
	}
	pe = getprotobyname(arg);
	if (pe) {
		*num = (uint8_t)pe->p_proto;
		return GENERIC;
	}
	errno = 0;
	v = strtoul(arg, &end, 0);
	if (end == arg || *end || errno || v > 255)
		return NULL;
	*num = (uint8_t)v;
	for (size_t i = 0; i < NPROTOS - 1; i++)
		if (protos[i].num == v)
			return &protos[i];
	return GENERIC;
}

int ct_proto_index(const struct ct_proto *p)
{
	return (int)(p - protos);
}

const struct ct_proto *ct_proto_at(int index)
{
	return index >= 0 && (size_t)index < NPROTOS ? &protos[index] : NULL;
}

int ct_opt_check(uint64_t have, int n, const uint8_t *row, const char *const *names, uint64_t pair0,
		 uint64_t pair1, int *partial)
{
	bool special = false;

	for (int i = 0; i < n; i++) {
		uint8_t v = row ? row[i] : 0;

		if (!(have & (UINT64_C(1) << i))) {
			if (v == 1)
				return ct_perr(
					"You need to supply the `--%s' option for this command",
					names[i]);
		} else if (v == 0) {
			return ct_perr("Illegal option `--%s' with this command", names[i]);
		}
		if (v == 3)
			special = true;
	}
	if (!special)
		return 0;
	/* One complete pair is enough; otherwise name the first partial one. */
	if ((have & pair0) == pair0 || (have & pair1) == pair1)
		return 0;
	if (have & pair0)
		*partial = 0;
	else if (have & pair1)
		*partial = 1;
	else
		*partial = -1;
	return -1;
}

int ct_proto_final(const struct ct_proto *p, struct ct_cmd *cmd)
{
	int partial = -1, ret;

	if (p->matrix) {
		ret = ct_opt_check(cmd->proto_options, p->nopts, p->matrix[cmd->command],
				   p->optname, p->pair_orig, p->pair_reply, &partial);
		if (ret > 0)
			return ret;
		if (ret < 0)
			return ct_perr("%s", partial == 1 ? p->pair_reply_msg : p->pair_orig_msg);
	}
	if (p == &protos[0]) {
		/* -p tcp always asks for liberal window tracking and SACK (upstream does it for every command). */
		uint8_t f = 0x08 | 0x02;

		if (ct_has(&cmd->tmpl, CT_TCP_STATE) && cmd->tmpl.tcp.state >= 7)
			f |= 0x04;
		cmd->tmpl.tcp.flags_orig = cmd->tmpl.tcp.mask_orig = f;
		cmd->tmpl.tcp.flags_reply = cmd->tmpl.tcp.mask_reply = f;
		ct_set(&cmd->tmpl, CT_TCP_FLAGS_ORIG);
		ct_set(&cmd->tmpl, CT_TCP_FLAGS_REPLY);
	}
	return 0;
}

void ct_proto_help(const struct ct_proto *p, uint8_t num)
{
	const char *name = p->name;

	if (!name) {
		const struct protoent *pe = getprotobynumber(num);

		name = pe ? pe->p_name : "unknown";
	}
	printf("Proto `%s' help:\n", name);
	for (const char *const *l = p->help; *l; l++)
		printf("%s\n", *l);
}
