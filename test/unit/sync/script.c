// SPDX-License-Identifier: GPL-2.0-or-later
/* Sync engine tests: timed action plans and random event loads for the simulator. */
#include <stdlib.h>
#include <string.h>

#include "script.h"

static void do_act(struct sim *sim, struct plan *p, const struct act *a)
{
	switch (a->op) {
	case A_START:
		sim_start(sim, a->node, &p->cfg[a->node], a->arg, 1 + (uint32_t)a->node);
		break;
	case A_STOP:
		sim_stop(sim, a->node);
		break;
	case A_CREATE:
		sim_create(sim, a->node, a->arg);
		break;
	case A_UPDATE:
		sim_update(sim, a->node, a->arg);
		break;
	case A_DELETE:
		sim_delete(sim, a->node, a->arg);
		break;
	case A_RESYNC:
		sync_request_resync(sim->node[a->node].s, sim->now);
		break;
	case A_NET:
		sim->loss = a->arg;
		sim->dup = a->arg ? p->dup : 0;
		sim->jitter = p->jitter;
		sim->late = a->arg ? p->late : 0;
		sim->late_ms = p->late_ms;
		break;
	}
}

/* One ms of a load: its events in bursts, each followed by a tick like upstream's select loop. */
static void do_load(struct sim *sim, struct load *l)
{
	struct sim_node *nd = &sim->node[l->node];

	if (!nd->up) {
		l->acc = 0;
		return;
	}
	l->acc += l->rate;
	while (l->acc >= 1000) {
		uint32_t burst = 1 + sim_rand(sim) % 5;

		for (uint32_t b = 0; b < burst && l->acc >= 1000; b++, l->acc -= 1000) {
			uint32_t key = l->lo + sim_rand(sim) % (l->hi - l->lo),
				 r = sim_rand(sim) % 100;

			if (r < 15)
				sim_delete(sim, l->node, key);
			else if (r < 40)
				sim_create(sim, l->node, key);
			else
				sim_update(sim, l->node, key);
		}
		nd->deadline = sync_tick(nd->s, sim->now);
	}
}

static uint64_t run_plan(struct sim *sim)
{
	struct plan *p = sim->arg;
	uint64_t next = NONE;

	while (p->i < p->n && p->a[p->i].t <= sim->now)
		do_act(sim, p, &p->a[p->i++]);
	if (p->i < p->n)
		next = p->a[p->i].t;
	for (int k = 0; k < p->nload; k++) {
		struct load *l = &p->load[k];

		if (sim->now >= l->from && sim->now < l->until) {
			do_load(sim, l);
			if (sim->now + 1 < next)
				next = sim->now + 1;
		} else if (sim->now < l->from && l->from < next) {
			next = l->from;
		}
	}
	return next;
}

void plan_attach(struct sim *sim, struct plan *p)
{
	sim->arg = p;
	sim->script = run_plan;
	sim->script_at = 0;
}

const char *log_from(struct sim *sim, uint64_t t)
{
	const char *l = sim_log(sim);

	while (*l && strtoull(l, NULL, 10) < t) {
		l = strchr(l, '\n');
		if (!l)
			return "";
		l++;
	}
	return l;
}

int log_eq(const char *got, const char *const *want, size_t n, bool notime, const char *what)
{
	size_t i = 0;
	int bad = 0;

	for (; i < n && *got; i++) {
		const char *e = strchr(got, '\n'), *g = got, *w = want[i];
		size_t len = e ? (size_t)(e - got) : strlen(got);

		if (notime) {
			g = strchr(g, ' ') + 1;
			w = strchr(w, ' ') + 1;
			len -= (size_t)(g - got);
		}
		if (strlen(w) != len || memcmp(g, w, len)) {
			fprintf(stderr, "FAIL %s line %zu:\n  got  %.*s\n  want %s\n", what, i + 1,
				(int)len, g, w);
			bad++;
		}
		got = e ? e + 1 : got + len;
	}
	if (i < n) {
		fprintf(stderr, "FAIL %s: log ends at line %zu of %zu\n", what, i + 1, n);
		bad++;
	}
	return bad;
}
