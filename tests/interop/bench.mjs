// js-libp2p benchmark over loopback TCP, one noise+yamux connection.
//
//   node bench.mjs [--mib M] [--seconds S]          spawn a server process, run the client
//   node bench.mjs server [--seed HEX64] [--no-stdin]
//   node bench.mjs client <multiaddr> [--mib M] [--seconds S]
//
// WIRE PROTOCOLS (integers are big-endian; "close" = half-close of the
// sender's write side, i.e. yamux FIN):
//
// /sov/bench/bulk/1.0.0   one transfer per stream
//   client -> server : N bytes of arbitrary content, then close
//   server           : reads until EOF counting the bytes
//   server -> client : u64 count (8 bytes), then close
//   client           : checks count == N
//
// /sov/bench/rpc/1.0.0    long-lived request/response stream
//   client -> server : u32 len || len bytes            (the runs use len = 32)
//   server -> client : the identical frame, u32 len || len bytes
//   The client sends the next request only after the whole reply arrived.
//   When done the client closes; the server answers any complete request,
//   then closes. A len over 1 MiB or EOF inside a frame: the server resets.
//
// MEASUREMENTS (client; one JSON line each on stdout):
//   {"bench":"bulk_1","mbps":..}   1 stream carrying M MiB (default 64)
//   {"bench":"bulk_64","mbps":..}  64 parallel streams carrying M/64 MiB each
//   {"bench":"rpc_1","rps":..,"p50_us":..,"p99_us":..}  1 stream, S s (default 5)
//   {"bench":"rpc_16","rps":..,"p50_us":..,"p99_us":..} 16 streams in parallel, S s
// mbps = payload megabytes (10^6 bytes) per second, timed from opening the
// stream(s) until the last count arrived. rps = completed round trips per
// second (aggregate). Latency is per round trip. A short warm-up precedes the runs.
// The server prints {"event":"listening","peerId":..,"addrs":[..]} and stops
// on SIGTERM/SIGINT or when stdin ends (unless --no-stdin).
import './polyfill.mjs'
import { spawn } from 'node:child_process'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'
import { multiaddr } from '@multiformats/multiaddr'
import { createNode, emit, diag, parseArgs, onShutdown, Reader, send } from './common.mjs'

const BULK = '/sov/bench/bulk/1.0.0'
const RPC = '/sov/bench/rpc/1.0.0'
const MAX_RPC_LEN = 1 << 20
const STREAM_LIMITS = { maxInboundStreams: 256, maxOutboundStreams: 256 }

// ---- server ----

async function serveBulk (stream) {
  try {
    const r = new Reader(stream)
    let count = 0
    for (let chunk; (chunk = await r.read()) !== null;) count += chunk.byteLength
    const reply = new Uint8Array(8)
    new DataView(reply.buffer).setBigUint64(0, BigInt(count))
    await send(stream, reply)
    await stream.close()
  } catch (err) {
    diag('bulk handler:', err.message)
    stream.abort(err)
  }
}

async function serveRpc (stream) {
  try {
    const r = new Reader(stream)
    for (let hdr; (hdr = await r.readExactly(4)) !== null;) {
      const len = new DataView(hdr.buffer, hdr.byteOffset, 4).getUint32(0)
      if (len > MAX_RPC_LEN) throw new Error(`rpc frame too large: ${len}`)
      const body = len > 0 ? await r.readExactly(len) : new Uint8Array(0)
      if (body === null) throw new Error('EOF inside rpc frame')
      const frame = new Uint8Array(4 + len)
      frame.set(hdr, 0)
      frame.set(body, 4)
      await send(stream, frame)
    }
    await stream.close()
  } catch (err) {
    diag('rpc handler:', err.message)
    stream.abort(err)
  }
}

async function server (args) {
  const node = await createNode({ seed: args.seed, listen: ['/ip4/127.0.0.1/tcp/0'] })
  await node.handle(BULK, serveBulk, STREAM_LIMITS)
  await node.handle(RPC, serveRpc, STREAM_LIMITS)
  emit({ event: 'listening', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) })
  onShutdown(async () => {
    try { await node.stop() } catch (err) { diag('stop:', err.message) }
    process.exit(0)
  }, { watchStdin: args['no-stdin'] !== true })
}

// ---- client ----

const CHUNK = new Uint8Array(256 * 1024).fill(0xa5) // never modified, safe to resend

