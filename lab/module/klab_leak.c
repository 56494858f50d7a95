// SPDX-License-Identifier: GPL-2.0
/*
 * klab_leak: the trend lab's ground truth (lab/trend-series.sh, testdata/trend/).
 *
 * Every period_ms a timer allocates `size` bytes with kmalloc at one known line (marked
 * KLAB_ALLOC_SITE below), so /proc/allocinfo charges them to that file:line:
 *   mode=leak   the pointer is dropped: never freed, the site grows by size bytes per period
 *               (512 B / 100 ms = 18 432 000 B/h), and an rmmod leaves them charged (the
 *               module-unload leak);
 *   mode=churn  the block goes into a ring of `ring` slots and the block it replaces is freed:
 *               the site fills up to ring * size bytes and stays there (the control), and the
 *               exit frees the ring.
 * The timer is re-armed from its own expiry (expires += period), so a late tick is made up for
 * and the average rate stays size / period_ms of the guest's clock.
 */
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timer.h>

static char *mode = "leak";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "leak (never free) or churn (ring of freed blocks)");
static unsigned int size = 512;
module_param(size, uint, 0444);
static unsigned int period_ms = 100;
module_param(period_ms, uint, 0444);
static unsigned int ring = 32;
module_param(ring, uint, 0444);

#define RING_MAX 256
static void *slots[RING_MAX];
static unsigned long allocated, freed, next_slot;
static bool churn;
static struct timer_list tick;

static void klab_alloc_one(void)
{
	void *p = kmalloc(size, GFP_ATOMIC); /* KLAB_ALLOC_SITE */

	if (!p)
		return;
	memset(p, 0x5a, size);
	allocated++;
	if (!churn)
		return; /* leaked: nobody keeps the pointer */
	if (slots[next_slot]) {
		kfree(slots[next_slot]);
		freed++;
	}
	slots[next_slot] = p;
	next_slot = (next_slot + 1) % ring;
}

static void klab_tick(struct timer_list *t)
{
	klab_alloc_one();
	mod_timer(t, t->expires + msecs_to_jiffies(period_ms));
}

static int __init klab_leak_init(void)
{
	churn = strcmp(mode, "churn") == 0;
	if (!churn && strcmp(mode, "leak") != 0)
		return -EINVAL;
	if (ring == 0 || ring > RING_MAX || size == 0 || period_ms == 0)
		return -EINVAL;
	timer_setup(&tick, klab_tick, 0);
	mod_timer(&tick, jiffies + msecs_to_jiffies(period_ms));
	pr_info("klab_leak: mode=%s size=%u period_ms=%u ring=%u HZ=%d\n", mode, size, period_ms, ring, HZ);
	return 0;
}

static void __exit klab_leak_exit(void)
{
	unsigned int i;

	timer_shutdown_sync(&tick);
	for (i = 0; i < RING_MAX; i++) {
		if (slots[i]) {
			kfree(slots[i]);
			freed++;
		}
	}
	pr_info("klab_leak: exit mode=%s allocated=%lu freed=%lu bytes_left=%lu\n", mode, allocated, freed,
		(allocated - freed) * size);
}

module_init(klab_leak_init);
module_exit(klab_leak_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("allocscope trend lab: a timer that leaks or churns kmalloc blocks at a known line");
