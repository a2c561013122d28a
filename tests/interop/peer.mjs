// js-libp2p reference peer for sov interop tests. See README.md.
//
//   node peer.mjs listen [--seed HEX64] [--no-stdin]
//   node peer.mjs dial <multiaddr> [--seed HEX64] [--pings K] [--echo-bytes N]
//
// stdout: one JSON object per line (events below); stderr: diagnostics.
//   {"event":"listening","peerId":..,"addrs":[..]}                 listen mode only
//   {"event":"connection","peerId":..,"direction":"inbound"|"outbound","remoteAddr":..}
//   {"event":"identify","peerId":..,"agentVersion":..,"protocols":[..],
//    "listenAddrs":[..],"observedAddr":..|null}                    every identify result
//   {"event":"ping","rttMs":..}                                   one per ping
//   {"event":"echo","bytes":N,"ok":true,"ms":..}
//   {"event":"done"}                                              a dial finished OK
//   {"event":"error","message":..}                                a dial failed
// listen mode reads JSON commands from stdin, one per line:
//   {"cmd":"dial","addr":MA,"pings":K,"echoBytes":N}  -> same events as dial mode
// and stops when stdin ends (unless --no-stdin) or on SIGTERM/SIGINT.
// dial mode exits 0 after "done", 1 after "error".
import './polyfill.mjs'
import readline from 'node:readline'
import { multiaddr } from '@multiformats/multiaddr'
import { createNode, emit, diag, parseArgs, onShutdown, Reader, send } from './common.mjs'

const ECHO = '/echo/1.0.0'
const PING = '/ipfs/ping/1.0.0'
const STEP_TIMEOUT_MS = 30_000

// Echo handler: copy everything back; after the remote half-closes, flush and close.
async function handleEcho (stream) {
  try {
    const r = new Reader(stream)
    for (let chunk; (chunk = await r.read()) !== null;) await send(stream, chunk)
    await stream.close()
  } catch (err) {
    diag('echo handler:', err.message)
    stream.abort(err)
  }
}

// Identify results, kept per connection so a dial can wait for its own one.
const identified = new Map() // connection id -> IdentifyResult
const identifyWaiters = new Map() // connection id -> resolve

function onIdentify (evt) {
  const r = evt.detail
  emit({
    event: 'identify',
    peerId: r.peerId.toString(),
    agentVersion: r.agentVersion ?? null,
    protocols: r.protocols,
    listenAddrs: r.listenAddrs.map(String),
    observedAddr: r.observedAddr ? r.observedAddr.toString() : null
  })
  const id = r.connection?.id
  if (id == null) return
  identified.set(id, r)
  identifyWaiters.get(id)?.(r)
}

function waitIdentify (conn, signal) {
  if (identified.has(conn.id)) return Promise.resolve(identified.get(conn.id))
  return new Promise((resolve, reject) => {
    identifyWaiters.set(conn.id, resolve)
    signal.addEventListener('abort', () => reject(new Error('timed out waiting for identify')))
  }).finally(() => identifyWaiters.delete(conn.id))
}

// One ping exchange like the js ping client: 32 random bytes, half-close,
// expect the same 32 bytes back. Runs on the given connection.
async function pingOnce (conn, signal) {
  const stream = await conn.newStream(PING, { signal })
  const r = new Reader(stream)
  const data = crypto.getRandomValues(new Uint8Array(32))
  const start = performance.now()
  stream.send(data)
  await stream.close({ signal })
  const back = await r.readExactly(32)
  const rtt = performance.now() - start
  if (back === null || !Buffer.from(back).equals(Buffer.from(data))) throw new Error('ping: wrong reply')
  return rtt
}

// Deterministic payload: xorshift32 (13,17,5) from seed 0x2545F491, each
// 32-bit state stored little-endian.
function payload (n) {
  const words = new Uint32Array(Math.ceil(n / 4))
  let x = 0x2545F491
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13; x >>>= 0
    x ^= x >>> 17
    x ^= x << 5; x >>>= 0
    words[i] = x
  }
  return new Uint8Array(words.buffer, 0, n)
}