async function bulkTransfer (conn, n) {
  const stream = await conn.newStream(BULK, STREAM_LIMITS)
  const r = new Reader(stream)
  for (let left = n; left > 0; left -= CHUNK.byteLength) {
    await send(stream, left >= CHUNK.byteLength ? CHUNK : CHUNK.subarray(0, left))
  }
  await stream.close()
  const reply = await r.readExactly(8)
  if (reply === null) throw new Error('bulk: no count from server')
  const count = new DataView(reply.buffer, reply.byteOffset, 8).getBigUint64(0)
  if (count !== BigInt(n)) throw new Error(`bulk: server counted ${count}, sent ${n}`)
  if (await r.read() !== null) throw new Error('bulk: extra bytes after count')
}

async function bulk (conn, name, streams, perStream) {
  const start = performance.now()
  await Promise.all(Array.from({ length: streams }, () => bulkTransfer(conn, perStream)))
  const secs = (performance.now() - start) / 1000
  const bytes = streams * perStream
  return { bench: name, mbps: round(bytes / 1e6 / secs), bytes, streams, secs: round(secs) }
}

// Sequential round trips on one stream until the deadline; returns latencies (µs).
async function rpcLoop (conn, deadline, maxCount = Infinity) {
  const stream = await conn.newStream(RPC, STREAM_LIMITS)
  const r = new Reader(stream)
  const req = new Uint8Array(36)
  new DataView(req.buffer).setUint32(0, 32)
  crypto.getRandomValues(req.subarray(4))
  const lat = []
  while (lat.length < maxCount && performance.now() < deadline) {
    const t0 = performance.now()
    stream.send(req) // 36 bytes, never needs a drain wait in practice
    const hdr = await r.readExactly(4)
    const body = hdr && await r.readExactly(32)
    if (body === null || new DataView(hdr.buffer, hdr.byteOffset, 4).getUint32(0) !== 32) throw new Error('rpc: bad reply')
    lat.push((performance.now() - t0) * 1000)
  }
  await stream.close()
  if (await r.read() !== null) throw new Error('rpc: extra bytes after last reply')
  return lat
}

async function rpc (conn, name, streams, seconds) {
  const start = performance.now()
  const deadline = start + seconds * 1000
  const all = (await Promise.all(Array.from({ length: streams }, () => rpcLoop(conn, deadline)))).flat()
  const secs = (performance.now() - start) / 1000
  all.sort((a, b) => a - b)
  const pct = (p) => round(all[Math.floor(p * (all.length - 1))])
  return { bench: name, rps: round(all.length / secs), p50_us: pct(0.5), p99_us: pct(0.99), requests: all.length, streams }
}

const round = (x) => Math.round(x * 1000) / 1000

async function client (addr, args) {
  const mib = Number(args.mib ?? 64)
  const seconds = Number(args.seconds ?? 5)
  const node = await createNode()
  try {
    const conn = await node.dial(multiaddr(addr))
    diag(`bench client connected to ${conn.remotePeer}`)
    // warm-up: JIT, yamux window growth
    await bulkTransfer(conn, 8 << 20)
    await rpcLoop(conn, Infinity, 2000)
    emit(await bulk(conn, 'bulk_1', 1, mib << 20))
    emit(await bulk(conn, 'bulk_64', 64, (mib << 20) / 64))
    emit(await rpc(conn, 'rpc_1', 1, seconds))
    emit(await rpc(conn, 'rpc_16', 16, seconds))
  } finally {
    await node.stop()
  }
}

// ---- all-in-one: server in a child process, client here ----

async function allInOne (args) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'server'], { stdio: ['pipe', 'pipe', 'inherit'] })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const lines = readline.createInterface({ input: child.stdout })
  const first = await new Promise((resolve, reject) => {
    lines.once('line', resolve)
    child.once('exit', (code) => reject(new Error(`server exited early (${code})`)))
  })
  const { addrs } = JSON.parse(first)
  try {
    await client(addrs[0], args)
  } finally {
    child.stdin.end() // server stops when its stdin ends
    await exited
  }
}

async function main () {
  const args = parseArgs(process.argv.slice(2))
  const [mode, target] = args._
  if (mode === 'server') return server(args)
  if (mode === 'client') {
    if (!target) throw new Error('client: missing multiaddr')
    await client(target, args)
  } else if (mode === undefined) {
    await allInOne(args)
  } else {
    throw new Error(`unknown mode ${mode}; use server, client <multiaddr>, or no argument`)
  }
  process.exit(0)
}

main().catch((err) => {
  emit({ event: 'error', message: err.message })
  process.exit(1)
})
