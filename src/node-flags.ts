/**
 * The Node flags the mock runs with, wherever it is launched: the bin's shebang (src/cli.ts,
 * through `env -S`), `npm start`, the Dockerfile's CMD, the bench and the soak. test/node-flags.test.ts keeps
 * them all equal to this list.
 *
 * `--max-semi-space-size=4` (MiB; Node 20's default lets the young generation grow to 16): every
 * held long poll is a set of objects that outlives the young generation, and a scavenge copies
 * all of them that arrived since the last one. With 10,000 held polls and the default size,
 * scavenges stopped the server for about 20 ms every ~0.4 s, and event delivery p99 was 125 ms.
 * 2 MiB (sessions 3–12) made push delivery scavenge ~95 times a second, 91–137 ms of each second
 * in process at 16,000 events/s; 4 MiB measured 38–69 ms (docs/decisions.md, "Young generation
 * of 4 MiB", with what it did to held polls).
 * `--single-threaded-gc`: V8's concurrent and parallel GC threads otherwise compete with the main
 * thread for the core (the bench gives the server one), stalling the event loop for 30–40 ms
 * while no pause was reported. Request throughput stayed the same within the bench's noise.
 */
export const NODE_FLAGS = ['--max-semi-space-size=4', '--single-threaded-gc'] as const