async function echoTest (conn, n, signal) {
  const data = payload(n)
  const start = performance.now()
  const stream = await conn.newStream(ECHO, { signal })
  const r = new Reader(stream)
  const writer = (async () => {
    for (let off = 0; off < n; off += 65536) await send(stream, data.subarray(off, off + 65536))
    await stream.close({ signal })
  })()
  let got = 0
  let ok = true
  for (let chunk; (chunk = await r.read()) !== null;) {
    if (got + chunk.byteLength > n || !Buffer.from(chunk).equals(data.subarray(got, got + chunk.byteLength))) ok = false
    got += chunk.byteLength
  }
  await writer
  if (!ok || got !== n) throw new Error(`echo mismatch: sent ${n} bytes, got ${got}, content ok=${ok}`)
  return performance.now() - start
}

// The dial sequence shared by dial mode and the listen-mode "dial" command.
async function dialSequence (node, addr, pings, echoBytes) {
  const signal = AbortSignal.timeout(STEP_TIMEOUT_MS)
  // force: always a fresh outbound connection, even if the remote already dialed us
  const conn = await node.dial(multiaddr(addr), { signal, force: true })
  diag(`connected to ${conn.remotePeer} via ${conn.remoteAddr}`)
  await waitIdentify(conn, signal)
  for (let i = 0; i < pings; i++) {
    emit({ event: 'ping', rttMs: Number((await pingOnce(conn, AbortSignal.timeout(STEP_TIMEOUT_MS))).toFixed(3)) })
  }
  if (echoBytes > 0) {
    const ms = await echoTest(conn, echoBytes, AbortSignal.timeout(STEP_TIMEOUT_MS * 4))
    emit({ event: 'echo', bytes: echoBytes, ok: true, ms: Number(ms.toFixed(3)) })
  }
  emit({ event: 'done' })
}

async function main () {
  const args = parseArgs(process.argv.slice(2))
  const [mode, target] = args._
  if (mode !== 'listen' && mode !== 'dial') {
    diag('usage: node peer.mjs listen [--seed HEX64] [--no-stdin]\n' +
         '       node peer.mjs dial <multiaddr> [--seed HEX64] [--pings K] [--echo-bytes N]')
    process.exit(2)
  }
  const node = await createNode({
    seed: args.seed,
    listen: mode === 'listen' ? ['/ip4/127.0.0.1/tcp/0'] : []
  })
  node.addEventListener('peer:identify', onIdentify)
  node.addEventListener('connection:open', (evt) => {
    const c = evt.detail
    emit({ event: 'connection', peerId: c.remotePeer.toString(), direction: c.direction, remoteAddr: c.remoteAddr.toString() })
  })
  await node.handle(ECHO, handleEcho, { maxInboundStreams: 64 })

  const stop = async (code) => {
    try { await node.stop() } catch (err) { diag('stop:', err.message) }
    process.exit(code)
  }

  if (mode === 'dial') {
    if (!target) { diag('dial: missing multiaddr'); process.exit(2) }
    try {
      await dialSequence(node, target, Number(args.pings ?? 0), Number(args['echo-bytes'] ?? 0))
      await stop(0)
    } catch (err) {
      emit({ event: 'error', message: err.message })
      await stop(1)
    }
    return
  }

  emit({ event: 'listening', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) })

  // Commands run one at a time, in order; shutdown waits for the current one.
  let queue = Promise.resolve()
  const watchStdin = args['no-stdin'] !== true
  if (watchStdin) {
    readline.createInterface({ input: process.stdin }).on('line', (line) => {
      if (line.trim() === '') return
      queue = queue.then(async () => {
        try {
          const cmd = JSON.parse(line)
          if (cmd.cmd !== 'dial') throw new Error(`unknown cmd ${JSON.stringify(cmd.cmd)}`)
          await dialSequence(node, cmd.addr, Number(cmd.pings ?? 0), Number(cmd.echoBytes ?? 0))
        } catch (err) {
          emit({ event: 'error', message: err.message })
        }
      })
    })
  }
  onShutdown(() => { queue.then(() => stop(0)) }, { watchStdin })
}

main().catch((err) => {
  emit({ event: 'error', message: err.message })
  process.exit(1)
})
