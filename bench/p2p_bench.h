// The p2p benchmark of sov_bench (`sov_bench --p2p`): sov↔sov against js↔js (tests/interop/bench.mjs)
// over loopback TCP on one Noise+yamux connection, in the same run, same protocols and sizes. Both
// sides run the server in a child process and the client in the benchmark's process:
//   sov_bench --p2p [--rounds R] [--mib M] [--seconds S] [--js PATH] [--node PATH]
//       both sides R times (default 3), alternating; one table with each side's best round per
//       metric, then the same rows as JSON lines
//   sov_bench --p2p-server [--seed HEX64] [--no-stdin]   the sov server (as `bench.mjs server`)
//   sov_bench --p2p-client <multiaddr> [--mib M] [--seconds S]   the sov client (as `bench.mjs client`)
#pragma once

namespace sov::bench {

// argv[1] is the mode (--p2p, --p2p-server or --p2p-client). Returns the process exit code.
int P2pBenchMain(int argc, char** argv);

}  // namespace sov::bench
