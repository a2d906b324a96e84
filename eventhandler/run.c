#include "config.h"

#include "run.h"

int64_t run_moving_end_ms(const struct run *r)
{
	return r->t0 + (r->cfg.deadline - r->cfg.start_timeout) * 1000;
}
